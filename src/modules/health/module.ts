/** Liveness (/healthz: the process answers) and readiness (/readyz: database and migrations). */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import { pendingMigrations } from '../../platform/db/migrate.js';
import type { GuichetModule } from '../../platform/module.js';

export const healthModule: GuichetModule = {
  name: 'health',
  registerRoutes(app: FastifyInstance, ctx: AppContext) {
    app.get('/healthz', { schema: { hide: true }, config: { policy: 'infrastructure' } }, async (_request, reply) =>
      reply.header('cache-control', 'no-store').send({ status: 'ok' }),
    );
    app.get('/readyz', { schema: { hide: true }, config: { policy: 'infrastructure' } }, async (request, reply) => {
      reply.header('cache-control', 'no-store');
      try {
        const pending = await pendingMigrations(ctx.database.pool);
        if (pending.length > 0) {
          return reply.status(503).send({ status: 'not_ready', reason: 'migrations_pending', pending });
        }
        return reply.send({ status: 'ready', database: ctx.database.engine });
      } catch (error) {
        request.log.warn({ err: error }, 'readyz : base de données injoignable');
        return reply.status(503).send({ status: 'not_ready', reason: 'database_unreachable' });
      }
    });
  },
};
