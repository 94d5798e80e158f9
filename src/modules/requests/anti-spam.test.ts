/**
 * Issue 19 item 8: ~490 anonymous contact messages from one address got through in ~20 s before
 * the limiter engaged. The spam ladder (src/platform/antispam/ladder.ts, decision 0025): a
 * honeypot, then a proof of work (ALTCHA, or a question without JavaScript) past a threshold per
 * address and per commune, then a refusal per address — the form always comes back as typed.
 */
import { solveChallenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addressKey } from '../../platform/antispam/ladder.js';
import { createTestApp, type TestApp } from '../../test/app.js';
import { shownText, TestBrowser } from '../../test/browser.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { seedDemo } from '../demo/seed.js';

const CONTACT = '/c/villebelle/contacter-la-mairie';
const MESSAGE = 'Bonjour, le lampadaire de la rue des Lilas clignote depuis une semaine.';

function decode(html: string): string {
  return html
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The ALTCHA challenge the page carries, solved as the browser's worker would. */
async function solvedPayload(html: string): Promise<string> {
  const raw = /<altcha-widget[^>]*\schallenge="([^"]+)"/.exec(html)?.[1];
  if (!raw) throw new Error('no ALTCHA challenge on the page');
  const challenge = JSON.parse(decode(raw));
  const solution = await solveChallenge({ challenge, deriveKey });
  return Buffer.from(JSON.stringify({ challenge, solution })).toString('base64');
}

const NUMBERS = ['zéro', 'un', 'deux', 'trois', 'quatre', 'cinq', 'six', 'sept', 'huit', 'neuf', 'dix'];
/** The fallback question's answer, read like a person would, and its token. */
function questionAnswer(html: string): { verification_reponse: string; verification_jeton: string } {
  const q = /Combien font (\S+) plus (\S+?)\u00a0\?/.exec(html);
  const token = /name="verification_jeton" value="([^"]+)"/.exec(html)?.[1];
  if (!q || !token) throw new Error('no question on the page');
  return {
    verification_reponse: String(NUMBERS.indexOf(q[1]!) + NUMBERS.indexOf(q[2]!)),
    verification_jeton: token,
  };
}

describe('addressKey (what counts as one sender)', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::9', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:ffff::1', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
  ])('%s → %s', (ip, key) => {
    expect(addressKey(ip)).toBe(key);
  });
});

describe.each(TEST_ENGINES)('the spam ladder of anonymous forms, on %s', (engine) => {
  let t: TestApp;
  let address = 1;
  const browser = () => new TestBrowser(t.app, { remoteAddress: `198.51.100.${address++}` });
  let n = 0;
  const fields = () => ({ subject: 'Éclairage public', message: MESSAGE, name: 'Élodie', email: `e${++n}@exemple.fr` });

  beforeAll(async () => {
    // Defaults of the ladder (3 per address, then a challenge; 10, then a refusal), and a commune
    // threshold of 12 to test the commune's counter without a hundred submissions.
    t = await createTestApp(engine, {
      env: { GUICHET_RATE_LIMIT_PER_MINUTE: '10000', GUICHET_ANONYMOUS_COMMUNE_CHALLENGE_AFTER: '12' },
    });
    await seedDemo(t.runtime.database, t.runtime.queue, t.config.publicUrl, t.config.secret!);
    await t.runtime.communes.reload();
  });
  afterAll(() => t?.close());
  // Each test starts with fresh counters (they share the commune's).
  beforeEach(async () => {
    await t.testDb.asSuperuser("DELETE FROM rate_limit WHERE key LIKE 'anon:%'");
  });

  async function stored(subjectOrEmail: string): Promise<number> {
    const { rows } = await t.testDb.asSuperuser<{ n: number }>(
      'SELECT count(*)::int AS n FROM citizen_request WHERE requester_email = $1 OR subject = $1',
      [subjectOrEmail],
    );
    return rows[0]!.n;
  }

  it('cuts a burst from one address after 3 messages: a challenge up to 10, then a refusal, the text kept', async () => {
    const b = browser();
    const subject = 'Rafale depuis une adresse';
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) {
      const res = await b.submit(CONTACT, { ...fields(), subject });
      statuses.push(res.statusCode);
      if (res.statusCode !== 303) {
        // Nothing typed is lost.
        expect(res.body).toContain(MESSAGE);
        expect(res.body).toContain(`value="${subject}"`);
      }
      if (res.statusCode === 422) expect(res.body).toContain('Confirmez que vous n’êtes pas un robot');
      if (res.statusCode === 429)
        expect(res.body).toMatch(/Trop d’envois depuis votre connexion.*réessayez dans 10\u00a0minutes/);
    }
    expect(statuses).toEqual([...Array(3).fill(303), ...Array(7).fill(422), ...Array(15).fill(429)]);
    expect(await stored(subject)).toBe(3);
  });

  it('refuses politely when the honeypot is filled, stores nothing and shows the form again, filled', async () => {
    const b = browser();
    const page = await b.get(CONTACT);
    // The honeypot: out of sight and of the tab order, labelled for screen readers, no autofill.
    expect(page.body).toMatch(
      /<div class="guichet-honeypot">.*<label class="govuk-label" for="site_web">Ne pas remplir ce champ<\/label><input class="govuk-input" id="site_web" name="site_web" type="text" autocomplete="off" tabindex="-1"\/>/s,
    );
    const form = { ...fields(), subject: 'Pot de miel', site_web: 'https://spam.example' };
    const res = await b.post(CONTACT, form);
    expect(res.statusCode).toBe(422);
    expect(shownText(res.body)).toContain('le champ « Ne pas remplir » doit rester vide');
    expect(res.body).toContain(MESSAGE);
    expect(res.body).toContain('value="Pot de miel"');
    // Shown now, so that a person who filled it can empty it.
    expect(res.body).not.toContain('class="guichet-honeypot"');
    expect(await stored('Pot de miel')).toBe(0);
    // Emptied, the same message goes through.
    expect((await b.post(CONTACT, { ...form, site_web: '' })).statusCode).toBe(303);
    expect(await stored('Pot de miel')).toBe(1);
  });

  it('past the threshold, asks for the proof of work and accepts it solved — once', async () => {
    const b = browser();
    for (let i = 0; i < 3; i++) expect((await b.submit(CONTACT, fields())).statusCode).toBe(303);
    const page = await b.get(CONTACT);
    expect(page.body).toContain('<altcha-widget');
    expect(page.body).toContain('src="/static/js/altcha-setup.mjs"');
    const altcha = await solvedPayload(page.body);
    const form = { ...fields(), subject: 'Preuve de travail' };
    const unsolved = await b.post(CONTACT, form);
    expect(unsolved.statusCode).toBe(422);
    expect(await stored('Preuve de travail')).toBe(0);
    const solved = await b.post(CONTACT, { ...form, altcha });
    expect(solved.statusCode).toBe(303);
    expect(await stored('Preuve de travail')).toBe(1);
    // The same solution a second time is a replay.
    await b.get(CONTACT);
    const replay = await b.post(CONTACT, { ...form, subject: 'Rejeu', altcha });
    expect(replay.statusCode).toBe(422);
    expect(await stored('Rejeu')).toBe(0);
    // A forged payload is refused too.
    const forged = await b.post(CONTACT, {
      ...form,
      subject: 'Rejeu',
      altcha: Buffer.from('{"x":1}').toString('base64'),
    });
    expect(forged.statusCode).toBe(422);
  });

  it('without JavaScript, the question does: a wrong answer keeps the text, the right one sends', async () => {
    const b = browser();
    for (let i = 0; i < 3; i++) expect((await b.submit(CONTACT, fields())).statusCode).toBe(303);
    const page = await b.get(CONTACT);
    const answer = questionAnswer(page.body);
    const form = { ...fields(), subject: 'Sans JavaScript' };
    const wrong = await b.post(CONTACT, {
      ...form,
      ...answer,
      verification_reponse: String(Number(answer.verification_reponse) + 1),
    });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.body).toContain(MESSAGE);
    expect(wrong.body).toContain('href="#verification_reponse"');
    const right = questionAnswer(wrong.body);
    expect((await b.post(CONTACT, { ...form, ...right })).statusCode).toBe(303);
    expect(await stored('Sans JavaScript')).toBe(1);
  });

  it('past the commune’s threshold, a first message from a new address needs the challenge too', async () => {
    // Twelve messages from twelve addresses: each the first of its sender, all accepted.
    for (let i = 0; i < 12; i++) expect((await browser().submit(CONTACT, fields())).statusCode).toBe(303);
    const newcomer = browser();
    const page = await newcomer.get(CONTACT);
    expect(page.body).toContain('<altcha-widget');
    const res = await newcomer.post(CONTACT, { ...fields(), subject: 'Nouvelle adresse' });
    expect(res.statusCode).toBe(422);
    expect(await stored('Nouvelle adresse')).toBe(0);
    const altcha = await solvedPayload(res.body);
    expect((await newcomer.post(CONTACT, { ...fields(), subject: 'Nouvelle adresse', altcha })).statusCode).toBe(303);
  });
});
