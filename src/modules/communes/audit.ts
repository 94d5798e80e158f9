/**
 * The actions this module writes to the commune's journal (see `AuditActions` in the platform's
 * journal): an undeclared action is a type error.
 */
import type { AuditData } from '../../platform/audit/journal.js';

declare module '../../platform/audit/journal.js' {
  interface AuditActions {
    'commune.created': AuditData;
    /** Settings page: the names of the fields changed (their values are public, on the site). */
    'commune.settings_changed': AuditData;
    /** The keys of the home page's top tasks, in order. */
    'commune.top_tasks_changed': AuditData;
    'service.created': AuditData;
    'service.updated': AuditData;
    'service.retired': AuditData;
    'service.restored': AuditData;
  }
}
