/**
 * Addresses: the commune's addresses from the Base Adresse Nationale open data, stored locally
 * (migration 0017), for the street report's autocompletion and « Utiliser ma position ».
 */
import { registerMultipart } from '../../platform/files/checks.js';
import type { GuichetModule } from '../../platform/module.js';
import { registerAddressPages } from './pages/addresses.js';

export const addressesModule: GuichetModule = {
  name: 'addresses',
  async registerRoutes(app, ctx) {
    await app.register(async (scope) => {
      await registerMultipart(scope);
      registerAddressPages(scope, ctx);
    });
  },
  adminLinks: [
    {
      path: 'adresses',
      label: 'Adresses',
      order: 60,
      description: 'Importer les adresses de la commune (Base Adresse Nationale) pour les signalements.',
    },
  ],
};
