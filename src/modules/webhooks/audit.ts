/**
 * The actions this module writes to the commune's journal (see `AuditActions` in the platform's
 * journal): an undeclared action is a type error.
 */
import type { AuditData } from '../../platform/audit/journal.js';

declare module '../../platform/audit/journal.js' {
  interface AuditActions {
    'webhook.created': AuditData;
    'webhook.deleted': AuditData;
  }
}
