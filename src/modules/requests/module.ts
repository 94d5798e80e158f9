/**
 * Citizen side of démarches and requests: catalogue, démarche flow with drafts, submission with
 * receipt, "contacter la mairie" with automatic routing, "Mes demandes", and the "mode simple"
 * processing link. Every route lives in one encapsulated scope where multipart uploads are
 * accepted (with limits); elsewhere in the application multipart bodies stay refused.
 */

import { subscribe } from '../../platform/events/index.js';
import { registerMultipart } from '../../platform/files/checks.js';
import type { GuichetModule } from '../../platform/module.js';
import { COMPETENCE_ADMIN_PATH, registerCompetencePages } from './competence-pages.js';
import { registerContactPages } from './contact-pages.js';
import { requestsIndicators } from './indicators.js';
import { REQUEST_MAILS } from './mail-templates.js';
import { registerCataloguePages } from './pages/catalogue.js';
import { registerDemarcheReview } from './pages/demarche-review.js';
import { registerDemarcheSteps } from './pages/demarche-steps.js';
import { registerMyRequestsPages } from './pages/my-requests.js';
import { registerProcessLinkPages } from './pages/process-link.js';
import { requestsPortalWidgets } from './portal-widgets.js';
import { requestsPublicTasks } from './public-tasks.js';
import {
  countOpenRequestsByService,
  countOpenRequestsByStep,
  countRequests,
  countRequestsByProcedure,
} from './repo.js';
import { recordAppointment } from './use-cases/record-appointment.js';

export const requestsModule: GuichetModule = {
  name: 'requests',
  nav: [{ path: 'demandes', label: 'Mes demandes', order: 60 }],
  mailTemplates: Object.values(REQUEST_MAILS),
  // A démarche that ends by booking an appointment: the booking's changes go into the request's history.
  subscribers: (ctx) => [
    subscribe('appointment.booked', 'requests.appointment-booked', (e) => recordAppointment(ctx, e, 'booked')),
    subscribe('appointment.moved', 'requests.appointment-moved', (e) => recordAppointment(ctx, e, 'moved')),
    subscribe('appointment.cancelled', 'requests.appointment-cancelled', (e) => recordAppointment(ctx, e, 'cancelled')),
  ],
  async registerRoutes(app, ctx) {
    await app.register(async (scope) => {
      await registerMultipart(scope);
      registerCataloguePages(scope, ctx);
      registerDemarcheSteps(scope, ctx);
      registerDemarcheReview(scope, ctx);
      registerContactPages(scope, ctx);
      registerMyRequestsPages(scope, ctx);
      registerProcessLinkPages(scope, ctx);
      registerCompetencePages(scope, ctx);
    });
  },
  adminLinks: [
    {
      path: COMPETENCE_ADMIN_PATH,
      label: 'Orientation',
      title: 'Orientation des messages',
      order: 45,
      description: 'Quel service reçoit les messages de chaque compétence municipale (état civil, voirie, CCAS…).',
    },
  ],
  indicators: [requestsIndicators],
  figures: [{ key: 'requests.received', label: 'Demandes', unit: 'count', compute: countRequests }],
  usages: [
    { subject: 'procedure', count: (tx, communeId) => countRequestsByProcedure(tx, communeId) },
    { subject: 'procedure-step', count: countOpenRequestsByStep },
    { subject: 'service-open-requests', count: (tx, communeId) => countOpenRequestsByService(tx, communeId) },
  ],
  portalWidgets: requestsPortalWidgets,
  publicTasks: requestsPublicTasks,
};
