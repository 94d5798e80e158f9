/**
 * Front door of the courrier: what other modules may ask of it. Nothing yet — the courrier uses
 * the parapheur's front door and listens to its events; it offers nothing to others so far.
 */
export { MAIL_TYPE_RULES, MAIL_TYPES, type MailType, processingDeadline } from './deadlines.js';
