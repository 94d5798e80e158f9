/**
 * Cyber awareness (issue 17, decision 0053): the staff information notice, phishing-simulation
 * campaigns sent through the outbox over a time window, the teachable moment behind each link,
 * « Signaler un hameçonnage » and the security officer's queue, results per campaign and per
 * service (figures on the cyber panel), individual results for the person and the security
 * officer only, five short trainings with their quiz (completion per person, a monthly reminder
 * job, a certificate PDF once all are passed, counts per training for the security officer), and
 * the declaration of security incidents with the security officer's checklist and the CNIL
 * 72-hour deadline.
 */
import type { GuichetModule } from '../../platform/module.js';
import './audit.js';
import { AWARENESS_MAILS } from './mail-templates.js';
import { registerAdminPages } from './pages/admin.js';
import { registerAgentPages } from './pages/agent.js';
import { registerIncidentPages } from './pages/incidents.js';
import { registerLinkPages } from './pages/link.js';
import { completionsOf, eraseAccount, individualResults } from './repo.js';
import { AWARENESS_FIGURES } from './results.js';
import { findScenario } from './scenarios.js';
import { findTraining } from './trainings.js';
import { sendSimulationJob } from './use-cases/send-simulation.js';
import { trainingReminderJob } from './use-cases/send-training-reminders.js';

export const awarenessModule: GuichetModule = {
  name: 'awareness',
  registerRoutes(app, ctx) {
    registerAdminPages(app, ctx);
    registerAgentPages(app, ctx);
    registerLinkPages(app, ctx);
    registerIncidentPages(app, ctx);
  },
  jobs: (ctx) => [sendSimulationJob(ctx), trainingReminderJob(ctx)],
  figures: AWARENESS_FIGURES,
  mailTemplates: Object.values(AWARENESS_MAILS),
  adminLinks: [
    {
      path: 'sensibilisation',
      label: 'Sensibilisation',
      title: 'Sensibilisation à la cybersécurité',
      order: 65,
      description:
        'Informer le personnel, lancer des exercices d’hameçonnage, suivre les taux de clic et de signalement, traiter les messages suspects signalés.',
    },
  ],
  agentTiles: [{ path: 'agent/sensibilisation', label: 'Sensibilisation et signalement d’hameçonnage', order: 90 }],
  personalData: {
    // The person's own results and trainings in the transaction's commune.
    async collect(tx, accountId) {
      const communeId = tx.communeId;
      if (!communeId) return [];
      const results = await individualResults(tx, communeId, { accountId });
      const trainings = await completionsOf(tx, communeId, accountId);
      if (results.length === 0 && trainings.length === 0) return [];
      return [
        {
          key: 'sensibilisation',
          data: {
            exercices: results.map((r) => ({
              scenario: r.scenario,
              envoye: r.sendAt.toISOString(),
              actions: r.events,
            })),
            formations: trainings.map((t) => ({ formation: t.training, suivie: t.completedAt.toISOString() })),
          },
          readable: {
            title: 'Sensibilisation à la cybersécurité',
            tables: [
              {
                caption: 'Exercices reçus',
                columns: ['Message', 'Reçu le', 'Actions'],
                rows: results.map((r) => [
                  findScenario(r.scenario)?.title ?? r.scenario,
                  r.sendAt.toISOString(),
                  r.events.join(', ') || 'aucune',
                ]),
              },
              {
                caption: 'Formations réussies',
                columns: ['Formation', 'Réussie le'],
                rows: trainings.map((t) => [
                  findTraining(t.training)?.title ?? t.training,
                  t.completedAt.toISOString(),
                ]),
              },
            ],
          },
        },
      ];
    },
    erase: (tx, accountId) => eraseAccount(tx, accountId),
  },
};
