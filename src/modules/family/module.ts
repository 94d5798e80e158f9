/**
 * The family portal (issue « Portail famille »), first part: activities and their tariff grids
 * in dated versions, the quotient familial and pricing as pure functions, the public tariff
 * simulator and the administrators' tariff pages (migration 0022); enrolments with a waiting list
 * that promotes families by itself (migration 0023); reservations with a cut-off rule, the
 * agents' pointing, monthly invoices and online payment through PayFiP (migration 0026,
 * decision 0033).
 */
import { z } from 'zod';
import { subscribe } from '../../platform/events/index.js';
import type { GuichetModule } from '../../platform/module.js';
import { parisDateOf } from '../../platform/time/calendar.js';
import { formatNumber } from '../../platform/views/format.js';
import { familyIndicatorSource } from './indicators.js';
import { FAMILY_MAILS } from './mail-templates.js';
import { registerAttendancePages } from './pages/attendance.js';
import { registerAdminBillingPages } from './pages/billing-admin.js';
import { registerAdminDaysPages } from './pages/days-admin.js';
import { registerAdminDunningPages } from './pages/dunning-admin.js';
import { registerAdminEnrolmentPages } from './pages/enrolments-admin.js';
import { registerFamilyEnrolmentPages } from './pages/enrolments-family.js';
import { registerAdminInvoicePages } from './pages/invoice-admin.js';
import { registerInvoicePages } from './pages/invoices.js';
import { registerReservationPages } from './pages/reservations.js';
import { registerAdminTariffPages } from './pages/tariffs-admin.js';
import { registerPublicTariffPages } from './pages/tariffs-public.js';
import { familyPortalWidgets } from './portal-widgets.js';
import { bookedChildrenOn } from './queries.js';
import { expireOffers } from './use-cases/expire-offers.js';
import { roleRefused, roleSigned } from './use-cases/sign-role.js';

/** The waiting list's clock: offers past their deadline go to the next family. */
export const EXPIRE_OFFERS_JOB = 'family.expire_offers';

export const familyModule: GuichetModule = {
  name: 'family',
  registerRoutes(app, ctx) {
    registerPublicTariffPages(app, ctx);
    registerAdminTariffPages(app, ctx);
    registerFamilyEnrolmentPages(app, ctx);
    registerAdminEnrolmentPages(app, ctx);
    registerReservationPages(app, ctx);
    registerAttendancePages(app, ctx);
    registerInvoicePages(app, ctx);
    registerAdminBillingPages(app, ctx);
    registerAdminInvoicePages(app, ctx);
    registerAdminDunningPages(app, ctx);
    registerAdminDaysPages(app, ctx);
  },
  subscribers: (ctx) => [
    subscribe('signature.circuit.completed', 'family.role-signed', (event) => roleSigned(ctx, event)),
    subscribe('signature.circuit.refused', 'family.role-refused', (event) => roleRefused(ctx, event)),
  ],
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
  indicators: [familyIndicatorSource],
  nav: [{ path: 'famille/tarifs', label: 'Tarifs famille', order: 35 }],
  agentTiles: [
    {
      path: 'agent/famille/pointage',
      label: 'Pointage famille',
      order: 30,
      async status(tx, communeId) {
        const day = parisDateOf(new Date());
        const booked = await bookedChildrenOn(tx, communeId, day);
        if (booked === null) return null;
        return {
          text:
            booked === 0
              ? 'aucun enfant réservé aujourd’hui'
              : `${formatNumber(booked)} réservation${booked > 1 ? 's' : ''} aujourd’hui`,
          waiting: false,
        };
      },
    },
  ],
  adminLinks: [
    {
      path: 'famille/facturation',
      label: 'Facturation famille',
      title: 'Portail famille : facturation et paiement en ligne',
      order: 56,
      description: 'Facturer un mois (une facture par foyer), suivre les factures, ouvrir le paiement par PayFiP.',
    },
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
