/**
 * The commune's administration area: a shell (its home and sub-navigation) showing the links the
 * modules contribute (`adminLinks`); each module keeps its own administration pages.
 */
import type { GuichetModule } from '../../platform/module.js';
import { registerAdminHome } from './home.js';

export const adminModule: GuichetModule = {
  name: 'admin',
  registerRoutes(app) {
    registerAdminHome(app);
  },
};
