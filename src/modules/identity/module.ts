/** Identity: accounts, sessions, sign-in, registration, passwords; resolves the actor of each request. */
import type { GuichetModule } from '../registry.js';
import { registerActorHook } from './actor-hook.js';
import { registerMfaPages } from './mfa-pages.js';
import { registerFederatedSignIn } from './oidc-pages.js';
import { registerIdentityPages } from './pages.js';
import { registerPasskeyPages } from './passkey-pages.js';
import { registerPersonalDataPages } from './personal-data-pages.js';
import { passwordResetJob } from './reset-job.js';

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
  jobs(ctx) {
    return [passwordResetJob(ctx)];
  },
};
