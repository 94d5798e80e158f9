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
    /** An élu's reply to a convocation (présent, absent), by the élu or the secretariat. */
    'council.reply_recorded': AuditData;
    'council.proxy_given': AuditData;
    'council.proxy_revoked': AuditData;
    /** The roll call at the opening: the members present. */
    'council.roll_call': AuditData;
    /** An arrival or a departure during the séance, from an item on. */
    'council.movement_recorded': AuditData;
    /** A délibération put online on the commune's public page. */
    'council.deliberation_published': AuditData;
  }
}
