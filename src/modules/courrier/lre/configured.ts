/** The LRE provider the instance configured (`GUICHET_LRE_API_*`), or null: then no registered letter leaves Guichet. */
import type { AppContext } from '../../../platform/context.js';
import { lreApiClient } from './lre-api.js';
import type { LreProvider } from './provider.js';

export function lreProviderOf(ctx: Pick<AppContext, 'config'>): LreProvider | null {
  return ctx.config.lre ? lreApiClient(ctx.config.lre) : null;
}
