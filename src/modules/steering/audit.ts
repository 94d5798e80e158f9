/**
 * The actions this module writes to a commune's journal (see `AuditActions` in the platform's
 * journal): an undeclared action is a type error.
 */
declare module '../../platform/audit/journal.js' {
  interface AuditActions {
    /** The DGS changed assumptions of the savings model: the keys, their old and new values. */
    'steering.assumptions_changed': { changes: Array<{ key: string; from: number; to: number }> };
  }
}

export {};
