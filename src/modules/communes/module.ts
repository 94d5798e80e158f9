/** Communes: instance home, commune pages, theme and logo, and the public communes API. */
import type { GuichetModule } from '../../platform/module.js';
import { registerCommuneApi } from './api.js';
import { registerCommunePages } from './pages.js';

export const communesModule: GuichetModule = {
  name: 'communes',
  registerRoutes(app, ctx) {
    registerCommunePages(app, ctx);
    registerCommuneApi(app, ctx);
  },
};
