/**
 * The actions the family portal writes to the commune's journal (see `AuditActions` in the
 * platform's journal): an undeclared action is a type error.
 */
import type { AuditData } from '../../platform/audit/journal.js';

declare module '../../platform/audit/journal.js' {
  interface AuditActions {
    /** An activity of the family portal (restauration scolaire, accueil périscolaire…) created. */
    'family.activity_created': AuditData;
    /** A new version of an activity's tariff grid, with its start and the délibération. */
    'family.tariff_grid_created': AuditData;
  }
}
