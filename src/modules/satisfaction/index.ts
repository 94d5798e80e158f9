/**
 * Front door of the satisfaction survey (« Je donne mon avis », decision 0056): the link a module
 * offers after a démarche or when closing a request. Results reach pilotage as contributed
 * indicators; nothing else of the module is for other modules.
 */
export type { SurveyMoment, SurveySubject } from './token.js';
export { surveyPathFor } from './use-cases/survey-link.js';
