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
    /** A délibération put online on the commune's public page (date and SHA-256 of the PDF). */
    'council.deliberation_published': AuditData;
    /** A délibération sent to the parapheur for the maire's signature (the folder's number). */
    'council.deliberation_sent_for_signature': AuditData;
    /** The parapheur sent the délibération back signed (SHA-256 of the signed PDF). */
    'council.deliberation_signed': AuditData;
    'council.deliberation_signature_refused': AuditData;
    /** The procès-verbal of a séance put online (date and SHA-256 of the PDF). */
    'council.pv_published': AuditData;
    /** Postal convocations recorded with their posting date (« envoi postal »). */
    'council.postal_convocations_recorded': AuditData;
    /** A candidate declared for a nomination or an election (L2122-7, L2121-21). */
    'council.candidate_added': AuditData;
    /** One round of a nomination: counts, majority required, outcome and the member elected. */
    'council.nomination_round_recorded': AuditData;
    /** The first opening of a convocation by its recipient (link or élu space). */
    'council.convocation_opened': AuditData;
    /** The council's settings (the commune's SIRET for the open-data export). */
    'council.settings_changed': AuditData;
    /** The commune's @ctes settings (emitter of the ACTES envelopes, classification date). */
    'council.actes_settings_changed': AuditData;
    /** A délibération's @ctes package prepared (its envelope number and date, first time only). */
    'council.actes_package_prepared': AuditData;
    /** The procès-verbal's draft saved by the secretariat (secretary of séance, debates). */
    'council.pv_draft_saved': AuditData;
    /** The procès-verbal adopted (« arrêté ») at the start of a later séance. */
    'council.pv_adopted': AuditData;
  }
}
