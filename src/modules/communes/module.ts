/**
 * Communes: instance home, commune pages, theme and logo, the public communes API, and the
 * commune settings of the administration area (identity, theme, legal mentions, mail sender,
 * services).
 */
import type { GuichetModule } from '../../platform/module.js';
import { registerCommuneApi } from './api.js';
import { registerCommunePages } from './pages.js';
import { registerCommuneSettingsPages } from './settings-pages.js';

export const communesModule: GuichetModule = {
  name: 'communes',
  nav: [
    { path: '', label: 'Accueil', order: 10 },
    { path: 'services', label: 'Services municipaux', order: 20 },
    { path: 'contact', label: 'Nous contacter', order: 30 },
  ],
  registerRoutes(app, ctx) {
    registerCommunePages(app, ctx);
    registerCommuneApi(app, ctx);
    registerCommuneSettingsPages(app, ctx);
  },
  adminLinks: [
    {
      path: 'commune',
      label: 'Commune',
      order: 5,
      description: 'Nom, coordonnées, couleur, mentions légales, expéditeur des courriels et services.',
    },
  ],
};
