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
};
