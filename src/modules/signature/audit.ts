/**
 * The actions the parapheur writes to the commune's journal (see `AuditActions` in the
 * platform's journal): an undeclared action is a type error.
 */
import type { AuditData } from '../../platform/audit/journal.js';

declare module '../../platform/audit/journal.js' {
  interface AuditActions {
    'signature.folder_created': AuditData;
    'signature.folder_visa': AuditData;
    'signature.folder_signed': AuditData;
    'signature.folder_refused': AuditData;
    'signature.folder_sent_back': AuditData;
    'signature.folder_annotated': AuditData;
    'signature.decision_recalled': AuditData;
    'signature.step_transferred': AuditData;
    'signature.circuit_completed': AuditData;
    'signature.batch_signed': AuditData;
    'signature.delegation_created': AuditData;
    'signature.delegation_revoked': AuditData;
    'signature.functions_assigned': AuditData;
    'signature.threshold_changed': AuditData;
    'signature.reminders_changed': AuditData;
    'signature.certificate_imported': AuditData;
    'signature.certificate_removed': AuditData;
  }
}
