import { describe, expect, it } from 'vitest';
import { DEMO_COMMUNES } from './seed.js';
import { DEMO_REQUESTS, DEMO_SERVICE_SLUGS } from './training-data.js';

describe('the labelled demo set', () => {
  it('uses exactly the services of the demo town', () => {
    const villebelle = DEMO_COMMUNES.find((c) => c.slug === 'villebelle')!;
    expect([...DEMO_SERVICE_SLUGS]).toEqual((villebelle.services ?? []).map((s) => s.slug));
    expect(new Set(DEMO_REQUESTS.map((r) => r.serviceSlug))).toEqual(new Set(DEMO_SERVICE_SLUGS));
  });

  it('has at least 600 distinct messages, at least 100 per service', () => {
    expect(DEMO_REQUESTS.length).toBeGreaterThanOrEqual(600);
    const folded = DEMO_REQUESTS.map((r) => r.text.toLocaleLowerCase('fr').replace(/\s+/g, ' ').trim());
    expect(new Set(folded).size).toBe(folded.length);
    for (const slug of DEMO_SERVICE_SLUGS)
      expect(DEMO_REQUESTS.filter((r) => r.serviceSlug === slug).length).toBeGreaterThanOrEqual(100);
  });

  it('mixes short and long, accented and unaccented messages', () => {
    const lengths = DEMO_REQUESTS.map((r) => r.text.length);
    expect(lengths.filter((n) => n < 40).length).toBeGreaterThan(30);
    expect(lengths.filter((n) => n > 120).length).toBeGreaterThan(20);
    expect(DEMO_REQUESTS.filter((r) => !/[àâéèêëîïôùûüç]/i.test(r.text)).length).toBeGreaterThan(100);
  });
});
