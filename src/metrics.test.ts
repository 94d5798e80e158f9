/**
 * GET /metrics (issue 13 item 7): Prometheus's text format behind a bearer token; no route at all
 * without the token; request counts by route pattern (no identifiers in labels); the job queue by
 * state; the continuity figures of the cyber panel per commune.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from './config/config.js';
import { createTestApp, type TestApp } from './test/app.js';
import { insertTestCommune } from './test/communes.js';
import { TEST_ENGINES } from './test/databases.js';

const TOKEN = 'metrics-token-for-the-test-0123456789abcdef';

describe('GUICHET_METRICS_TOKEN', () => {
  it('is off unless set, and must be long and without spaces', () => {
    expect(loadConfig({}).metricsToken).toBeUndefined();
    expect(loadConfig({ GUICHET_METRICS_TOKEN: TOKEN }).metricsToken).toBe(TOKEN);
    expect(() => loadConfig({ GUICHET_METRICS_TOKEN: 'court' })).toThrow(/GUICHET_METRICS_TOKEN/);
    expect(() => loadConfig({ GUICHET_METRICS_TOKEN: `${TOKEN} espace` })).toThrow(/GUICHET_METRICS_TOKEN/);
  });
});

describe.each(TEST_ENGINES)('GET /metrics (%s)', (engine) => {
  let t: TestApp;
  let off: TestApp;
  const scrape = (token?: string) =>
    t.app.inject({ url: '/metrics', headers: token ? { authorization: `Bearer ${token}` } : {} });

  beforeAll(async () => {
    t = await createTestApp(engine, { env: { GUICHET_METRICS_TOKEN: TOKEN } });
    await insertTestCommune(t.runtime.database, { slug: 'villebelle', name: 'Villebelle' });
    await t.runtime.communes.reload();
    off = await createTestApp(engine);
  });
  afterAll(async () => {
    await t?.close();
    await off?.close();
  });

  it('does not exist without a configured token', async () => {
    const res = await off.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.statusCode).toBe(404);
  });

  it('answers 404 without the token or with a wrong one, and never shows a figure then', async () => {
    for (const token of [undefined, 'x'.repeat(40), `${TOKEN}x`]) {
      const res = await scrape(token);
      expect(res.statusCode).toBe(404);
      expect(res.body).not.toContain('guichet_http_requests_total');
    }
  });

  it('counts requests by route pattern and status, with durations, and the process figures', async () => {
    await t.app.inject({ url: '/c/villebelle/' });
    await t.app.inject({ url: '/c/villebelle/demandes/2026-000123' });
    await t.app.inject({ url: '/c/inconnue/' });
    const res = await scrape(TOKEN);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = res.body;
    expect(body).toMatch(/guichet_http_requests_total\{method="GET",route="\/c\/:slug\/",status="200"\} 1/);
    expect(body).toMatch(/guichet_http_requests_total\{method="GET",route="\/c\/:slug\/",status="404"\} 1/);
    expect(body).toMatch(/guichet_http_request_duration_seconds_count\{method="GET",route="\/c\/:slug\/"\} 2/);
    // A route's pattern, never the URL: no request number, no unknown slug in a label.
    expect(body).not.toContain('2026-000123');
    expect(body).not.toContain('inconnue');
    expect(body).toMatch(/^guichet_process_resident_memory_bytes \d+/m);
  });

  it('shows the job queue by state and the cyber panel figures per commune', async () => {
    const body = (await scrape(TOKEN)).body;
    expect(body).toContain('# TYPE guichet_jobs gauge');
    expect(body).toMatch(
      /guichet_figure\{key="continuity\.[a-z_]+",unit="(hours|seconds|count)",commune="villebelle"\} /,
    );
  });
});
