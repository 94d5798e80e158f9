/**
 * The actions this module writes to the commune's journal (see `AuditActions` in the platform's
 * journal): an undeclared action is a type error.
 */
import type { AuditData } from '../../platform/audit/journal.js';

declare module '../../platform/audit/journal.js' {
  interface AuditActions {
    'request.assigned': AuditData;
    'request.citizen_replied': AuditData;
    'request.message_sent': AuditData;
    'request.note_added': AuditData;
    'request.processed_by_link': AuditData;
    'request.rerouted': AuditData;
    'request.status_changed': AuditData;
    'request.submitted': AuditData;
    'requests.exported': AuditData;
    'settings.notification_text_changed': AuditData;
    'settings.notification_text_reset': AuditData;
    'settings.sms_on_status_change': AuditData;
  }
}
