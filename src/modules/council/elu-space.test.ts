/**
 * The élu's side, as people use it (forms without JavaScript): the convocation mail's own link
 * proves the first opening once (later ones change nothing, the secretariat sees it beside the
 * sending), showing the séance in the space counts too; private notes on an item stay on the
 * élu's account — another élu, the secretariat and another commune get a 404 and never see them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { shownText } from '../../test/browser.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { signIn } from '../../test/sign-in.js';
import { seedDemo } from '../demo/seed.js';

const AGENT = 'agent.etat-civil@villebelle.example';
const ELU = 'elu@villebelle.example';
const MAIRE = 'maire@villebelle.example';

function dayFields(days: number): Record<string, string> {
  const iso = new Date(Date.now() + days * 86_400_000).toLocaleDateString('fr-CA', { timeZone: 'Europe/Paris' });
  const [year, month, day] = iso.split('-') as [string, string, string];
  return { 'date-day': String(Number(day)), 'date-month': String(Number(month)), 'date-year': year };
}

describe.each(TEST_ENGINES)('élu space on %s', (engine) => {
  let t: TestApp;
  let seance: string;
  let item: string;

  beforeAll(async () => {
    t = await createTestApp(engine);
    await seedDemo(t.runtime.database, t.runtime.queue, t.config.publicUrl, t.config.secret!);
    await t.runtime.communes.reload();
    const agent = await signIn(t.app, AGENT);
    await agent.get('/c/villebelle/agent/conseil/seances/nouvelle');
    const created = await agent.post('/c/villebelle/agent/conseil/seances/nouvelle', {
      ...dayFields(20),
      time: '18:30',
      place: 'Salle des essais d’ouverture',
      kind: 'ordinaire',
    });
    expect(created.statusCode).toBe(303);
    seance = String(created.headers.location);
    await agent.get(seance);
    await agent.post(`${seance}/points`, { title: 'Tarifs de la piscine', summary: '' });
    expect((await agent.post(`${seance}/convoquer`, {})).statusCode).toBe(303);
    const { rows } = await t.testDb.asSuperuser<{ id: string }>(
      "SELECT id FROM council_item WHERE title = 'Tarifs de la piscine'",
    );
    item = rows[0]!.id;
  });
  afterAll(() => t?.close());

  const opening = async (email: string) => {
    const { rows } = await t.testDb.asSuperuser<{ first_opened_at: Date | null; first_opened_via: string | null }>(
      `SELECT c.first_opened_at, c.first_opened_via FROM council_convocation c
         JOIN council_member m ON m.id = c.member_id JOIN council_item i ON i.seance_id = c.seance_id
        WHERE i.id = $1 AND m.email = $2`,
      [item, email],
    );
    return rows[0];
  };

  it('records the first opening of the convocation once, through its own link, and shows it to the secretariat', async () => {
    const { rows: mails } = await t.testDb.asSuperuser<{ text_body: string }>(
      "SELECT text_body FROM mail_outbox WHERE template = 'councilConvocation' AND to_address = $1 AND text_body LIKE '%piscine%'",
      [ELU],
    );
    const link = /\/c\/villebelle\/conseil\/convocations\/[A-Za-z0-9_-]{43}/.exec(mails[0]!.text_body)?.[0];
    expect(link).toBeDefined();
    const agent = await signIn(t.app, AGENT);
    expect(shownText((await agent.get(seance)).body)).toMatch(/Paul Girard .+ Pas encore ouverte/);
    expect(await opening(ELU)).toEqual({ first_opened_at: null, first_opened_via: null });

    // Followed without a session (the mail's recipient): recorded, then on to the space.
    const first = await t.app.inject({ method: 'GET', url: link! });
    expect(first.statusCode).toBe(303);
    expect(first.headers.location).toBe('/c/villebelle/conseil');
    const proof = await opening(ELU);
    expect(proof?.first_opened_via).toBe('lien');
    await new Promise((r) => setTimeout(r, 20));
    expect((await t.app.inject({ method: 'GET', url: link! })).statusCode).toBe(303);
    expect(await opening(ELU)).toEqual(proof);
    // The élu then shows the séance in the space: the link stays the proof.
    const elu = await signIn(t.app, ELU);
    await elu.get('/c/villebelle/conseil');
    expect(await opening(ELU)).toEqual(proof);
    expect(shownText((await agent.get(seance)).body)).toMatch(/Paul Girard .+ \(lien du courriel\)/);

    // Another élu opens the space without the link: that is the first opening too.
    expect((await opening(MAIRE))?.first_opened_at).toBeNull();
    const maire = await signIn(t.app, MAIRE);
    await maire.get('/c/villebelle/conseil');
    expect((await opening(MAIRE))?.first_opened_via).toBe('espace');

    const { rows: audit } = await t.testDb.asSuperuser<{ n: string }>(
      "SELECT count(*) AS n FROM audit_entry WHERE action = 'council.convocation_opened' AND target_id = (SELECT seance_id::text FROM council_item WHERE id = $1)",
      [item],
    );
    expect(Number(audit[0]!.n)).toBe(2);
    // A made-up token, or the right one on another commune's address: 404.
    expect((await t.app.inject({ method: 'GET', url: `${link!.slice(0, -5)}AAAAA` })).statusCode).toBe(404);
    expect(
      (await t.app.inject({ method: 'GET', url: link!.replace('/c/villebelle/', '/c/saint-aubin-les-pres/') }))
        .statusCode,
    ).toBe(404);
  });

  it('keeps an élu’s notes private: editable and deletable by their author only', async () => {
    const elu = await signIn(t.app, ELU);
    await elu.get('/c/villebelle/conseil');
    const empty = await elu.post(`/c/villebelle/conseil/points/${item}/notes`, { body: '   ' });
    expect(empty.statusCode).toBe(422);
    expect(shownText(empty.body)).toContain('Saisissez le texte de votre note.');
    const added = await elu.post(`/c/villebelle/conseil/points/${item}/notes`, {
      body: 'Demander le coût de l’entrée pour les moins de 12 ans.',
    });
    expect(added.statusCode).toBe(303);
    expect(added.headers.location).toBe(`/c/villebelle/conseil?fait=note#note-${item}`);
    const space = shownText((await elu.get('/c/villebelle/conseil?fait=note')).body);
    expect(space).toContain('Votre note est enregistrée. Vous seul pouvez la lire.');
    expect(space).toContain('Demander le coût de l’entrée pour les moins de 12 ans.');
    const { rows } = await t.testDb.asSuperuser<{ id: string }>(
      'SELECT id FROM council_annotation WHERE item_id = $1',
      [item],
    );
    const note = rows[0]!.id;

    // Another élu, the secretariat: nothing to read, and 404 on the note's forms.
    const maire = await signIn(t.app, MAIRE);
    expect(shownText((await maire.get('/c/villebelle/conseil')).body)).not.toContain('moins de 12 ans');
    expect((await maire.post(`/c/villebelle/conseil/notes/${note}`, { body: 'Effacé' })).statusCode).toBe(404);
    await maire.get('/c/villebelle/conseil');
    expect((await maire.post(`/c/villebelle/conseil/notes/${note}/supprimer`, {})).statusCode).toBe(404);
    const agent = await signIn(t.app, AGENT);
    expect(shownText((await agent.get(seance)).body)).not.toContain('moins de 12 ans');
    expect(shownText((await agent.get(`${seance}/en-seance`)).body)).not.toContain('moins de 12 ans');
    // The secretariat's own pages carry the session's form token.
    await agent.get(seance);
    expect((await agent.post(`/c/villebelle/conseil/notes/${note}`, { body: 'Effacé' })).statusCode).toBe(404);
    await agent.get(seance);
    expect((await agent.post(`/c/villebelle/conseil/points/${item}/notes`, { body: 'Note' })).statusCode).toBe(404);
    // Another commune's address: 404 for the author too.
    expect((await elu.post(`/c/saint-aubin-les-pres/conseil/notes/${note}/supprimer`, {})).statusCode).toBe(404);

    await elu.get('/c/villebelle/conseil');
    const tooLong = await elu.post(`/c/villebelle/conseil/notes/${note}`, { body: 'x'.repeat(5_001) });
    expect(tooLong.statusCode).toBe(422);
    expect(shownText(tooLong.body)).toContain('Votre note ne doit pas dépasser 5 000 caractères.');
    const edited = await elu.post(`/c/villebelle/conseil/notes/${note}`, { body: 'Tarif réduit : voir la CAF.' });
    expect(edited.statusCode).toBe(303);
    const after = shownText((await elu.get('/c/villebelle/conseil')).body);
    expect(after).toContain('Tarif réduit : voir la CAF.');
    expect(after).not.toContain('moins de 12 ans');
    expect((await elu.post(`/c/villebelle/conseil/notes/${note}/supprimer`, {})).statusCode).toBe(303);
    expect(shownText((await elu.get('/c/villebelle/conseil')).body)).toContain('Mes notes privées (0)');
    const { rows: left } = await t.testDb.asSuperuser('SELECT 1 FROM council_annotation WHERE id = $1', [note]);
    expect(left).toEqual([]);
  });
});
