/**
 * Issue 10, "Done when", in a real browser on the demo: the finances agent creates a purchase
 * order above the threshold (the circuit is chosen from its amount), visas it as chef of the
 * Finances service; the DGS visas on a desktop; the adjoint aux finances signs; the maire signs
 * on a 390 px phone; the signed PDF downloaded from the folder verifies with poppler's pdfsig.
 * A second folder shows a visa taken back (droit de remords) and a refusal with its reason; a
 * delegation of the maire to the adjoint shows the maire's folders in the adjoint's queue.
 * axe finds nothing on each page; no console error, failed request, CSP violation or request to
 * another origin; no sideways scrolling on the phone.
 *
 * Then the evidence pages: the proof sheet downloaded from the folder, the public verification
 * page (anonymous, on a phone and a desktop) given the signed PDF and a file that is not a PDF,
 * and batch signing of two folders from the maire's queue (selection, confirmation, results).
 *
 * Last, a finance software pushes a PES V2 file of two bordereaux de mandats through the API (with
 * a token the administrator created on her page); the adjoint visas it reading the bordereaux'
 * summary, the maire signs it on a phone, and the file downloaded through the API verifies with
 * xmlsec1 and the commune's authority certificate (published on the verification page).
 *
 * Not shown here: the step-up page before signing (a session that has just signed in is recent
 * enough; src/modules/signature/parapheur.test.ts ages a session and checks the redirect).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEMO_PASSWORD } from '../src/modules/demo/accounts.js';
import { pesAllerXml, xmlsecVerify } from '../src/test/pes.js';
import { pdfsig, workdir } from '../src/test/signature-tools.js';
import {
  axeViolations,
  horizontalOverflow,
  launchBrowser,
  type Monitor,
  monitor,
  newContext,
  screenshot,
  signInWithPassword,
  squash,
  url,
  type ViewportName,
} from './support.js';

const BASE = '/c/villebelle';
const QUEUE = `${BASE}/agent/parapheur`;
const FINANCES = 'agent.finances@villebelle.example';
const DGS = 'dgs@villebelle.example';
const ADJOINT = 'elu@villebelle.example';
const MAYOR = 'maire@villebelle.example';
const ADMIN = 'admin@villebelle.example';
const BORDEREAU_TITLE = 'Bordereaux de mandats n° 118 et 119';
const TITLE = 'Ordinateurs pour l’école Jules-Ferry';

let browser: Browser;
let dir: string;
let pdfPath: string;
/** The PDF signed by the first test, verified on the public page by a later one. */
let signedPath = '';

beforeAll(async () => {
  browser = await launchBrowser();
  dir = await mkdtemp(path.join(tmpdir(), 'guichet-e2e-parapheur-'));
  const doc = await PDFDocument.create();
  doc.addPage([595, 842]).drawText('Bon de commande — 10 ordinateurs — 12 500,00 EUR TTC', {
    x: 50,
    y: 780,
    size: 14,
    font: await doc.embedFont(StandardFonts.Helvetica),
  });
  pdfPath = path.join(dir, 'bon-de-commande.pdf');
  await writeFile(pdfPath, await doc.save());
});

afterAll(async () => {
  await browser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Session {
  context: BrowserContext;
  page: Page;
  watch: Monitor;
  viewport: ViewportName;
}

async function signedIn(email: string, viewport: ViewportName): Promise<Session> {
  const context = await newContext(browser, viewport, { acceptDownloads: true });
  const page = await context.newPage();
  const watch = await monitor(page);
  await signInWithPassword(page, { email, password: DEMO_PASSWORD });
  return { context, page, watch, viewport };
}

async function expectClean({ page, watch, viewport }: Session, what: string): Promise<void> {
  expect(await axeViolations(page), `axe : ${what}`).toEqual([]);
  if (viewport === 'téléphone') expect(await horizontalOverflow(page), `défilement horizontal : ${what}`).toEqual([]);
  expect(watch.cspViolations, `violations CSP : ${what}`).toEqual([]);
  expect(watch.problems, `erreurs de console ou requêtes en échec : ${what}`).toEqual([]);
  expect(watch.foreignRequests(), `requêtes vers un autre site : ${what}`).toEqual([]);
  watch.reset();
}

async function submit(page: Page, name: string): Promise<void> {
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name, exact: true }).click()]);
  await page.waitForLoadState('load');
}

async function openFromQueue(session: Session, title: string): Promise<void> {
  const { page } = session;
  await page.goto(url(QUEUE), { waitUntil: 'load' });
  await expectClean(session, `file d’attente (${session.viewport})`);
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: title }).first().click()]);
  await page.waitForLoadState('load');
}

async function createPurchaseOrder(session: Session, title: string, amount: string): Promise<string> {
  const { page } = session;
  await page.goto(url(QUEUE), { waitUntil: 'load' });
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Nouveau dossier' }).click()]);
  await expectClean(session, 'nouveau dossier');
  await page.getByLabel('Document à signer').setInputFiles(pdfPath);
  await page.getByLabel('Intitulé du dossier').fill(title);
  await page.getByLabel('Type de document').selectOption({ label: 'Bon de commande' });
  await page.getByLabel(/^Montant TTC en euros/).fill(amount);
  await page.getByLabel('Service concerné (facultatif)').selectOption({ label: 'Finances' });
  await page.getByLabel('Tiers (facultatif)').fill('Informatique du Val');
  await submit(page, 'Créer le dossier');
  return new URL(page.url()).pathname;
}

describe('parapheur', () => {
  test('a purchase order above the threshold is visaed, signed on a phone, and verifies with pdfsig', async () => {
    const agent = await signedIn(FINANCES, 'bureau');
    await createPurchaseOrder(agent, TITLE, '12 500,00');
    const main = agent.page.locator('main');
    expect(squash(await main.textContent())).toContain('Bon de commande (au-delà du seuil)');
    expect(squash(await main.textContent())).toMatch(
      /Visa : Nadia Roux — en cours.*Visa : Directeur général des services — à venir.*Signature : Adjoint aux finances — à venir.*Signature : Maire — à venir/,
    );
    await expectClean(agent, 'dossier créé');
    // The agent is also the chef of the Finances service: her visa comes first.
    await submit(agent.page, 'Viser le dossier');
    expect(squash(await main.textContent())).toContain('Votre visa est enregistré.');
    await expectClean(agent, 'dossier visé');
    await agent.context.close();

    const dgs = await signedIn(DGS, 'bureau');
    await openFromQueue(dgs, TITLE);
    await expectClean(dgs, 'dossier, côté DGS');
    await submit(dgs.page, 'Viser le dossier');
    expect(squash(await dgs.page.locator('main').textContent())).toContain('Votre visa est enregistré.');
    await dgs.context.close();

    const adjoint = await signedIn(ADJOINT, 'bureau');
    await openFromQueue(adjoint, TITLE);
    await submit(adjoint.page, 'Signer le document');
    expect(squash(await adjoint.page.locator('main').textContent())).toContain('Le document est signé.');
    await adjoint.context.close();

    const mayor = await signedIn(MAYOR, 'téléphone');
    await openFromQueue(mayor, TITLE);
    await screenshot(mayor.page, 'parapheur-signature-telephone');
    await expectClean(mayor, 'page de signature, téléphone');
    await submit(mayor.page, 'Signer le document');
    const text = squash(await mayor.page.locator('main').textContent());
    expect(text).toContain('Le document est signé.');
    expect(text).toContain('Terminé');
    await expectClean(mayor, 'dossier signé, téléphone');
    const [download] = await Promise.all([
      mayor.page.waitForEvent('download'),
      mayor.page.getByRole('link', { name: /Document à signer : .*\(version signée\)/ }).click(),
    ]);
    const signed = path.join(dir, 'signe.pdf');
    await download.saveAs(signed);
    // The commune's authority is not in this NSS database: pdfsig checks the signatures themselves.
    const wd = await workdir();
    const verdicts = await pdfsig(signed, await wd.nss([]));
    await wd.close();
    expect(verdicts.map((v) => v.valid)).toEqual([true, true]);
    expect(verdicts[1]!.total).toBe(true);
    expect(verdicts[1]!.out).toContain('Sophie Moreau');
    expect((await readFile(signed)).subarray(0, 5).toString()).toBe('%PDF-');
    signedPath = signed;
    // The proof sheet of the folder, a PDF of its own.
    const [sheet] = await Promise.all([
      mayor.page.waitForEvent('download'),
      mayor.page.getByRole('link', { name: 'Fiche de preuve' }).click(),
    ]);
    const sheetPath = path.join(dir, 'fiche.pdf');
    await sheet.saveAs(sheetPath);
    expect((await readFile(sheetPath)).subarray(0, 5).toString()).toBe('%PDF-');
    await mayor.context.close();
  }, 240_000);

  test('a visa taken back, then a refusal with its reason', async () => {
    const agent = await signedIn(FINANCES, 'bureau');
    const folder = await createPurchaseOrder(agent, 'Chaises de la salle du conseil', '900,00');
    await submit(agent.page, 'Viser le dossier');
    await submit(agent.page, 'Reprendre ma décision');
    const main = agent.page.locator('main');
    expect(squash(await main.textContent())).toContain('Décision reprise (droit de remords)');
    await expectClean(agent, 'droit de remords');
    await submit(agent.page, 'Viser le dossier');
    await agent.context.close();

    const mayor = await signedIn(MAYOR, 'téléphone');
    await mayor.page.goto(url(folder), { waitUntil: 'load' });
    await mayor.page.getByText('Refuser le dossier', { exact: true }).first().click();
    mayor.watch.expectDocumentStatus(url(`${folder}/refuser`), 422);
    await submit(mayor.page, 'Refuser le dossier');
    expect(squash(await mayor.page.locator('main').textContent())).toContain('Indiquez le motif du refus.');
    await expectClean(mayor, 'refus sans motif, téléphone');
    await mayor.page.getByLabel('Motif du refus').fill('Le conseil a déjà des chaises neuves.');
    await submit(mayor.page, 'Refuser le dossier');
    const text = squash(await mayor.page.locator('main').textContent());
    expect(text).toContain('Refusé');
    expect(text).toContain('Le conseil a déjà des chaises neuves.');
    await expectClean(mayor, 'dossier refusé, téléphone');
    await mayor.context.close();
  }, 120_000);

  test('while the maire is away, her delegation brings her folders to the adjoint', async () => {
    const mayor = await signedIn(MAYOR, 'téléphone');
    await mayor.page.goto(url(`${QUEUE}/delegations`), { waitUntil: 'load' });
    await expectClean(mayor, 'délégations, téléphone');
    const today = new Intl.DateTimeFormat('fr-FR', {
      timeZone: 'Europe/Paris',
      day: 'numeric',
      month: 'numeric',
      year: 'numeric',
    })
      .format(new Date())
      .split('/');
    await mayor.page.getByLabel('Qui agira à votre place ?').selectOption({ label: 'Paul Girard' });
    for (const legend of ['Du', 'Au (inclus)']) {
      const group = mayor.page.getByRole('group', { name: legend, exact: true });
      await group.getByLabel('Jour').fill(today[0]!);
      await group.getByLabel('Mois').fill(today[1]!);
      await group.getByLabel('Année').fill(today[2]!);
    }
    await submit(mayor.page, 'Enregistrer la délégation');
    expect(squash(await mayor.page.locator('main').textContent())).toContain('La délégation est enregistrée.');
    await mayor.context.close();

    const agent = await signedIn(FINANCES, 'bureau');
    await createPurchaseOrder(agent, 'Fournitures de la mairie', '300,00');
    await submit(agent.page, 'Viser le dossier');
    await agent.context.close();

    const adjoint = await signedIn(ADJOINT, 'téléphone');
    await adjoint.page.goto(url(QUEUE), { waitUntil: 'load' });
    expect(squash(await adjoint.page.locator('main').textContent())).toContain('Par délégation de Sophie Moreau');
    await expectClean(adjoint, 'file d’attente avec délégation, téléphone');
    await openFromQueue(adjoint, 'Fournitures de la mairie');
    expect(squash(await adjoint.page.locator('main').textContent())).toContain(
      'Vous agissez par délégation, pour Sophie Moreau.',
    );
    await adjoint.context.close();

    // The maire comes back: the delegation is withdrawn.
    const back = await signedIn(MAYOR, 'bureau');
    await back.page.goto(url(`${QUEUE}/delegations`), { waitUntil: 'load' });
    await submit(back.page, 'Retirer la délégation de Sophie Moreau');
    expect(squash(await back.page.locator('main').textContent())).toContain('La délégation est retirée.');
    await back.context.close();
  }, 120_000);

  test('anyone checks a signed PDF on the public verification page, on a phone and a desktop', async () => {
    expect(signedPath, 'the first test signed a PDF').not.toBe('');
    const notPdf = path.join(dir, 'faux.pdf');
    await writeFile(notPdf, 'ceci n’est pas un PDF');
    for (const viewport of ['téléphone', 'bureau'] as const) {
      const context = await newContext(browser, viewport);
      const page = await context.newPage();
      const watch = await monitor(page);
      const session: Session = { context, page, watch, viewport };
      await page.goto(url(`${BASE}/verifier-signature`), { waitUntil: 'load' });
      await expectClean(session, `vérification, formulaire (${viewport})`);
      await page.getByLabel('Document PDF à vérifier').setInputFiles(signedPath);
      await submit(page, 'Vérifier le document');
      const text = squash(await page.locator('main').textContent());
      expect(text).toContain('Sophie Moreau');
      expect(text).toContain('Signature valide : le document n’a pas été modifié depuis.');
      expect(text).toContain('Délivré par l’autorité de certification de la commune');
      await expectClean(session, `vérification, résultat (${viewport})`);
      watch.expectDocumentStatus(url(`${BASE}/verifier-signature`), 422);
      await page.getByLabel('Document PDF à vérifier').setInputFiles(notPdf);
      await submit(page, 'Vérifier le document');
      expect(squash(await page.locator('main').textContent())).toContain('n’est pas au bon format');
      await expectClean(session, `vérification, fichier refusé (${viewport})`);
      await context.close();
    }
  }, 120_000);

  test('the maire signs two folders in one batch and reads the result of each, on a phone and a desktop', async () => {
    const batches = {
      téléphone: ['Arrêté de circulation — marché de Noël', 'Arrêté de stationnement — rue Haute'],
      bureau: ['Arrêté de voirie — travaux place du Marché', 'Arrêté de police — fête de la musique'],
    } as const;
    const agent = await signedIn(FINANCES, 'bureau');
    for (const title of [...batches.téléphone, ...batches.bureau]) {
      await agent.page.goto(url(`${QUEUE}/nouveau`), { waitUntil: 'load' });
      await agent.page.getByLabel('Document à signer').setInputFiles(pdfPath);
      await agent.page.getByLabel('Intitulé du dossier').fill(title);
      await agent.page.getByLabel('Type de document').selectOption({ label: 'Autre document' });
      await submit(agent.page, 'Créer le dossier');
    }
    await agent.context.close();

    for (const viewport of ['téléphone', 'bureau'] as const) {
      const titles = batches[viewport];
      const mayor = await signedIn(MAYOR, viewport);
      await mayor.page.goto(url(QUEUE), { waitUntil: 'load' });
      await expectClean(mayor, `file d’attente avec sélection (${viewport})`);
      for (const title of titles) await mayor.page.getByLabel(title, { exact: true }).check();
      await submit(mayor.page, 'Signer la sélection');
      expect(squash(await mayor.page.locator('main').textContent())).toContain('Vous allez signer ces 2 documents');
      await expectClean(mayor, `confirmation de la signature par lot (${viewport})`);
      await submit(mayor.page, 'Signer les 2 documents');
      const text = squash(await mayor.page.locator('main').textContent());
      expect(text).toContain('Signature par lot : 2 documents signés');
      for (const title of titles) expect(text).toContain(title);
      await expectClean(mayor, `résultat de la signature par lot (${viewport})`);
      await mayor.context.close();
    }
  }, 180_000);

  test('a PES bordereau pushed through the API is signed by the maire on a phone and verifies with xmlsec1', async () => {
    // The administrator gives the finance software a token (shown once).
    const admin = await signedIn(ADMIN, 'bureau');
    await admin.page.goto(url(`${BASE}/admin/api`), { waitUntil: 'load' });
    await admin.page.getByLabel('Nom du jeton').fill('Logiciel financier');
    await admin.page.getByRole('checkbox', { name: /^parapheur:read/ }).check();
    await admin.page.getByRole('checkbox', { name: /^parapheur:write/ }).check();
    await admin.page.getByRole('radio', { name: '30 jours' }).check();
    await submit(admin.page, 'Créer le jeton');
    const token = squash(await admin.page.locator('main code', { hasText: /^gch_/ }).first().textContent());
    expect(token).toMatch(/^gch_/);
    await admin.context.close();

    // The finance software pushes its PES V2 file of two bordereaux de mandats.
    const xml = pesAllerXml({
      bordereaux: [
        { number: '0000118', pieces: ['1000.00', '250.00'] },
        { number: '0000119', pieces: ['480.00'] },
      ],
    });
    const form = new FormData();
    form.set('titre', BORDEREAU_TITLE);
    form.set('type', 'bordereau_mandats');
    form.set('reference', 'FIN-2026-118');
    form.set('document', new Blob([xml], { type: 'application/xml' }), 'PESALR2_118.xml');
    const auth = { authorization: `Bearer ${token}` };
    const created = await fetch(url('/api/v1/parapheur/dossiers'), { method: 'POST', body: form, headers: auth });
    expect(created.status, await created.clone().text()).toBe(201);
    const folder = (await created.json()) as { id: string; amountCents: number };
    expect(folder.amountCents).toBe(173_000);

    // The adjoint aux finances visas it, reading the bordereaux rather than XML.
    const adjoint = await signedIn(ADJOINT, 'bureau');
    await openFromQueue(adjoint, BORDEREAU_TITLE);
    const seen = squash(await adjoint.page.locator('main').textContent());
    expect(seen).toContain('Bordereaux du flux PES (2)');
    expect(seen).toMatch(
      /Bordereau n° 0000118 \(exercice 2026\)\s*Nature\s*Mandats, type 01\s*Pièces\s*2\s*Montant HT\s*1\s250,00\s€/,
    );
    await expectClean(adjoint, 'bordereau à viser');
    await submit(adjoint.page, 'Viser le dossier');
    await adjoint.context.close();

    // The maire signs on her phone.
    const mayor = await signedIn(MAYOR, 'téléphone');
    await openFromQueue(mayor, BORDEREAU_TITLE);
    expect(squash(await mayor.page.locator('main').textContent())).toMatch(
      /Vous signez chacun des 2 bordereaux du flux PES ci-dessus, pour un total de 1\s730,00\s€ HT/,
    );
    await screenshot(mayor.page, 'parapheur-bordereau-telephone');
    await expectClean(mayor, 'bordereau à signer, téléphone');
    // « Mon certificat de signature », linked from the signing form: which certificate she uses.
    await Promise.all([
      mayor.page.waitForNavigation(),
      mayor.page.getByRole('link', { name: 'Mon certificat de signature' }).click(),
    ]);
    expect(squash(await mayor.page.locator('main').textContent())).toContain(
      'Vous signez avec un certificat délivré par l’autorité de certification de la commune',
    );
    await screenshot(mayor.page, 'parapheur-certificat-telephone');
    await expectClean(mayor, 'mon certificat de signature, téléphone');
    await mayor.page.goBack({ waitUntil: 'load' });
    await submit(mayor.page, 'Signer le document');
    const text = squash(await mayor.page.locator('main').textContent());
    expect(text).toContain('Le document est signé.');
    expect(text).toContain('Terminé');
    await expectClean(mayor, 'bordereau signé, téléphone');
    const [download] = await Promise.all([
      mayor.page.waitForEvent('download'),
      mayor.page.getByRole('link', { name: /Document à signer : .*\(version signée\)/ }).click(),
    ]);
    const fromPage = path.join(dir, 'bordereau-signe.xml');
    await download.saveAs(fromPage);
    await mayor.context.close();
    const desk = await signedIn(MAYOR, 'bureau');
    await desk.page.goto(url(`${QUEUE}/certificat`), { waitUntil: 'load' });
    await screenshot(desk.page, 'parapheur-certificat-bureau');
    await expectClean(desk, 'mon certificat de signature, bureau');
    await desk.context.close();

    // The software downloads it; xmlsec1 verifies each bordereau with the commune's authority.
    const signed = await fetch(url(`/api/v1/parapheur/dossiers/${folder.id}/document`), { headers: auth });
    expect(signed.status).toBe(200);
    expect(signed.headers.get('content-type')).toMatch(/^application\/xml/);
    const bytes = Buffer.from(await signed.arrayBuffer());
    expect(bytes.equals(await readFile(fromPage))).toBe(true);
    const ca = await (await fetch(url(`${BASE}/verifier-signature/autorite.pem`))).text();
    const wd = await workdir();
    try {
      for (const id of ['BORD_2026_0000118', 'BORD_2026_0000119']) {
        const verdict = await xmlsecVerify(wd, bytes, id, ca);
        expect(verdict.code, verdict.out).toBe(0);
      }
      const tampered = bytes.toString('utf8').replace('<MtBordHt V="480.00"/>', '<MtBordHt V="4800.00"/>');
      expect((await xmlsecVerify(wd, tampered, 'BORD_2026_0000119', ca)).code).not.toBe(0);
    } finally {
      await wd.close();
    }
  }, 180_000);
});
