import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { TEST_ENGINES } from '../../test/databases.js';

interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  security?: Array<Record<string, string[]>>;
  responses: Record<string, { description: string }>;
}
interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, { type: string; scheme: string }> };
}

const DOCUMENTED_METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
/** French text: at least one accented letter or a French word, never the framework's English default. */
const FRENCH = /[àâçéèêëîïôûùüÿœ]|\b(le|la|les|des|une?|du|de)\b/i;

describe.each(TEST_ENGINES)('OpenAPI document on %s', (engine) => {
  let t: TestApp;
  let doc: OpenApiDocument;

  beforeAll(async () => {
    t = await createTestApp(engine);
    const res = await t.app.inject({ url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    doc = res.json() as OpenApiDocument;
  });
  afterAll(() => t?.close());

  it('is a valid OpenAPI 3.0 document for an independent validator', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc) as unknown as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.0');
  });

  it('lists every /api/v1/ route of the route registry, and nothing else', () => {
    const expected = new Set(
      t.app.routeRegistry
        .filter((r) => r.url.startsWith('/api/v1/') && DOCUMENTED_METHODS.has(r.method))
        .map((r) => `${r.method} ${r.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`),
    );
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([path, operations]) =>
        Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
      ),
    );
    expect(expected.size).toBeGreaterThanOrEqual(9);
    expect([...documented].sort()).toEqual([...expected].sort());
    expect(Object.keys(doc.paths).filter((p) => !p.startsWith('/api/v1/'))).toEqual([]);
  });

  it('states how each route is authenticated, in French, with examples', () => {
    expect(doc.components.securitySchemes.jetonApi).toMatchObject({ type: 'http', scheme: 'bearer' });
    const policies = new Map(t.app.routeRegistry.map((r) => [`${r.method} ${r.url}`, r.policy]));
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(operations)) {
        const name = `${method.toUpperCase()} ${path}`;
        const policy = policies.get(`${method.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ':$1')}`);
        expect(op.summary, name).toMatch(FRENCH);
        expect(op.description, name).toMatch(FRENCH);
        expect(op.tags?.length, name).toBeGreaterThan(0);
        if (policy === 'apiToken') {
          expect(op.security, name).toEqual([{ jetonApi: [] }]);
          expect(op.responses['401']?.description, name).toMatch(/jeton/i);
        } else {
          expect(op.security, name).toEqual([]);
        }
        for (const [code, response] of Object.entries(op.responses)) {
          expect(response.description, `${name} ${code}`).not.toBe('Default Response');
        }
        expect(JSON.stringify(op.responses['200'] ?? op.responses['201']), name).toContain('"example"');
      }
    }
  });
});
