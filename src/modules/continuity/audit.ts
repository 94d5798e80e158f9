/**
 * The actions this module writes to a commune's journal (see `AuditActions` in the platform's
 * journal): an undeclared action is a type error.
 */
declare module '../../platform/audit/journal.js' {
  interface AuditActions {
    /** The commune was imported from another instance's export (`guichet import`). */
    'continuity.commune_imported': {
      archive: string;
      exportedAt: string;
      fromVersion: string;
      rows: number;
      files: number;
      placeholderAccounts: number;
    };
  }
}

export {};
