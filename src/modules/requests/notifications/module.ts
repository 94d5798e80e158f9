/**
 * Citizen notifications of requests: the commune's own texts of the mails (and of the SMS on
 * status change) and their administration pages. The requests use cases compose their mails
 * through ./service.ts; the SMS leave through platform/sms.
 */
import type { GuichetModule } from '../../../platform/module.js';
import { registerNotificationPages } from './pages.js';

export const requestsNotificationsModule: GuichetModule = {
  name: 'requests-notifications',
  registerRoutes(app, ctx) {
    registerNotificationPages(app, ctx);
  },
  adminLinks: [
    {
      path: 'notifications',
      label: 'Notifications',
      title: 'Notifications aux usagers',
      order: 70,
      description: 'Textes des courriels envoyés aux usagers, SMS de changement de statut.',
    },
  ],
};
