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
    /** Enrolment opened or closed, capacity and the delay to confirm an offered place. */
    'family.enrolment_settings_changed': AuditData;
    'family.child_enrolled': AuditData;
    'family.child_waitlisted': AuditData;
    'family.enrolment_cancelled': AuditData;
    /** A freed place offered to the first family in line, with its deadline. */
    'family.place_offered': AuditData;
    'family.place_accepted': AuditData;
    'family.offer_expired': AuditData;
    /** Days booked and cancelled by a family, for a child and an activity. */
    'family.bookings_changed': AuditData;
    /** An agent's pointing of an activity's day (present, absent justified or not). */
    'family.attendance_recorded': AuditData;
    /** A monthly billing run: invoices issued, households skipped as already billed. */
    'family.billing_run': AuditData;
    'family.payment_settings_changed': AuditData;
    'family.payment_started': AuditData;
    /** PayFiP confirmed a payment: the invoice is paid. */
    'family.invoice_paid': AuditData;
    /** PayFiP's answer does not match the order (amount, reference): not paid, to check. */
    'family.payment_anomaly': AuditData;
    'family.payment_ended': AuditData;
    /** The commune's Hélios identifiers (accounting post, SIRET, codes, revenue account). */
    'family.helios_settings_changed': AuditData;
    /** A month's rôle emitted as a PES V2 ORMC bordereau: its number, pieces and total. */
    'family.role_emitted': AuditData;
    /** A rôle sent to the parapheur for the ordonnateur's XAdES signature, then signed or refused there. */
    'family.role_sent_for_signature': AuditData;
    'family.role_signed': AuditData;
    'family.role_signature_refused': AuditData;
    /** Credit notes on a rôle's invoices sent to the comptable as an annulation-réduction bordereau. */
    'family.cancellation_emitted': AuditData;
    /** A credit note on an invoice (a line or the rest of it), with its reason. */
    'family.credit_note_issued': AuditData;
    /** Dunning letters for the households with invoices past due. */
    'family.dunning_letters': AuditData;
  }
}
