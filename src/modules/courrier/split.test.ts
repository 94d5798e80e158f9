/**
 * Bulk intake through its page: a stack of scanned letters (image pages, no text layer) with
 * blank sheets between them — one with dust on it — becomes one incoming mail per letter, each
 * with its own pages, number, history and OCR job; a short handwritten word is not a blank page.
 * The splitting rule table-driven; bad input answered in French at the field, nothing registered.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../platform/db/tenant.js';
import { type Commune, listServices } from '../../platform/tenancy/communes.js';
import { parisDateOf } from '../../platform/time/calendar.js';
import { createTestApp, type TestApp } from '../../test/app.js';
import type { TestBrowser } from '../../test/browser.js';
import { shownText } from '../../test/browser.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { type Person, secondCommune, staffMember } from '../../test/factories.js';
import { signIn } from '../../test/sign-in.js';
import { OCR_JOB } from './ocr-job.js';
import { blankPages, inkRatio, lettersOf } from './split.js';

type Page = { lines: string[] } | { blank: true; dust?: number };

/** A stack as a scanner gives it: every page an image (no text layer), A4. */
async function scannedStack(pages: Page[]): Promise<Buffer> {
  const drawn = await PDFDocument.create();
  const font = await drawn.embedFont(StandardFonts.Helvetica);
  for (const p of pages) {
    const page = drawn.addPage([595, 842]);
    if ('lines' in p) {
      for (const [i, line] of p.lines.entries()) page.drawText(line, { x: 60, y: 760 - i * 20, size: 13, font });
    } else {
      // Dust: a few specks of about half a millimetre (1–2 dark pixels each at 50 dpi).
      for (let i = 0; i < (p.dust ?? 0); i++) page.drawCircle({ x: 100 + i * 90, y: 300 + i * 40, size: 0.8 });
    }
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'courrier-lot-'));
  try {
    fs.writeFileSync(path.join(dir, 'drawn.pdf'), await drawn.save());
    execFileSync('pdftoppm', ['-r', '72', '-gray', '-png', path.join(dir, 'drawn.pdf'), path.join(dir, 'scan')]);
    const stack = await PDFDocument.create();
    const images = fs.readdirSync(dir).filter((f) => f.endsWith('.png'));
    images.sort((a, b) => Number(/-(\d+)\.png$/.exec(a)![1]) - Number(/-(\d+)\.png$/.exec(b)![1]));
    for (const image of images) {
      const png = await stack.embedPng(fs.readFileSync(path.join(dir, image)));
      stack.addPage([595, 842]).drawImage(png, { x: 0, y: 0, width: 595, height: 842 });
    }
    return Buffer.from(await stack.save());
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('the splitting rule', () => {
  it('cuts at runs of blank pages, dropping those at the start and the end', () => {
    const cases: Array<[boolean[], number[][]]> = [
      [[], []],
      [[true, true], []],
      [[false], [[0]]],
      [[false, false, false], [[0, 1, 2]]],
      [
        [false, true, false],
        [[0], [2]],
      ],
      [
        [true, false, true, true, false, false, true],
        [[1], [4, 5]],
      ],
    ];
    for (const [blank, letters] of cases) expect(lettersOf(blank), JSON.stringify(blank)).toEqual(letters);
  });

  it('counts dark pixels inside the margins only', () => {
    const pgm = (w: number, h: number, dark: Array<[number, number]>) => {
      const pixels = Buffer.alloc(w * h, 255);
      for (const [x, y] of dark) pixels[y * w + x] = 0;
      return Buffer.concat([Buffer.from(`P5\n${w} ${h}\n255\n`), pixels]);
    };
    expect(inkRatio(pgm(100, 100, []))).toBe(0);
    // In the 5 % margin (a scanner's shadow): not counted.
    expect(
      inkRatio(
        pgm(100, 100, [
          [0, 0],
          [99, 50],
          [50, 2],
        ]),
      ),
    ).toBe(0);
    expect(inkRatio(pgm(100, 100, [[50, 50]]))).toBeCloseTo(1 / (90 * 90));
  });

  it('tells blank scanned pages, even dusty, from letters, even of one word', async () => {
    const stack = await scannedStack([
      { lines: ['Madame le Maire,', 'Je vous écris au sujet du marché.'] },
      { blank: true },
      { blank: true, dust: 4 },
      { lines: ['Lu et approuvé'] },
    ]);
    expect(await blankPages(stack)).toEqual([false, true, true, false]);
  });
});

describe.each(TEST_ENGINES)('bulk intake on %s', (engine) => {
  let t: TestApp;
  let town: Commune;
  let base: string;
  let accueil: Person;
  let browser: TestBrowser;
  const service: Record<string, string> = {};
  const today = parisDateOf(new Date());
  const [year, month, day] = today.split('-');

  const fields = (overrides: Record<string, string> = {}) => ({
    'arrivee-day': String(Number(day)),
    'arrivee-month': String(Number(month)),
    'arrivee-year': year!,
    type: 'demande',
    categorie: 'courrier',
    priorite: 'normale',
    service: service.accueil!,
    objet: '',
    ...overrides,
  });
  const pdf = (content: Buffer, filename = 'lot.pdf') => [{ name: 'lot', filename, type: 'application/pdf', content }];
  const mailCount = async () =>
    (
      await t.testDb.asSuperuser<{ n: number }>('SELECT count(*)::int AS n FROM courrier_mail WHERE commune_id = $1', [
        town.id,
      ])
    ).rows[0]!.n;

  beforeAll(async () => {
    t = await createTestApp(engine, { env: { GUICHET_RATE_LIMIT_PER_MINUTE: '100000' } });
    town = await secondCommune(t, {
      slug: 'lots-sur-mer',
      name: 'Lots-sur-Mer',
      services: [
        { slug: 'accueil', name: 'Accueil' },
        { slug: 'urbanisme', name: 'Urbanisme' },
      ],
    });
    base = `/c/${town.slug}/agent/courrier`;
    accueil = await staffMember(t, town, {
      role: 'agent',
      services: ['accueil'],
      givenName: 'Aline',
      familyName: 'Accueil',
    });
    browser = await signIn(t.app, accueil.email, { slug: town.slug });
    for (const s of await withTenant(t.runtime.database, town.id, (tx) => listServices(tx, town.id)))
      service[s.slug] = s.id;
  });

  afterAll(() => t?.close());

  it('registers each letter of a stack as its own mail, with its pages, its history and its OCR job', async () => {
    const stack = await scannedStack([
      { blank: true },
      { lines: ['Monsieur le Maire,', 'Je sollicite un permis de construire.'] },
      { lines: ['Page 2 de ma demande de permis.'] },
      { blank: true },
      { blank: true, dust: 3 },
      { lines: ['Réclamation : le lampadaire est éteint.'] },
      { blank: true },
      { lines: ['Invitation au repas des anciens.'] },
    ]);
    const before = await mailCount();
    await browser.get(`${base}/lot`);
    const res = await browser.postMultipart(`${base}/lot`, fields(), pdf(stack, 'courrier du matin.pdf'));
    expect(res.statusCode, shownText(res.body).slice(0, 600)).toBe(303);
    expect(await mailCount()).toBe(before + 3);
    const done = shownText((await browser.get(String(res.headers.location))).body);
    expect(done).toMatch(/3 courriers enregistrés, du \d{4}-A(\d{6}) au \d{4}-A\d{6}\./);

    const { rows } = await t.testDb.asSuperuser<{ id: string; subject: string; chrono: string }>(
      'SELECT id, subject, chrono FROM courrier_mail WHERE commune_id = $1 ORDER BY chrono',
      [town.id],
    );
    const letters = rows.slice(-3);
    expect(letters.map((m) => m.subject.replace(/du lot du .*/, 'du lot'))).toEqual([
      'Courrier 1 sur 3 du lot',
      'Courrier 2 sur 3 du lot',
      'Courrier 3 sur 3 du lot',
    ]);
    const expected: Array<[string, number]> = [
      ['pages 2 à 3', 2],
      ['page 6', 1],
      ['page 8', 1],
    ];
    for (const [i, m] of letters.entries()) {
      const page = await browser.get(`${base}/${m.id}`);
      const text = shownText(page.body);
      expect(text).toContain(`« courrier du matin.pdf », ${expected[i]![0]}`);
      expect(text).toContain('Expéditeur à identifier');
      expect(text).toContain('Lecture du texte en attente');
      const doc = /href="([^"]+\/documents\/[^"]+)"/.exec(page.body)![1]!;
      const file = await browser.get(doc);
      expect(file.statusCode).toBe(200);
      expect((await PDFDocument.load(file.rawPayload)).getPageCount()).toBe(expected[i]![1]);
    }
    const jobs = await t.testDb.asSuperuser<{ n: number }>(
      `SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND data->>'mailId' = ANY($2::text[])`,
      [OCR_JOB, letters.map((m) => m.id)],
    );
    expect(jobs.rows[0]!.n).toBe(3);

    // The sender and the subject are completed on the mail's page.
    const first = `${base}/${letters[0]!.id}`;
    await browser.get(first);
    const missing = await browser.post(`${first}/completer`, {
      objet: 'Permis de construire, 12 rue des Lilas',
      expediteur_type: 'personne',
      expediteur_nom: 'Jean Dupont',
      expediteur_courriel: '',
      expediteur_adresse: '',
    });
    expect(missing.statusCode).toBe(422);
    expect(shownText(missing.body)).toContain('Indiquez l’adresse postale ou l’adresse électronique de l’expéditeur');
    expect(missing.body).toContain('value="Jean Dupont"');
    const completed = await browser.post(`${first}/completer`, {
      objet: 'Permis de construire, 12 rue des Lilas',
      expediteur_type: 'personne',
      expediteur_nom: 'Jean Dupont',
      expediteur_courriel: '',
      expediteur_adresse: '12 rue des Lilas\n44000 Nantes',
    });
    expect(completed.statusCode).toBe(303);
    const after = shownText((await browser.get(first)).body);
    expect(after).toContain('Expéditeur Jean Dupont 12 rue des Lilas');
    expect(after).toContain(
      'Enregistrement complété : expéditeur Jean Dupont (au lieu de Expéditeur à identifier), objet « Permis de construire, 12 rue des Lilas » (au lieu de « Courrier 1 sur 3 du lot du',
    );
    expect(after).toContain('Corriger l’expéditeur ou l’objet');

    // A common subject names each letter.
    const two = await scannedStack([
      { lines: ['Avis favorable au projet.'] },
      { blank: true },
      { lines: ['Avis défavorable.'] },
    ]);
    await browser.get(`${base}/lot`);
    const common = await browser.postMultipart(
      `${base}/lot`,
      fields({ objet: 'Observations sur l’enquête publique', service: service.urbanisme! }),
      pdf(two),
    );
    expect(common.statusCode).toBe(303);
    const subjects = await t.testDb.asSuperuser<{ subject: string }>(
      'SELECT subject FROM courrier_mail WHERE commune_id = $1 AND service_id = $2 ORDER BY chrono',
      [town.id, service.urbanisme],
    );
    expect(subjects.rows.map((r) => r.subject)).toEqual([
      'Observations sur l’enquête publique (1 sur 2)',
      'Observations sur l’enquête publique (2 sur 2)',
    ]);
  });

  it('answers bad stacks in French at the field and registers nothing', async () => {
    const blank = await scannedStack([{ blank: true }, { blank: true, dust: 2 }]);
    const tooLong = await PDFDocument.create();
    for (let i = 0; i < 61; i++) tooLong.addPage([595, 842]);
    const cases: Array<[Record<string, string>, ReturnType<typeof pdf> | [], string, number]> = [
      [{}, [], 'Choisissez le fichier PDF du lot de courriers.', 422],
      [{}, pdf(blank), 'Ce lot ne contient que des pages blanches.', 422],
      [{}, pdf(Buffer.from(await tooLong.save())), 'Déposez au plus 60 pages à la fois', 422],
      [{}, [{ name: 'lot', filename: 'lot.txt', type: 'text/plain', content: Buffer.from('bonjour') }], 'PDF', 422],
      [{ service: '' }, pdf(blank), 'Choisissez le service en charge.', 422],
      [{ type: 'colis' }, pdf(blank), 'Choisissez le type de courrier.', 422],
      [
        { 'arrivee-year': String(Number(year) + 1) },
        pdf(blank),
        'La date d’arrivée ne peut pas être dans le futur.',
        422,
      ],
    ];
    const before = await mailCount();
    for (const [overrides, files, message, status] of cases) {
      await browser.get(`${base}/lot`);
      const res = await browser.postMultipart(`${base}/lot`, fields({ objet: 'Objet gardé', ...overrides }), files);
      expect(res.statusCode, message).toBe(status);
      const text = shownText(res.body);
      expect(text, message).toContain('Il y a un problème');
      expect(text, message).toContain(message);
      expect(res.body, message).toContain('value="Objet gardé"');
    }
    expect(await mailCount()).toBe(before);
  });
});
