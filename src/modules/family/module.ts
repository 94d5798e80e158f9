/**
 * The family portal (issue « Portail famille »), first part: activities and their tariff grids
 * in dated versions, the quotient familial and pricing as pure functions, the public tariff
 * simulator and the administrators' tariff pages (migration 0022).
 */
import type { GuichetModule } from '../../platform/module.js';
import { registerAdminTariffPages } from './pages/tariffs-admin.js';
import { registerPublicTariffPages } from './pages/tariffs-public.js';

export const familyModule: GuichetModule = {
  name: 'family',
  registerRoutes(app, ctx) {
    registerPublicTariffPages(app, ctx);
    registerAdminTariffPages(app, ctx);
  },
  nav: [{ path: 'famille/tarifs', label: 'Tarifs famille', order: 35 }],
  adminLinks: [
    {
      path: 'famille',
      label: 'Tarifs famille',
      title: 'Portail famille : activités et tarifs',
      order: 55,
      description:
        'Les activités (restauration scolaire, périscolaire, loisirs) et leurs grilles de tarifs par délibération.',
    },
  ],
};
