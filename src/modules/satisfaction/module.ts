/**
 * Citizen satisfaction (issue 16 §2, decision 0056): the optional « Je donne mon avis » survey
 * offered after a démarche is sent and in the mail closing a request (requests reach it through
 * index.ts), answered without an account through a signed link, stored without the requester;
 * results per commune and service as pilotage indicators, per démarche with the free comments on
 * the service's page « Avis des usagers ».
 */
import type { GuichetModule } from '../../platform/module.js';
import { satisfactionIndicators } from './indicators.js';
import { registerResultsPages } from './pages/results.js';
import { registerSurveyPages } from './pages/survey.js';

export const satisfactionModule: GuichetModule = {
  name: 'satisfaction',
  registerRoutes(app, ctx) {
    registerSurveyPages(app, ctx);
    registerResultsPages(app, ctx);
  },
  indicators: [satisfactionIndicators],
  agentTiles: [{ path: 'agent/avis', label: 'Avis des usagers', order: 85 }],
};
