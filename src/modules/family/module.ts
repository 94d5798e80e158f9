/**
 * The family portal (issue « Portail famille »), first part: activities and their tariff grids
 * in dated versions, the quotient familial and pricing as pure functions, the public tariff
 * simulator and the administrators' tariff pages (migration 0022); enrolments with a waiting list
 * that promotes families by itself (migration 0023).
 */
import { z } from 'zod';
import type { GuichetModule } from '../../platform/module.js';
import { FAMILY_MAILS } from './mail-templates.js';
import { registerAdminEnrolmentPages } from './pages/enrolments-admin.js';
import { registerFamilyEnrolmentPages } from './pages/enrolments-family.js';
import { registerAdminTariffPages } from './pages/tariffs-admin.js';
import { registerPublicTariffPages } from './pages/tariffs-public.js';
import { familyPortalWidgets } from './portal-widgets.js';
import { expireOffers } from './use-cases/expire-offers.js';

/** The waiting list's clock: offers past their deadline go to the next family. */
export const EXPIRE_OFFERS_JOB = 'family.expire_offers';

export const familyModule: GuichetModule = {
  name: 'family',
  registerRoutes(app, ctx) {
    registerPublicTariffPages(app, ctx);
    registerAdminTariffPages(app, ctx);
    registerFamilyEnrolmentPages(app, ctx);
    registerAdminEnrolmentPages(app, ctx);
  },
  jobs: (ctx) => [
    {
      name: EXPIRE_OFFERS_JOB,
      schema: z.object({}),
      schedule: { cron: '*/10 * * * *', data: {} },
      async run() {
        const deps = { queue: ctx.queue, publicUrl: ctx.config.publicUrl };
        for (const commune of await ctx.communes.all()) await expireOffers(ctx.database, deps, commune);
      },
    },
  ],
  mailTemplates: Object.values(FAMILY_MAILS),
  portalWidgets: familyPortalWidgets,
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
