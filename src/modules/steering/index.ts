/** Front door of the pilotage module: the savings model (pure) for whoever shows it elsewhere. */
export { ASSUMPTIONS, type AssumptionKey, leverSavings, paybackSchedule } from './savings.js';
