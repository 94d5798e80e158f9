/**
 * The agents' back-office for citizen requests: inbox per service with filters, bulk actions and
 * exports; one request with its history and actions; counter filing. Every route is `staff`; the
 * handlers also restrict each agent to the requests of their services (élus have no inbox).
 * Routes live in their own scope, where multipart forms (a file sent to the citizen) are parsed.
 */

import { registerMultipart } from '../../../platform/files/checks.js';
import type { GuichetModule } from '../../../platform/module.js';
import { formatNumber } from '../../../platform/views/format.js';
import { registerCounterPages } from './counter.js';
import { registerDetailPages } from './detail.js';
import { registerInboxPages } from './inbox.js';
import { countNewRequests } from './queries.js';

export const requestsBackofficeModule: GuichetModule = {
  name: 'requests-backoffice',
  async registerRoutes(app, ctx) {
    await app.register(async (scope) => {
      await registerMultipart(scope);
      registerInboxPages(scope, ctx);
      registerCounterPages(scope, ctx);
      registerDetailPages(scope, ctx);
    });
  },
  agentTiles: [
    {
      path: 'agent/demandes',
      label: 'Demandes des usagers',
      order: 10,
      async status(tx, communeId, actor) {
        const count = await countNewRequests(tx, communeId, actor);
        return count === 0
          ? { text: 'aucune nouvelle demande', waiting: false }
          : { text: `${formatNumber(count)} nouvelle${count > 1 ? 's' : ''}`, waiting: true };
      },
    },
  ],
};
