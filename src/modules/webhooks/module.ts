/**
 * Outgoing webhooks: the admin page where a commune registers its endpoints, one subscriber per
 * event of the catalogue (it records the deliveries), and the delivery job.
 */
import { subscribe } from '../../platform/events/index.js';
import type { GuichetModule } from '../../platform/module.js';
import { registerWebhookPages } from './pages.js';
import { recordDeliveries, WEBHOOK_EVENTS, webhookDeliveryJob } from './webhooks.js';

export const webhooksModule: GuichetModule = {
  name: 'webhooks',
  registerRoutes(app, ctx) {
    registerWebhookPages(app, ctx);
  },
  adminLinks: [
    {
      path: 'webhooks',
      label: 'Webhooks',
      order: 60,
      description:
        'Prévenir les logiciels de la commune des nouvelles demandes, des changements de statut et de la fin des circuits du parapheur.',
    },
  ],
  jobs(ctx) {
    return [
      webhookDeliveryJob({
        allowPrivate: ctx.config.webhooksAllowPrivate,
        userAgent: `Guichet-Webhooks (+${ctx.config.publicUrl})`,
      }),
    ];
  },
  subscribers(ctx) {
    return WEBHOOK_EVENTS.map((name) =>
      subscribe(name, `webhooks.${name}`, async (event) => {
        await recordDeliveries(ctx.database, ctx.queue, ctx.communes, event);
      }),
    );
  },
};
