/**
 * The council's pages as a person uses them (forms without JavaScript): the secretariat sees the
 * demo séance, a late convocation is refused with the latest valid date, the élu answers and a
 * proxy to an unknown colleague is refused; another commune's séance is 404.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCalendarDays, parisDateOf } from '../../platform/time/calendar.js';
import { createTestApp, type TestApp } from '../../test/app.js';
import { shownText } from '../../test/browser.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { signIn } from '../../test/sign-in.js';
import { seedDemo } from '../demo/seed.js';

describe.each(TEST_ENGINES)('council pages on %s', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(engine);
    await seedDemo(t.runtime.database, t.runtime.queue, t.config.publicUrl, t.config.secret!);
    await t.runtime.communes.reload();
  });
  afterAll(() => t?.close());

  it('serves the projector view refreshing itself without JavaScript and live with the project’s own script', async () => {
    const agent = await signIn(t.app, 'agent.etat-civil@villebelle.example');
    const list = await agent.get('/c/villebelle/agent/conseil');
    const seance = /href="(\/c\/villebelle\/agent\/conseil\/seances\/[0-9a-f-]{36})"/.exec(list.body)![1]!;
    const view = await agent.get(`${seance}/projection`);
    expect(view.statusCode).toBe(200);
    // No HTTP Refresh (a script could not stop it): the reload is in <noscript>, the script is served locally.
    expect(view.headers.refresh).toBeUndefined();
    expect(view.body).toMatch(/<noscript><meta http-equiv="refresh" content="10"\s*\/?><\/noscript>/);
    expect(view.body).toContain('<script type="module" src="/static/js/projection.mjs">');
    expect(view.body).toContain('<div data-projection>');
    const script = await agent.get('/static/js/projection.mjs');
    expect(script.statusCode).toBe(200);
    expect(script.body).toContain("querySelector('[data-projection]')");
  });

  it('lets the secretariat prepare a séance and refuses a late convocation with the latest date', async () => {
    const agent = await signIn(t.app, 'agent.etat-civil@villebelle.example');
    const list = await agent.get('/c/villebelle/agent/conseil');
    expect(list.statusCode).toBe(200);
    expect(shownText(list.body)).toContain('Séance du');
    const tomorrow = addCalendarDays(parisDateOf(new Date()), 2);
    const [y, m, d] = tomorrow.split('-');
    await agent.get('/c/villebelle/agent/conseil/seances/nouvelle');
    const bad = await agent.post('/c/villebelle/agent/conseil/seances/nouvelle', {
      'date-day': '31',
      'date-month': '02',
      'date-year': '2027',
      time: '18:30',
      place: 'Mairie',
      kind: 'ordinaire',
    });
    expect(bad.statusCode).toBe(422);
    expect(shownText(bad.body)).toContain('Saisissez une date de séance réelle');
    const created = await agent.post('/c/villebelle/agent/conseil/seances/nouvelle', {
      'date-day': d!,
      'date-month': m!,
      'date-year': y!,
      time: '18:30',
      place: 'Mairie',
      kind: 'ordinaire',
    });
    expect(created.statusCode).toBe(303);
    const seance = String(created.headers.location);
    await agent.get(seance);
    expect((await agent.post(`${seance}/points`, { title: 'Motion de soutien', summary: '' })).statusCode).toBe(303);
    const late = await agent.post(`${seance}/convoquer`, {});
    expect(late.statusCode).toBe(422);
    expect(shownText(late.body)).toMatch(/la convocation devait partir au plus tard le \d{1,2} \S+ \d{4}/);
    // The demo séance (convened): roll call of everyone, a vote, the numbered délibération as PDF.
    const demo = /href="(\/c\/villebelle\/agent\/conseil\/seances\/[0-9a-f-]{36})"/.exec(list.body)?.[1];
    const screen = await agent.get(`${demo}/en-seance`);
    expect(screen.statusCode).toBe(200);
    const ids = [...screen.body.matchAll(/name="present" type="checkbox" value="([0-9a-f-]{36})"/g)].map((x) => x[1]!);
    expect(ids).toHaveLength(9);
    expect((await agent.post(`${demo}/appel`, { present: ids })).statusCode).toBe(303);
    const item = /action="[^"]+\/points\/([0-9a-f-]{36})\/vote"/.exec((await agent.get(`${demo}/en-seance`)).body)?.[1];
    const wrong = await agent.post(`${demo}/points/${item}/vote`, { ballot: 'public', pour: '8', contre: '0' });
    expect(wrong.statusCode).toBe(422);
    expect(shownText(wrong.body)).toContain('Le décompte (8 voix) ne correspond pas aux votants : 9');
    const voted = await agent.post(`${demo}/points/${item}/vote`, { ballot: 'public', pour: '8', contre: '1' });
    expect(voted.statusCode).toBe(303);
    const after = shownText((await agent.get(`${demo}/en-seance`)).body);
    expect(after).toMatch(/Adopté Délibération n° \d{4}-\d{6}/);
    const pdf = await agent.get(`${demo}/points/${item}/deliberation.pdf`);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    // Another commune does not see the séance.
    const foreign = await agent.get(seance.replace('/c/villebelle/', '/c/saint-aubin-les-pres/'));
    expect(foreign.statusCode).toBe(404);
  });

  it('lets an élu answer and refuses a proxy to nobody in French', async () => {
    const elu = await signIn(t.app, 'elu@villebelle.example');
    const space = await elu.get('/c/villebelle/conseil');
    expect(space.statusCode).toBe(200);
    const id = /\/conseil\/seances\/([0-9a-f-]{36})\/reponse/.exec(space.body)?.[1];
    expect(id).toBeDefined();
    const answered = await elu.post(`/c/villebelle/conseil/seances/${id}/reponse`, { answer: 'present' });
    expect(answered.statusCode).toBe(303);
    expect(shownText((await elu.get(String(answered.headers.location))).body)).toContain('Votre présence est notée.');
    const refused = await elu.post(`/c/villebelle/conseil/seances/${id}/pouvoir`, { holderId: '' });
    expect(refused.statusCode).toBe(422);
    expect(shownText(refused.body)).toContain('Choisissez le collègue qui votera pour vous.');
  });
});
