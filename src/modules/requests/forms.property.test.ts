/**
 * Property-based test of the citizen forms (issue 19 item 1): generated values — Unicode,
 * accents, emoji, right-to-left text, control characters, very long strings, odd numbers and
 * dates, e-mail addresses valid and not — posted into every field of the contact form and of
 * every démarche of the form library, page by page through the HTTP app, as a browser would.
 * Whatever is typed: never a 5xx; a refusal is a 422 page with the French error summary; what
 * was accepted stays in the draft, and a request sent is stored with its receipt queued.
 *
 * Deterministic: seed FC_SEED (default below), runs FC_RUNS per form; fast-check prints the seed
 * and the failing values on failure (replay with FC_SEED=<seed>).
 */

import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toMailAddress } from '../../platform/mail/address.js';
import type { Commune } from '../../platform/tenancy/communes.js';
import { createTestApp, type TestApp } from '../../test/app.js';
import { TestBrowser } from '../../test/browser.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { MINIMAL_PDF, tinyJpeg } from '../../test/sample-files.js';
import { DEMO_PASSWORD } from '../demo/accounts.js';
import { seedDemo } from '../demo/seed.js';
import { allFields, type Field, type FormDefinition } from '../forms/definition.js';
import { FORM_LIBRARY } from '../forms/library/index.js';

const SEED = Number(process.env.FC_SEED ?? 20261201);
const RUNS = Number(process.env.FC_RUNS ?? 12);
const CITIZEN = 'camille.martin@courriel.example';
const PDF = MINIMAL_PDF;

const JPEG = tinyJpeg();

/** Values a citizen (or a careless paste) may type. */
const oddValue: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.emailAddress(),
  fc.constantFrom(
    'élodie.lefèvre@exemple.fr',
    'a..b@exemple.fr',
    'x@exemple.fr-',
    'a!b@exemple.fr',
    'contact@café.fr',
    'Camille@EXEMPLE.FR ',
    '\u202eعربي\u202c',
    'שלום עולם',
    '👨‍👩‍👧‍👦🏳️‍🌈',
    'e\u0301le\u0300ve',
    '\u0000',
    '\u0007\u001b[31m',
    '\r\n\r\n',
    '\u2028\u2029',
    '\ufeff',
    '   ',
    '0',
    '-0',
    '1e309',
    'NaN',
    'Infinity',
    '-1',
    '0x1F',
    '١٢٣',
    '1,5',
    '1 000',
    '9'.repeat(40),
    '31',
    '29',
    '13',
    '99999',
    '2026-02-30',
    '29/02/2027',
    '<script>alert(1)</script>',
    "'; DROP TABLE draft; --",
    '%00%ff',
    '../../etc/passwd',
  ),
  fc.integer().map(String),
  fc.double().map(String),
  fc.nat(2500).map((n) => 'é'.repeat(n + 200)),
);

/** For each control of a page in order: whether to type a generated value, and which. */
const typing = fc.record({
  // About one control in three gets a generated value: most pages pass with some odd values,
  // which then travel to the review page and to "Envoyer".
  use: fc.array(
    fc.integer({ min: 0, max: 2 }).map((n) => n === 0),
    { minLength: 16, maxLength: 16 },
  ),
  values: fc.array(oddValue, { minLength: 16, maxLength: 16 }),
});
type Typing = { use: boolean[]; values: string[] };

interface Control {
  name: string;
  kind: 'text' | 'radio' | 'checkbox' | 'file' | 'select';
  value: string;
}

function attribute(tag: string, name: string): string | undefined {
  return new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
}

function decodeEntities(value: string): string {
  return value
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The démarche form of a page: its hidden fields and its controls, in order. */
function readForm(html: string): { hidden: Record<string, string>; controls: Control[]; multipart: boolean } {
  const form = /<form id="formulaire-demarche"[\s\S]*?<\/form>/.exec(html)?.[0] ?? '';
  const hidden: Record<string, string> = {};
  const controls: Control[] = [];
  for (const match of form.matchAll(/<(input|textarea|select)\b[^>]*>/g)) {
    const tag = match[0];
    const name = attribute(tag, 'name');
    if (!name || name === '_csrf' || name === 'action') continue;
    const type = match[1] === 'input' ? (attribute(tag, 'type') ?? 'text') : match[1]!;
    const value = decodeEntities(attribute(tag, 'value') ?? '');
    if (type === 'hidden') hidden[name] = value;
    else if (type === 'radio' || type === 'checkbox') {
      if (!controls.some((c) => c.name === name)) controls.push({ name, kind: type, value });
    } else if (type === 'file') controls.push({ name, kind: 'file', value: '' });
    else if (type === 'select') {
      const option = /<option value="([^"]+)"/.exec(form.slice(match.index))?.[1] ?? '';
      controls.push({ name, kind: 'select', value: option });
    } else controls.push({ name, kind: 'text', value });
  }
  return { hidden, controls, multipart: form.includes('multipart/form-data') };
}

function isoDay(offsetDays: number): { day: string; month: string; year: string } {
  const d = new Date(Date.now() + offsetDays * 86_400_000);
  return { day: String(d.getUTCDate()), month: String(d.getUTCMonth() + 1), year: String(d.getUTCFullYear()) };
}

/** A valid answer for one input of a field of the definition (the citizen who gets it right). */
function validInput(fields: Map<string, Field>, name: string): string {
  const match =
    /^(?:([A-Za-z][A-Za-z0-9_]*)-\d{1,3}-)?([A-Za-z][A-Za-z0-9_]*)(?:-(day|month|year|line1|line2|postcode|city))?$/.exec(
      name,
    );
  const field = match ? fields.get(match[2]!) : undefined;
  const part = match?.[3];
  if (!field) return 'Essai';
  switch (field.type) {
    case 'date': {
      const v = field.validation;
      const future = v?.minDate?.startsWith('today');
      const date = future ? isoDay(30) : { day: '12', month: '5', year: '1990' };
      return date[part as 'day' | 'month' | 'year'] ?? '';
    }
    case 'address':
      return { line1: '12 rue des Lilas', line2: '', postcode: '44100', city: 'Villebelle' }[part ?? 'line1'] ?? '';
    case 'email':
      return 'camille.martin@exemple.fr';
    case 'phone':
      return '06 12 34 56 78';
    case 'number':
      return String(Math.max(1, Math.ceil(field.validation?.min ?? 1)));
    case 'textarea':
      return 'Bonjour, voici ma demande.';
    default:
      return field.validation?.pattern === '\\d{14}' ? '73282932000074' : 'Martin';
  }
}

describe.each(TEST_ENGINES)('generated values in every citizen form, on %s', (engine) => {
  let t: TestApp;
  let villebelle: Commune;
  let address = 1;

  beforeAll(async () => {
    // Hundreds of anonymous submissions to one commune: the spam ladder would ask them for its
    // challenge (that is tested in anti-spam.test.ts); these walks test the fields.
    t = await createTestApp(engine, {
      env: {
        GUICHET_RATE_LIMIT_PER_MINUTE: '1000000',
        GUICHET_ANONYMOUS_CHALLENGE_AFTER: '1000000',
        GUICHET_ANONYMOUS_BLOCK_AFTER: '1000000',
        GUICHET_ANONYMOUS_COMMUNE_CHALLENGE_AFTER: '1000000',
      },
    });
    await seedDemo(t.runtime.database, t.runtime.queue, t.config.publicUrl, t.config.secret!);
    await t.runtime.communes.reload();
    villebelle = (await t.runtime.communes.bySlug('villebelle'))!;
  });
  afterAll(() => t?.close());

  async function count(sql: string, values: unknown[] = []): Promise<number> {
    const { rows } = await t.testDb.asSuperuser<{ n: number }>(sql, values);
    return rows[0]!.n;
  }

  /** A 422 page as a citizen sees it: the French summary, and a message on a field. */
  function expectFrenchRefusal(html: string, where: string) {
    expect(html, where).toContain('<h2 class="govuk-error-summary__title">Il y a un problème</h2>');
    const messages = [...html.matchAll(/<a href="#[^"]+">([^<]+)<\/a>/g)].map((m) => m[1]!);
    expect(messages.length, where).toBeGreaterThan(0);
  }

  it(`contact form: ${RUNS * 3} generated submissions, never a 5xx, never a lost message`, async () => {
    const email = fc.oneof(oddValue, fc.emailAddress());
    await fc.assert(
      fc.asyncProperty(fc.record({ subject: oddValue, message: oddValue, name: oddValue, email }), async (values) => {
        const b = new TestBrowser(t.app, { remoteAddress: `203.0.113.${(address++ % 250) + 1}` });
        const before = await count('SELECT count(*)::int AS n FROM citizen_request WHERE commune_id = $1', [
          villebelle.id,
        ]);
        const res = await b.submit('/c/villebelle/contacter-la-mairie', values);
        expect(res.statusCode).toBeLessThan(500);
        if (res.statusCode === 303) {
          expect(res.headers.location).toBe('/c/villebelle/demande-envoyee');
          const { rows } = await t.testDb.asSuperuser<{ requester_email: string }>(
            'SELECT requester_email FROM citizen_request WHERE commune_id = $1 ORDER BY submitted_at DESC, number DESC LIMIT 1',
            [villebelle.id],
          );
          expect(
            await count('SELECT count(*)::int AS n FROM citizen_request WHERE commune_id = $1', [villebelle.id]),
          ).toBe(before + 1);
          // The receipt is queued for the address given: nothing was dropped on the way.
          expect(
            await count(
              "SELECT count(*)::int AS n FROM mail_outbox WHERE template = 'requestReceipt' AND lower(to_address) = lower($1)",
              [toMailAddress(rows[0]!.requester_email)],
            ),
          ).toBeGreaterThan(0);
        } else {
          expect(res.statusCode).toBe(422);
          expectFrenchRefusal(res.body, 'contact');
          // Nothing lost: what was typed comes back (checked where the escaping is trivial).
          for (const key of ['subject', 'name'] as const) {
            const typed = values[key];
            if (/^[\p{L}\p{N} .,!?-]{1,100}$/u.test(typed) && typed.trim() === typed && !/ {2}/.test(typed)) {
              expect(res.body).toContain(`value="${typed}"`);
            }
          }
          expect(
            await count('SELECT count(*)::int AS n FROM citizen_request WHERE commune_id = $1', [villebelle.id]),
          ).toBe(before);
        }
      }),
      { numRuns: RUNS * 3, seed: SEED, endOnFailure: true },
    );
  });

  for (const entry of FORM_LIBRARY) {
    it(`démarche ${entry.slug}: ${RUNS} walks with generated values, never a 5xx, the draft or the request kept`, async () => {
      const definition: FormDefinition = entry.definition;
      const fields = new Map(allFields(definition).map(({ field }) => [field.id, field]));
      const base = `/c/villebelle/demarches/${entry.slug}`;
      const procedureId = (
        await t.testDb.asSuperuser<{ id: string }>('SELECT id FROM procedure WHERE commune_id = $1 AND slug = $2', [
          villebelle.id,
          entry.slug,
        ])
      ).rows[0]!.id;
      const b = new TestBrowser(t.app, { remoteAddress: `198.18.0.${(address++ % 250) + 1}` });
      let accountId: string | null = null;
      if (entry.audience === 'signedIn') {
        const signedIn = await b.submit('/c/villebelle/connexion', { email: CITIZEN, password: DEMO_PASSWORD });
        expect(signedIn.statusCode).toBe(303);
        accountId = (await t.testDb.asSuperuser<{ id: string }>('SELECT id FROM account WHERE email = $1', [CITIZEN]))
          .rows[0]!.id;
      }
      const draftCount = async () =>
        accountId
          ? count('SELECT count(*)::int AS n FROM draft WHERE procedure_id = $1 AND account_id = $2', [
              procedureId,
              accountId,
            ])
          : count('SELECT count(*)::int AS n FROM draft WHERE procedure_id = $1 AND token_hash = $2', [
              procedureId,
              createHash('sha256')
                .update(b.cookies.get('guichet_brouillon') ?? '')
                .digest('hex'),
            ]);
      const requestCount = () =>
        count('SELECT count(*)::int AS n FROM citizen_request WHERE procedure_id = $1', [procedureId]);

      const post = async (
        url: string,
        form: ReturnType<typeof readForm>,
        values: Record<string, string>,
        withFiles = true,
      ) => {
        const body: Record<string, string | string[]> = { ...form.hidden, action: 'continuer' };
        const files: Array<{ name: string; filename: string; type: string; content: Buffer }> = [];
        for (const control of form.controls) {
          const value = values[control.name] ?? '';
          if (control.kind === 'file') {
            if (!withFiles) continue;
            const pdf = fields.get(control.name)?.file?.accept.includes('pdf') ?? true;
            const stem =
              [...value]
                .filter((c) => c >= ' ' && !'"\\/'.includes(c))
                .join('')
                .slice(0, 60) || 'piece';
            files.push(
              pdf
                ? { name: control.name, filename: `${stem}.pdf`, type: 'application/pdf', content: PDF }
                : { name: control.name, filename: `${stem}.jpg`, type: 'image/jpeg', content: JPEG },
            );
          } else body[control.name] = value;
        }
        return form.multipart ? b.postMultipart(url, body, files) : b.post(url, body);
      };

      await fc.assert(
        fc.asyncProperty(fc.array(typing, { minLength: 12, maxLength: 12 }), async (pages: Typing[]) => {
          // A fresh draft for this run (a page of the flow holds the CSRF token to discard the last one).
          let url = (await b.get(`${base}/commencer`)).headers.location as string;
          if (b.cookies.has('guichet_brouillon') || accountId) {
            await b.get(url);
            expect((await b.post(`${base}/recommencer`, {})).statusCode).toBe(303);
            url = (await b.get(`${base}/commencer`)).headers.location as string;
          }
          let accepted = 0;
          for (let step = 0; step < 40 && !url.endsWith('/verifier'); step++) {
            const page = await b.get(url);
            expect(page.statusCode, url).toBe(200);
            const form = readForm(page.body);
            const typed = pages[step % pages.length]!;
            const valid = Object.fromEntries(
              form.controls.map((c) => [c.name, c.kind === 'text' ? validInput(fields, c.name) : c.value]),
            );
            const generated = Object.fromEntries(
              form.controls.map((c, i) => [c.name, typed.use[i % 16] ? typed.values[i % 16]! : valid[c.name]!]),
            );
            let res = await post(url, form, generated);
            expect(res.statusCode, `${url} ${JSON.stringify(generated).slice(0, 300)}`).toBeLessThan(500);
            if (res.statusCode === 422) {
              expectFrenchRefusal(res.body, url);
              if (accepted > 0) expect(await draftCount(), `${url}: draft kept`).toBe(1);
              // The valid answers; files accepted with the refused page are kept by the draft.
              res = await post(url, form, valid, false);
              if (res.statusCode === 422) res = await post(url, form, valid);
              expect(res.statusCode, `${url} (valid answers)`).toBeLessThan(500);
              if (res.statusCode === 422) {
                const errors = [...res.body.matchAll(/<a href="#([^"]+)">([^<]+)<\/a>/g)].map(
                  (m) => `${m[1]}: ${m[2]}`,
                );
                throw new Error(`valid answers refused on ${url}: ${errors.join('; ')}`);
              }
            }
            if (res.statusCode === 303) {
              accepted++;
              url = res.headers.location as string;
            } else expect(res.statusCode, url).toBe(200); // a question revealed by the answers: the page again
          }
          expect(url, 'the walk reaches the review page').toMatch(/\/verifier$/);
          const review = await b.get(url);
          expect(review.statusCode).toBe(200);
          const before = await requestCount();
          const sent = await b.post(`${base}/envoyer`, {});
          expect(sent.statusCode, 'Envoyer ma demande').toBeLessThan(500);
          if (sent.statusCode === 303) {
            expect(sent.headers.location).toBe('/c/villebelle/demande-envoyee');
            expect(await requestCount()).toBe(before + 1);
            expect(await draftCount()).toBe(0);
          } else {
            expect(sent.statusCode).toBe(422);
            expectFrenchRefusal(sent.body, 'envoyer');
            expect(await draftCount(), 'draft kept after a refused submission').toBe(1);
            expect(await requestCount()).toBe(before);
          }
        }),
        { numRuns: RUNS, seed: SEED, endOnFailure: true },
      );
    });
  }
});
