/**
 * Front door of the appointments module: what other modules may ask of it — book a slot for a
 * person (e.g. a démarche that ends with an appointment) and list a motif's free slots. They
 * learn of bookings and cancellations from the events `appointment.*` (events.ts).
 */
export type { AppointmentPayload } from './events.js';
export { type SeedAgenda, type SeedMotif, seedAppointments } from './seed.js';
export { type BookingResult, bookAppointment } from './use-cases/book-appointment.js';
export type { Caller as AppointmentCaller } from './use-cases/common.js';
