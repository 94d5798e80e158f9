/**
 * The actions this module writes to the commune's journal (see `AuditActions` in the platform's
 * journal): an undeclared action is a type error.
 */
declare module '../../platform/audit/journal.js' {
  interface AuditActions {
    /** The commune's addresses were replaced by a BAN file's (admin page, CLI or demo). */
    'addresses.imported': { imported: number; rejected: number };
  }
}

export {};
