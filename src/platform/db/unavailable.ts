/**
 * Whether an error means "the database cannot be reached right now" rather than "this query is
 * wrong": the primary was lost or is restarting (a failover, a switchover, maintenance), the
 * connection was cut, or the node reached is a standby refusing writes for a moment. Such errors
 * become a 503 with a French "try again in a minute" (error-handler.ts), never a 500.
 */

/** SQLSTATEs of a lost or refused connection (PostgreSQL appendix A). */
const UNAVAILABLE_SQLSTATES = new Set([
  '57P01', // admin_shutdown: "terminating connection due to administrator command" / postmaster exit
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: "the database system is starting up / in recovery"
  '25006', // read_only_sql_transaction: a standby reached during a switchover
]);

/** Node's socket errors on the way to the database. */
const UNAVAILABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH']);

/** node-postgres's own messages when the socket ends under it. */
const UNAVAILABLE_MESSAGES = [
  /^Connection terminated/i,
  /^Client has encountered a connection error and is not queryable/i,
  /^Client was closed and is not queryable/i,
  /^timeout exceeded when trying to connect/i,
];

/** Also looks through `cause` (drizzle wraps a failed query's error in a DrizzleQueryError). */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 5) return false;
  if (isUnavailable(error)) return true;
  return isDatabaseUnavailable((error as { cause?: unknown }).cause, depth + 1);
}

function isUnavailable(error: object): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (code.startsWith('08') && code.length === 5) return true; // class 08: connection exception
    if (UNAVAILABLE_SQLSTATES.has(code) || UNAVAILABLE_NODE_CODES.has(code)) return true;
  }
  const message = (error as { message?: unknown }).message;
  return typeof message === 'string' && UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message));
}
