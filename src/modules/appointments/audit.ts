/**
 * The actions the appointments module writes to the commune's journal (see `AuditActions` in
 * the platform's journal): an undeclared action is a type error.
 */
import type { AuditData } from '../../platform/audit/journal.js';

declare module '../../platform/audit/journal.js' {
  interface AuditActions {
    'appointments.agenda_created': AuditData;
    'appointments.agenda_changed': AuditData;
    'appointments.motif_created': AuditData;
    'appointments.motif_changed': AuditData;
    'appointments.booked': AuditData;
    'appointments.cancelled': AuditData;
    'appointments.moved': AuditData;
    'appointments.checked_in': AuditData;
    'appointments.no_show': AuditData;
    'appointments.waitlist_joined': AuditData;
    'appointments.waitlist_offered': AuditData;
    'appointments.waitlist_accepted': AuditData;
    'appointments.link_resent': AuditData;
    'appointments.ticket_taken': AuditData;
    'appointments.ticket_left': AuditData;
    'appointments.ticket_called': AuditData;
    'appointments.ticket_served': AuditData;
    'appointments.ticket_no_show': AuditData;
    'appointments.feed_created': AuditData;
    'appointments.feed_revoked': AuditData;
  }
}
