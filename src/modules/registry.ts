/**
 * The module registry: each module registers its routes and job definitions explicitly here.
 * Order matters only for readability; routes do not overlap.
 */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../platform/context.js';
import { platformJobs } from '../platform/jobs/platform-jobs.js';
import type { JobDefinition } from '../platform/jobs/queue.js';
import { adminModule } from './admin/module.js';
import { backofficeModule } from './backoffice/module.js';
import { communesModule } from './communes/module.js';
import { demoModule } from './demo/module.js';
import { healthModule } from './health/module.js';
import { identityModule } from './identity/module.js';
import { operatorModule } from './operator/module.js';
import { profileModule } from './profile/module.js';
import { requestsApiModule } from './requests/api.js';
import { requestsBackofficeModule } from './requests/backoffice/module.js';
import { requestsModule } from './requests/module.js';
import { requestsNotificationsModule } from './requests/notifications/module.js';

export interface GuichetModule {
  name: string;
  /** Registers HTTP routes (pages and API). */
  registerRoutes?(app: FastifyInstance, ctx: AppContext): void | Promise<void>;
  /** Job definitions of the module. */
  jobs?(ctx: Omit<AppContext, 'queue'>): JobDefinition[];
}

export const MODULES: GuichetModule[] = [
  healthModule,
  identityModule,
  profileModule,
  communesModule,
  backofficeModule,
  adminModule,
  requestsModule,
  requestsBackofficeModule,
  requestsApiModule,
  requestsNotificationsModule,
  operatorModule,
  demoModule,
];

export async function registerModules(app: FastifyInstance, ctx: AppContext): Promise<void> {
  for (const module of MODULES) await module.registerRoutes?.(app, ctx);
}

/** Every job definition: the platform's own, then each module's. */
export function allJobs(ctx: Omit<AppContext, 'queue'>): JobDefinition[] {
  return [...platformJobs(ctx), ...MODULES.flatMap((m) => m.jobs?.(ctx) ?? [])];
}
