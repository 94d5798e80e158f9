/**
 * After the séance, as the secretariat and the public live it: a délibération goes to the
 * parapheur and comes back signed (its signed PDF served), is published on the commune's public
 * page with its date and hash, appears in the SCDL « Délibérations » CSV; the séance's calendar
 * file; postal convocations printed and recorded as « envoi postal ». Another commune gets 404,
 * bad input a French 422.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { shownText, type TestBrowser } from '../../test/browser.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { runQueuedJobs } from '../../test/jobs.js';
import { signIn } from '../../test/sign-in.js';
import { seedDemo } from '../demo/seed.js';

describe.each(TEST_ENGINES)('council after the séance on %s', (engine) => {
  let t: TestApp;
  let agent: TestBrowser;
  let seance: string;
  const items: string[] = [];

  beforeAll(async () => {
    t = await createTestApp(engine, { env: { GUICHET_RATE_LIMIT_PER_MINUTE: '100000' } });
    await seedDemo(t.runtime.database, t.runtime.queue, t.config.publicUrl, t.config.secret!);
    await t.runtime.communes.reload();
    agent = await signIn(t.app, 'agent.etat-civil@villebelle.example');
    // The demo séance (convened): everyone present, the first two items adopted.
    const list = await agent.get('/c/villebelle/agent/conseil');
    seance = /href="(\/c\/villebelle\/agent\/conseil\/seances\/[0-9a-f-]{36})"/.exec(list.body)![1]!;
    const screen = await agent.get(`${seance}/en-seance`);
    const ids = [...screen.body.matchAll(/name="present" type="checkbox" value="([0-9a-f-]{36})"/g)].map((x) => x[1]!);
    expect((await agent.post(`${seance}/appel`, { present: ids })).statusCode).toBe(303);
    const page = (await agent.get(`${seance}/en-seance`)).body;
    items.push(...[...page.matchAll(/action="[^"]+\/points\/([0-9a-f-]{36})\/vote"/g)].map((x) => x[1]!));
    for (const item of items.slice(0, 2)) {
      const voted = await agent.post(`${seance}/points/${item}/vote`, { ballot: 'public', pour: '7', contre: '2' });
      expect(voted.statusCode).toBe(303);
    }
  });
  afterAll(() => t?.close());

  async function act(who: string, folder: string, action: string) {
    const browser = await signIn(t.app, who);
    const page = await browser.get(folder);
    const step = /name="etape" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    return browser.post(`${folder}/${action}`, { etape: step });
  }

  it('sends a délibération to the parapheur and shows it signed, with the signed PDF, once the maire signed', async () => {
    const item = items[0]!;
    const sent = await agent.post(`${seance}/points/${item}/parapheur`, {});
    expect(sent.statusCode, sent.body.slice(0, 400)).toBe(303);
    let screen = shownText((await agent.get(`${seance}/en-seance`)).body);
    expect(screen).toMatch(/Au parapheur En attente de la signature du maire \(dossier n° \S+, envoyé le/);
    const again = await agent.post(`${seance}/points/${item}/parapheur`, {});
    expect(again.statusCode).toBe(422);
    expect(shownText(again.body)).toContain('Cette délibération est déjà dans le parapheur');
    // Not from another commune, and not for an item without délibération.
    const foreign = await agent.post(`${seance.replace('/villebelle/', '/saint-aubin-les-pres/')}/points/${item}/parapheur`, {});
    expect(foreign.statusCode).toBe(404);
    await agent.get(`${seance}/en-seance`);
    expect((await agent.post(`${seance}/points/${items[2]}/parapheur`, {})).statusCode).toBe(404);

    const { rows } = await t.testDb.asSuperuser<{ folder: string }>(
      'SELECT signature_folder_id AS folder FROM council_vote WHERE item_id = $1',
      [item],
    );
    const folder = `/c/villebelle/agent/parapheur/${rows[0]!.folder}`;
    expect((await act('dgs@villebelle.example', folder, 'viser')).statusCode).toBe(303);
    expect((await act('maire@villebelle.example', folder, 'signer')).statusCode).toBe(303);
    expect(await runQueuedJobs(t, 'event.council.deliberation-signed')).toBeGreaterThanOrEqual(1);

    screen = shownText((await agent.get(`${seance}/en-seance`)).body);
    expect(screen).toMatch(/Signée Signée par le maire dans le parapheur le .+ \(dossier n° \S+\)\./);
    const pdf = await agent.get(`${seance}/points/${item}/deliberation.pdf`);
    expect(pdf.statusCode).toBe(200);
    // A signed PDF carries its signature dictionary (the generated one has none).
    expect(pdf.rawPayload.toString('latin1')).toContain('/ByteRange');
    const unsigned = await agent.get(`${seance}/points/${items[1]}/deliberation.pdf`);
    expect(unsigned.rawPayload.toString('latin1')).not.toContain('/ByteRange');
  });
});
