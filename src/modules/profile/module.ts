/**
 * Profile ("dites-le-nous une fois"): the citizen's contact details and household, given once
 * and prefilled into démarches, and the document vault ("mes justificatifs") whose documents can
 * be attached to a démarche instead of being uploaded again. The vault pages live in their own
 * encapsulated scope where multipart uploads are accepted (with the requests module's limits).
 */

import { registerMultipart } from '../../platform/files/checks.js';
import type { GuichetModule } from '../../platform/module.js';
import { profilePersonalData } from './personal-data.js';
import { profilePortalWidgets } from './portal-widgets.js';
import { registerProfilePages } from './profile-pages.js';
import { registerVaultPages } from './vault-pages.js';

export const profileModule: GuichetModule = {
  name: 'profile',
  async registerRoutes(app, ctx) {
    registerProfilePages(app, ctx);
    await app.register(async (scope) => {
      await registerMultipart(scope);
      registerVaultPages(scope, ctx);
    });
  },
  personalData: profilePersonalData,
  portalWidgets: profilePortalWidgets,
};
