/**
 * The actions the courrier writes to the commune's journal (see `AuditActions` in the platform's
 * journal): an undeclared action is a type error.
 */
import type { AuditData } from '../../platform/audit/journal.js';

declare module '../../platform/audit/journal.js' {
  interface AuditActions {
    'courrier.mail_registered': AuditData;
    'courrier.mail_assigned': AuditData;
    'courrier.mail_redirected': AuditData;
    'courrier.mail_read': AuditData;
    'courrier.proposal_decided': AuditData;
    'courrier.reply_drafted': AuditData;
    'courrier.reply_sent_to_parapheur': AuditData;
    'courrier.reply_signed': AuditData;
    'courrier.reply_sent': AuditData;
    'courrier.mail_closed': AuditData;
    'courrier.email_rejected': AuditData;
    'courrier.mailbox_configured': AuditData;
    'courrier.avis_requested': AuditData;
    'courrier.avis_answered': AuditData;
    'courrier.register_exported': AuditData;
    'courrier.template_saved': AuditData;
    'courrier.template_added': AuditData;
    'courrier.template_reverted': AuditData;
    'courrier.template_removed': AuditData;
    'courrier.absence_declared': AuditData;
    'courrier.absence_withdrawn': AuditData;
    'courrier.bundle_registered': AuditData;
    'courrier.mail_completed': AuditData;
  }
}
