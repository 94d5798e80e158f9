/**
 * The actions this module writes to the commune's journal (see `AuditActions` in the platform's
 * journal): an undeclared action is a type error.
 */
import type { AuditData } from '../../platform/audit/journal.js';

declare module '../../platform/audit/journal.js' {
  interface AuditActions {
    'procedure.created': AuditData;
    'procedure.follow_up_changed': AuditData;
    'procedure.form_version_saved': AuditData;
    'procedure.imported': AuditData;
    'procedure.published': AuditData;
    'procedure.unpublished': AuditData;
    'procedure.updated': AuditData;
    'procedure.workflow_changed': AuditData;
  }
}
