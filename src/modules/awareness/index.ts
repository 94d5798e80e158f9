/** Front door of the awareness module: nothing is used by other modules yet (its figures are contributed). */
export { SCENARIOS, type Scenario } from './scenarios.js';
