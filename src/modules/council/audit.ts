/** The actions the council writes to the commune's journal (see `AuditActions`). */
import type { AuditData } from '../../platform/audit/journal.js';

declare module '../../platform/audit/journal.js' {
  interface AuditActions {
    'council.member_added': AuditData;
    'council.seance_created': AuditData;
    'council.item_added': AuditData;
    /** Convocations sent for a séance: channel and count, with the sending instant. */
    'council.convocations_sent': AuditData;
    /** The vote of an item: quorum, counts, result and the délibération's number. */
    'council.vote_recorded': AuditData;
  }
}
