/**
 * Operations metrics in Prometheus's text format (`GET /metrics`, issue 13 item 7): request
 * rates and latencies per route pattern, the job queue's depth and failures by queue, the
 * process's own figures, and the continuity figures modules publish for the cyber panel (age of
 * the last backup, of the last drill…) per commune. Only with GUICHET_METRICS_TOKEN, sent as
 * `Authorization: Bearer`; without the token the route does not exist (404), and a wrong token
 * is a 404 too (docs/operations/metrics.md).
 */
import type { FastifyInstance } from 'fastify';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { AppContext } from '../context.js';
import { withTenant } from '../db/tenant.js';
import { AppError } from '../errors.js';
import { sameSecret } from '../tokens.js';

const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Registers the metrics hook and route when a token is configured; returns the registry. */
export function registerMetrics(app: FastifyInstance, ctx: AppContext): Registry | undefined {
  const token = ctx.config.metricsToken;
  if (!token) return undefined;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'guichet_' });

  const requests = new Counter({
    name: 'guichet_http_requests_total',
    help: 'Requêtes HTTP traitées, par méthode, modèle de route et code de réponse',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const durations = new Histogram({
    name: 'guichet_http_request_duration_seconds',
    help: 'Durée des requêtes HTTP (réponse envoyée), par méthode et modèle de route',
    labelNames: ['method', 'route'] as const,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  // The route's pattern (`/c/:slug/agent/demandes/:numero`), never the URL: no identifier in a
  // label, and a bounded number of series.
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'hors_route';
    if (route === '/metrics') return;
    requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    durations.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });

  new Gauge({
    name: 'guichet_jobs',
    help: 'Tâches de fond par file et par état (created, retry, active, completed, failed…)',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const { rows } = await ctx.database.pool.query<{ name: string; state: string; count: number }>(
        'SELECT name, state::text AS state, count(*)::int AS count FROM pgboss.job GROUP BY name, state',
      );
      for (const row of rows) this.set({ queue: row.name, state: row.state }, row.count);
    },
  });

  const panelFigures = ctx.contributions.figures.filter((f) => f.panel === 'cyber');
  new Gauge({
    name: 'guichet_figure',
    help: 'Chiffres du panneau cyber publiés par les modules, par commune (durées en heures ou secondes selon la clé)',
    labelNames: ['key', 'unit', 'commune'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const commune of await ctx.communes.all()) {
        const values = await withTenant(ctx.database, commune.id, async (tx) => {
          const out: Array<[string, string, number]> = [];
          for (const figure of panelFigures) out.push([figure.key, figure.unit, await figure.compute(tx, commune.id)]);
          return out;
        });
        for (const [key, unit, value] of values) this.set({ key, unit, commune: commune.slug }, value);
      }
    },
  });

  app.get('/metrics', { schema: { hide: true }, config: { policy: 'infrastructure' } }, async (request, reply) => {
    const header = request.headers.authorization ?? '';
    const given = /^Bearer (\S+)$/.exec(header)?.[1];
    if (!given || !sameSecret(given, token)) throw new AppError('not_found', 'metrics: missing or wrong token', 404);
    reply.header('cache-control', 'no-store');
    return reply.type(registry.contentType).send(await registry.metrics());
  });
  return registry;
}
