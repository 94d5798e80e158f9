/**
 * The commune's administration area: a shell (its home and sub-navigation) showing the links the
 * modules contribute; each module keeps its own administration pages. The démarches' pages
 * still live here until the procedures module takes them.
 */
import type { GuichetModule } from '../../platform/module.js';
import { registerFormEditorPages } from './form-editor.js';
import { registerAdminHome } from './home.js';
import { registerProcedurePages } from './procedures.js';
import { registerWorkflowPages } from './workflow.js';

export const adminModule: GuichetModule = {
  name: 'admin',
  registerRoutes(app, ctx) {
    registerAdminHome(app);
    registerProcedurePages(app, ctx);
    registerWorkflowPages(app, ctx);
    registerFormEditorPages(app, ctx);
  },
  adminLinks: [
    { path: 'demarches', label: 'Démarches', order: 20, description: 'Créer, modifier et publier les démarches.' },
  ],
};
