/**
 * The composition root's list of modules: each module is registered explicitly here and handed
 * to the platform (`buildApp(ctx, MODULES)`, the runtime's jobs and contributions). The platform
 * never imports a module; order matters only for readability (routes do not overlap).
 */
import { addressesModule } from './modules/addresses/module.js';
import { adminModule } from './modules/admin/module.js';
import { appointmentsModule } from './modules/appointments/module.js';
import { awarenessModule } from './modules/awareness/module.js';
import { backofficeModule } from './modules/backoffice/module.js';
import { communesModule } from './modules/communes/module.js';
import { continuityModule } from './modules/continuity/module.js';
import { councilModule } from './modules/council/module.js';
import { courrierModule } from './modules/courrier/module.js';
import { demoModule } from './modules/demo/module.js';
import { familyModule } from './modules/family/module.js';
import { healthModule } from './modules/health/module.js';
import { identityModule } from './modules/identity/module.js';
import { operatorModule } from './modules/operator/module.js';
import { portalModule } from './modules/portal/module.js';
import { proceduresModule } from './modules/procedures/module.js';
import { profileModule } from './modules/profile/module.js';
import { requestsApiModule } from './modules/requests/api.js';
import { requestsBackofficeModule } from './modules/requests/backoffice/module.js';
import { requestsModule } from './modules/requests/module.js';
import { requestsNotificationsModule } from './modules/requests/notifications/module.js';
import { satisfactionModule } from './modules/satisfaction/module.js';
import { signatureModule } from './modules/signature/module.js';
import { steeringModule } from './modules/steering/module.js';
import { webhooksModule } from './modules/webhooks/module.js';
import type { GuichetModule } from './platform/module.js';

export const MODULES: readonly GuichetModule[] = [
  healthModule,
  identityModule,
  profileModule,
  portalModule,
  communesModule,
  backofficeModule,
  adminModule,
  proceduresModule,
  addressesModule,
  requestsModule,
  requestsBackofficeModule,
  requestsApiModule,
  requestsNotificationsModule,
  signatureModule,
  familyModule,
  appointmentsModule,
  councilModule,
  courrierModule,
  webhooksModule,
  awarenessModule,
  satisfactionModule,
  operatorModule,
  steeringModule,
  continuityModule,
  demoModule,
];
