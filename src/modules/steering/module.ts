/**
 * Pilotage (issue 16, decision 0052): the leadership's KPIs per period and service, computed only
 * from the indicators modules publish (never their tables), the monthly chart and CSV export,
 * the savings and return-on-investment model with the commune's assumptions, and the OPSN
 * operator's roll-up across communes.
 */
import type { GuichetModule } from '../../platform/module.js';
import './audit.js';
import { registerDashboardPages } from './pages/dashboard.js';
import { registerRollupPage } from './pages/rollup.js';
import { registerSavingsPages } from './pages/savings.js';

export const steeringModule: GuichetModule = {
  name: 'steering',
  registerRoutes(app, ctx) {
    registerDashboardPages(app, ctx);
    registerSavingsPages(app, ctx);
    registerRollupPage(app, ctx);
  },
  adminLinks: [
    {
      path: 'pilotage',
      label: 'Pilotage',
      title: 'Pilotage et économies',
      order: 5,
      description:
        'Les indicateurs par période et par service (demandes, rendez-vous, courrier, parapheur, famille, conseil), les économies et le retour sur investissement.',
    },
  ],
};
