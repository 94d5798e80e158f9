/**
 * Commune administration: members and invitations, security journal, cyber-hygiene panel, API
 * tokens (and the token authentication of /api/v1/), démarches and their form editor.
 */
import { registerApiTokenAuth } from '../../platform/http/api-auth.js';
import type { GuichetModule } from '../../platform/module.js';
import { registerApiTokenPages } from './api-tokens.js';
import { registerCyberPages } from './cyber.js';
import { registerFormEditorPages } from './form-editor.js';
import { registerJournalPages } from './journal.js';
import { registerMemberPages } from './members.js';
import { registerProcedurePages } from './procedures.js';
import { registerWorkflowPages } from './workflow.js';

export const adminModule: GuichetModule = {
  name: 'admin',
  registerRoutes(app, ctx) {
    registerApiTokenAuth(app, ctx);
    registerCyberPages(app, ctx);
    registerMemberPages(app, ctx);
    registerJournalPages(app, ctx);
    registerApiTokenPages(app, ctx);
    registerProcedurePages(app, ctx);
    registerWorkflowPages(app, ctx);
    registerFormEditorPages(app, ctx);
  },
  adminLinks: [
    {
      path: 'membres',
      label: 'Membres',
      order: 10,
      description: 'Inviter des agents et des élus, modifier leurs rôles.',
    },
    { path: 'demarches', label: 'Démarches', order: 20, description: 'Créer, modifier et publier les démarches.' },
    {
      path: 'journal',
      label: 'Journal de sécurité',
      order: 30,
      description: 'Connexions, échecs, changements de rôles et exports.',
    },
    {
      path: 'cyber',
      label: 'Cyber-hygiène',
      order: 40,
      description: 'Double authentification, comptes inactifs, blocages.',
    },
    { path: 'api', label: 'Jetons d’API', order: 50, description: 'Accès des logiciels de la commune à l’API.' },
  ],
};
