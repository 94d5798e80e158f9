/** Front door of communes: opening a commune (with its services), for operators and the demo. */
export { createCommune, type NewCommune, newCommuneSchema } from './service.js';
