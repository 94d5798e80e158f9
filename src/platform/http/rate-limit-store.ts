/**
 * @fastify/rate-limit store kept in the database (table rate_limit), so that a limit holds
 * across every web process of a server install. Fixed windows: one upsert per counted request.
 */
import type pg from 'pg';

type IncrCallback = (error: Error | null, result?: { current: number; ttl: number }) => void;

const UPSERT = `
  INSERT INTO rate_limit AS r (key, hits, reset_at)
  VALUES ($1, 1, now() + make_interval(secs => $2::double precision / 1000))
  ON CONFLICT (key) DO UPDATE SET
    hits = CASE WHEN r.reset_at <= now() THEN 1 ELSE r.hits + 1 END,
    reset_at = CASE WHEN r.reset_at <= now() THEN EXCLUDED.reset_at ELSE r.reset_at END
  RETURNING hits, GREATEST(0, floor(extract(epoch FROM (reset_at - now())) * 1000))::int AS ttl`;

const READ = `SELECT hits, GREATEST(0, floor(extract(epoch FROM (reset_at - now())) * 1000))::int AS ttl
  FROM rate_limit WHERE key = $1 AND reset_at > now()`;

/** Builds the store class for @fastify/rate-limit's `store` option. */
export function databaseRateLimitStore(pool: pg.Pool, prefix = 'http') {
  return class DatabaseRateLimitStore {
    namespace = prefix;

    incr(key: string, callback: IncrCallback, timeWindow: number): void {
      pool.query<{ hits: number; ttl: number }>(UPSERT, [`${this.namespace}:${key}`, timeWindow]).then(
        (r) => callback(null, { current: r.rows[0]!.hits, ttl: r.rows[0]!.ttl }),
        (error: Error) => callback(error),
      );
    }

    read(key: string, callback: IncrCallback): void {
      pool.query<{ hits: number; ttl: number }>(READ, [`${this.namespace}:${key}`]).then(
        (r) => callback(null, { current: r.rows[0]?.hits ?? 0, ttl: r.rows[0]?.ttl ?? 0 }),
        (error: Error) => callback(error),
      );
    }

    child(routeOptions: unknown) {
      const info = (routeOptions as { routeInfo?: { method?: string; url?: string } }).routeInfo;
      const route = info ? `${info.method}:${info.url}` : 'route';
      const store = new DatabaseRateLimitStore();
      store.namespace = `${this.namespace}:${route}`;
      return store;
    }
  };
}

/** Deletes expired counters (run by a scheduled job). */
export async function purgeExpiredRateLimits(pool: pg.Pool): Promise<number> {
  const result = await pool.query("DELETE FROM rate_limit WHERE reset_at < now() - interval '1 hour'");
  return result.rowCount ?? 0;
}
