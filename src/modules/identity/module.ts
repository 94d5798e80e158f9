/** Identity: accounts, sessions, sign-in, registration, passwords; resolves the actor of each request. */
import type { GuichetModule } from '../registry.js';
import { registerActorHook } from './actor-hook.js';
import { registerIdentityPages } from './pages.js';

export const identityModule: GuichetModule = {
  name: 'identity',
  registerRoutes(app, ctx) {
    registerActorHook(app, ctx);
    registerIdentityPages(app, ctx);
  },
};
