/**
 * Profile ("dites-le-nous une fois"): the citizen's contact details and household, given once
 * and prefilled into démarches, and the document vault ("mes justificatifs") whose documents can
 * be attached to a démarche instead of being uploaded again.
 */
import type { GuichetModule } from '../registry.js';
import { registerProfilePages } from './profile-pages.js';

export const profileModule: GuichetModule = {
  name: 'profile',
  registerRoutes(app, ctx) {
    registerProfilePages(app, ctx);
  },
};
