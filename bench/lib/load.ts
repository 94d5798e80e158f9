/**
 * HTTP load with autocannon (in this process): a warm-up run whose results are discarded, then
 * the measured run. Only loopback URLs are accepted: the bench never sends traffic elsewhere.
 */
import autocannon from 'autocannon';

export interface LoadSettings {
  connections: number;
  seconds: number;
  warmupSeconds: number;
}

export interface LoadResult {
  /** Mean of the per-second request counts (autocannon "Req/Sec" average). */
  requestsPerSec: number;
  requestsPerSecStddev: number;
  latencyMeanMs: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
  /** Completed responses over the measured run. */
  responses: number;
  responses2xx: number;
  non2xx: number;
  /** Connection errors (timeouts included). */
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  durationSeconds: number;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function assertLoopback(url: string): void {
  const { hostname } = new URL(url);
  if (!LOOPBACK.has(hostname)) throw new Error(`refusing to send load to ${url}: only 127.0.0.1 is allowed`);
}

/** What each request sends when it is not a plain GET (a form submission, or a GET with a session cookie). */
export interface RequestSpec {
  method: 'POST' | 'GET';
  headers: Record<string, string>;
  body?: string;
  /** Each `[<id>]` of the body is replaced per request by a fresh id (e.g. a distinct e-mail address). */
  uniqueIds?: boolean;
}

let sequence = 0;

function toOptions(spec: RequestSpec | undefined): Partial<autocannon.Options> {
  if (!spec) return {};
  const { uniqueIds, ...plain } = spec;
  if (!uniqueIds || !plain.body) return plain;
  const body = plain.body;
  // autocannon's own idReplacement assumes ids of a fixed length when computing Content-Length.
  return {
    method: plain.method,
    headers: plain.headers,
    requests: [
      {
        setupRequest: (request) => {
          sequence += 1;
          return { ...request, body: body.replaceAll('[<id>]', `${process.pid}-${sequence}`) };
        },
      },
    ],
  };
}

function run(url: string, connections: number, seconds: number, spec?: RequestSpec): Promise<autocannon.Result> {
  return autocannon({ url, connections, duration: seconds, pipelining: 1, timeout: 10, ...toOptions(spec) });
}

/** Warm-up (discarded), then the measured run. */
export async function measureHttp(url: string, settings: LoadSettings, spec?: RequestSpec): Promise<LoadResult> {
  assertLoopback(url);
  if (settings.warmupSeconds > 0) await run(url, settings.connections, settings.warmupSeconds, spec);
  const r = await run(url, settings.connections, settings.seconds, spec);
  const statusCodes: Record<string, number> = {};
  for (const [code, stat] of Object.entries(r.statusCodeStats ?? {})) statusCodes[code] = stat.count ?? 0;
  return {
    requestsPerSec: r.requests.mean,
    requestsPerSecStddev: r.requests.stddev,
    latencyMeanMs: r.latency.mean,
    latencyP50Ms: r.latency.p50,
    latencyP99Ms: r.latency.p99,
    latencyMaxMs: r.latency.max,
    responses: r['1xx'] + r['2xx'] + r['3xx'] + r['4xx'] + r['5xx'],
    responses2xx: r['2xx'],
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    statusCodes,
    durationSeconds: r.duration,
  };
}
