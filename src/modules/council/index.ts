/** Front door of the council: what other modules (the demo tomorrow) may ask of it. */
export { legalSeats } from './rules.js';
