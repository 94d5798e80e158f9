/**
 * Identity: accounts, sessions, sign-in, registration, passwords; resolves the actor of each
 * request. Also the commune's staff (members, invitations, roles), its security journal, its
 * cyber-hygiene panel and its API tokens, shown in the administration area.
 */
import { registerApiTokenAuth } from '../../platform/http/api-auth.js';
import type { GuichetModule } from '../../platform/module.js';
import { registerActorHook } from './actor-hook.js';
import { registerApiTokenPages } from './api-token-pages.js';
import { registerCyberPages } from './cyber-pages.js';
import { identityIndicators } from './indicators.js';
import { registerJournalPages } from './journal-pages.js';
import { IDENTITY_MAILS } from './mail-templates.js';
import { registerMemberPages } from './members-pages.js';
import { registerMfaPages } from './mfa-pages.js';
import { registerFederatedSignIn } from './oidc-pages.js';
import { registerIdentityPages } from './pages.js';
import { registerPasskeyPages } from './passkey-pages.js';
import { registerPersonalDataPages } from './personal-data-pages.js';
import { countMembers } from './repo.js';
import { passwordResetJob } from './reset-job.js';

export const identityModule: GuichetModule = {
  name: 'identity',
  nav: [
    { path: 'compte', label: 'Mon compte', order: 70 },
    { path: 'connexion', label: 'Se connecter', order: 80, signedOutOnly: true },
  ],
  mailTemplates: Object.values(IDENTITY_MAILS),
  registerRoutes(app, ctx) {
    registerActorHook(app, ctx);
    registerIdentityPages(app, ctx);
    registerMfaPages(app, ctx);
    registerPasskeyPages(app, ctx);
    registerFederatedSignIn(app, ctx);
    registerPersonalDataPages(app, ctx);
    // The commune's staff, security journal, cyber-hygiene and API tokens (administration area).
    registerApiTokenAuth(app, ctx);
    registerCyberPages(app, ctx);
    registerMemberPages(app, ctx);
    registerJournalPages(app, ctx);
    registerApiTokenPages(app, ctx);
  },
  adminLinks: [
    {
      path: 'membres',
      label: 'Membres',
      order: 10,
      description: 'Inviter des agents et des élus, modifier leurs rôles.',
    },
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
  indicators: [identityIndicators],
  figures: [
    {
      key: 'identity.staff',
      label: 'Agents et élus',
      unit: 'count',
      compute: (tx, id) => countMembers(tx, id, 'staff'),
    },
    {
      key: 'identity.citizens',
      label: 'Usagers',
      unit: 'count',
      compute: (tx, id) => countMembers(tx, id, 'citizens'),
    },
  ],
  jobs(ctx) {
    return [passwordResetJob(ctx)];
  },
};
