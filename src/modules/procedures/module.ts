/**
 * Démarches (procedures): what a commune offers online — metadata, routing rules, publication,
 * import/export, the visual form editor with its working copy, and the status workflow of each
 * démarche. Requests are their instances (the requests module).
 */
import type { GuichetModule } from '../../platform/module.js';
import { registerProcedurePages } from './pages/demarches.js';
import { registerFormEditorPages } from './pages/form-editor.js';
import { registerWorkflowPages } from './pages/workflow.js';
import { countProceduresByService } from './repo.js';

export const proceduresModule: GuichetModule = {
  name: 'procedures',
  registerRoutes(app, ctx) {
    registerProcedurePages(app, ctx);
    registerWorkflowPages(app, ctx);
    registerFormEditorPages(app, ctx);
  },
  adminLinks: [
    { path: 'demarches', label: 'Démarches', order: 20, description: 'Créer, modifier et publier les démarches.' },
  ],
  usages: [{ subject: 'service-procedures', count: (tx, communeId) => countProceduresByService(tx, communeId) }],
};
