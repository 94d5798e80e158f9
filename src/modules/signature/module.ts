/**
 * The parapheur (issue 10): folders of documents that go through circuits of visas and
 * signatures — PAdES signatures with each signer's certificate from the commune's internal
 * certification authority (platform/signature), functions resolved when a step starts,
 * delegations, droit de remords. Its pages are in the agent area (the queue, a folder, a new
 * folder, delegations) and the administration (functions, threshold, circuits).
 */
import { registerMultipart } from '../../platform/files/checks.js';
import type { GuichetModule } from '../../platform/module.js';
import { formatNumber } from '../../platform/views/format.js';
import { registerParapheurApi } from './api.js';
import { signatureIndicatorSource } from './indicators.js';
import { SIGNATURE_MAILS } from './mail-templates.js';
import { registerAdminPages } from './pages/admin.js';
import { registerBatchPages } from './pages/batch.js';
import { registerCertificatePages } from './pages/certificate.js';
import { registerDelegationPages } from './pages/delegations.js';
import { registerFolderPages } from './pages/folder.js';
import { registerNewFolderPages } from './pages/new-folder.js';
import { registerQueuePages } from './pages/queue.js';
import { registerCrlRoute, registerVerifyPages } from './pages/verify.js';
import { countWaiting } from './queries.js';
import { reminderJob } from './use-cases/send-reminders.js';

export const signatureModule: GuichetModule = {
  name: 'signature',
  mailTemplates: Object.values(SIGNATURE_MAILS),
  async registerRoutes(app, ctx) {
    registerQueuePages(app, ctx);
    registerBatchPages(app, ctx);
    registerFolderPages(app, ctx);
    registerDelegationPages(app, ctx);
    registerAdminPages(app, ctx);
    registerCrlRoute(app, ctx);
    // Uploads (the new folder's documents) in their own scope: multipart is parsed there only.
    await app.register(async (scope) => {
      await registerMultipart(scope);
      registerNewFolderPages(scope, ctx);
      registerCertificatePages(scope, ctx);
      registerVerifyPages(scope, ctx);
      registerParapheurApi(scope, ctx);
    });
  },
  jobs(ctx) {
    return [reminderJob(ctx)];
  },
  agentTiles: [
    {
      path: 'agent/parapheur',
      label: 'Parapheur',
      order: 20,
      async status(tx, communeId, actor) {
        const count = await countWaiting(tx, communeId, actor);
        return count === 0
          ? { text: 'rien à viser ni à signer', waiting: false }
          : { text: `${formatNumber(count)} dossier${count > 1 ? 's' : ''} à traiter`, waiting: true };
      },
    },
  ],
  adminLinks: [
    {
      path: 'parapheur',
      label: 'Parapheur',
      title: 'Parapheur : fonctions, seuil et circuits',
      description:
        'Désigner le maire, l’adjoint aux finances, le DGS et les chefs de service ; fixer le seuil des bons de commande.',
      order: 40,
    },
  ],
  indicators: [signatureIndicatorSource],
  figures: [
    {
      key: 'signature.folders',
      label: 'Dossiers du parapheur',
      unit: 'count',
      async compute(tx, communeId) {
        const { rows } = await tx.client.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM signature_folder WHERE commune_id = $1',
          [communeId],
        );
        return rows[0]?.n ?? 0;
      },
    },
  ],
};
