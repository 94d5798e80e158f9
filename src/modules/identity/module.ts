/** Identity: accounts, sessions, sign-in, registration, passwords; resolves the actor of each request. */
import type { GuichetModule } from '../../platform/module.js';
import { registerActorHook } from './actor-hook.js';
import { registerMfaPages } from './mfa-pages.js';
import { registerFederatedSignIn } from './oidc-pages.js';
import { registerIdentityPages } from './pages.js';
import { registerPasskeyPages } from './passkey-pages.js';
import { registerPersonalDataPages } from './personal-data-pages.js';
import { countMembers } from './repo.js';

export const identityModule: GuichetModule = {
  name: 'identity',
  registerRoutes(app, ctx) {
    registerActorHook(app, ctx);
    registerIdentityPages(app, ctx);
    registerMfaPages(app, ctx);
    registerPasskeyPages(app, ctx);
    registerFederatedSignIn(app, ctx);
    registerPersonalDataPages(app, ctx);
  },
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
};
