/**
 * The courrier (GEC, issue 14): the incoming register (chrono per commune, sender from the
 * contacts directory, type and deadline, priority, confidentiality, service in charge, copies,
 * scans), reading the scans with tesseract in a worker job, the classifier's proposal of a
 * service, processing (assignment, redirection with a reason, absences, daily late reminders,
 * history), replies signed in the parapheur and the outgoing register, electronic registered
 * letters through a qualified provider. Contributes the agent tile (the agent's navigation) and figures for pilotage.
 */

import { subscribe } from '../../platform/events/index.js';
import { registerMultipart } from '../../platform/files/checks.js';
import type { GuichetModule } from '../../platform/module.js';
import { parisDateOf } from '../../platform/time/calendar.js';
import { formatNumber } from '../../platform/views/format.js';
import { courrierIndicatorSource } from './indicators.js';
import { COURRIER_MAILS } from './mail-templates.js';
import { ocrJob } from './ocr-job.js';
import { registerAbsencePages } from './pages/absences.js';
import { registerBundlePages } from './pages/bundle.js';
import { registerIntakeAdminPages } from './pages/intake-admin.js';
import { registerMailPages } from './pages/mail.js';
import { registerRegisterPages } from './pages/register.js';
import { registerTemplatesAdminPages } from './pages/templates-admin.js';
import { viewerOf } from './policy.js';
import { courrierFigures, listRegister } from './repo.js';
import { lreFollowJob } from './use-cases/follow-lre.js';
import { intakeJob } from './use-cases/mailbox.js';
import { reminderJob } from './use-cases/reminders.js';
import { onCircuitClosed } from './use-cases/replies.js';
import './audit.js';

export const courrierModule: GuichetModule = {
  name: 'courrier',
  async registerRoutes(app, ctx) {
    registerMailPages(app, ctx);
    registerAbsencePages(app, ctx);
    registerIntakeAdminPages(app, ctx);
    registerTemplatesAdminPages(app, ctx);
    // The registration form takes the scans: multipart is parsed in this scope only.
    await app.register(async (scope) => {
      await registerMultipart(scope);
      registerRegisterPages(scope, ctx);
      registerBundlePages(scope, ctx);
    });
  },
  jobs: (ctx) => [ocrJob(ctx), lreFollowJob(ctx), intakeJob(ctx), reminderJob(ctx)],
  mailTemplates: Object.values(COURRIER_MAILS),
  subscribers: (ctx) => [
    subscribe('signature.circuit.completed', 'courrier.reply-signed', (event) => onCircuitClosed(ctx, event)),
    subscribe('signature.circuit.refused', 'courrier.reply-refused', (event) => onCircuitClosed(ctx, event)),
  ],
  adminLinks: [
    {
      path: 'courrier',
      label: 'Courriels reçus',
      title: 'Courriels reçus au courrier',
      description: 'Relever une boîte aux lettres de la mairie, le dossier de dépôt des .eml et les fichiers refusés.',
      order: 55,
    },
    {
      path: 'courrier/modeles',
      label: 'Modèles de réponse',
      title: 'Modèles de réponse du courrier',
      description: 'Adapter les modèles de réponse fournis, en ajouter, avec leurs champs de fusion.',
      order: 56,
    },
  ],
  agentTiles: [
    {
      path: 'agent/courrier',
      label: 'Courrier',
      order: 18,
      async status(tx, communeId, actor) {
        const rows = await listRegister(tx, communeId, viewerOf(actor), {
          status: 'a_traiter',
          today: parisDateOf(new Date()),
          limit: 1000,
        });
        return rows.length === 0
          ? { text: 'aucun courrier à traiter', waiting: false }
          : { text: `${formatNumber(rows.length)} courrier${rows.length > 1 ? 's' : ''} à traiter`, waiting: true };
      },
    },
  ],
  indicators: [courrierIndicatorSource],
  figures: [
    {
      key: 'courrier.received',
      label: 'Courriers arrivés',
      unit: 'count',
      compute: async (tx, communeId) => (await courrierFigures(tx, communeId, parisDateOf(new Date()))).received,
    },
    {
      key: 'courrier.open',
      label: 'Courriers non clos',
      unit: 'count',
      compute: async (tx, communeId) => (await courrierFigures(tx, communeId, parisDateOf(new Date()))).open,
    },
    {
      key: 'courrier.late',
      label: 'Courriers en retard',
      unit: 'count',
      compute: async (tx, communeId) => (await courrierFigures(tx, communeId, parisDateOf(new Date()))).late,
    },
    {
      key: 'courrier.lre_sent',
      label: 'Lettres recommandées électroniques envoyées',
      unit: 'count',
      compute: async (tx, communeId) => (await courrierFigures(tx, communeId, parisDateOf(new Date()))).lre,
    },
    {
      key: 'courrier.lre_cost_cents',
      label: 'Coût des lettres recommandées électroniques (centimes)',
      unit: 'count',
      compute: async (tx, communeId) => (await courrierFigures(tx, communeId, parisDateOf(new Date()))).lreCostCents,
    },
  ],
};
