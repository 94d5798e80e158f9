/**
 * A first start of the demo shows a commune's real week at the accueil: motifs to book with free
 * slots in the coming days, documents to bring, and a motif offered as a ticket at the accueil.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { shownText, TestBrowser } from '../../test/browser.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { seedDemo } from './seed.js';

describe.each(TEST_ENGINES)('the demo’s appointments (%s)', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(engine);
    await seedDemo(t.runtime.database, t.runtime.queue, t.config.publicUrl, t.config.secret!);
    await t.runtime.communes.reload();
  });
  afterAll(() => t?.close());

  it('lists Villebelle’s motifs, the urbanisme advice after sign-in, and none for Saint-Aubin-lès-Prés', async () => {
    const visitor = new TestBrowser(t.app);
    const page = shownText((await visitor.get('/c/villebelle/rendez-vous')).body);
    for (const name of [
      'Carte d’identité ou passeport',
      'Remise d’une carte d’identité ou d’un passeport',
      'Démarche d’état civil à l’accueil',
      'Échange téléphonique avec l’urbanisme',
    ])
      expect(page).toContain(name);
    expect(page).toContain('Conseil avant un permis de construire');
    expect(page).toContain('après connexion');
    const list = (await visitor.get('/c/villebelle/rendez-vous')).body;
    const advice = /href="(\/c\/villebelle\/rendez-vous\/[0-9a-f-]{36})"[^>]*>\s*Conseil avant un permis/.exec(
      list,
    )?.[1];
    const signInFirst = await visitor.get(advice!);
    expect(signInFirst.statusCode).toBe(303);
    expect(signInFirst.headers.location).toMatch(/^\/c\/villebelle\/connexion/);
    expect(shownText((await visitor.get('/c/saint-aubin-les-pres/rendez-vous')).body)).toContain(
      'ne propose pas encore de rendez-vous en ligne',
    );
  });

  it('offers free slots within a week for an identity card, with the documents to bring', async () => {
    const visitor = new TestBrowser(t.app);
    const list = (await visitor.get('/c/villebelle/rendez-vous')).body;
    const href = /href="(\/c\/villebelle\/rendez-vous\/[0-9a-f-]{36})"[^>]*>\s*Carte d’identité ou passeport/.exec(
      list,
    )?.[1];
    expect(href).toBeDefined();
    const motif = await visitor.get(href!);
    expect(motif.statusCode).toBe(200);
    const slots =
      motif.body
        .match(/<ul class="govuk-list guichet-slots">[\s\S]*?<\/ul>/g)
        ?.join('')
        .match(/<a /g) ?? [];
    expect(slots.length).toBeGreaterThan(5);
    const text = shownText(motif.body);
    expect(text).toContain('Une photo d’identité de moins de six mois');
    expect(text).toContain('pré-demande ANTS');
  });
});
