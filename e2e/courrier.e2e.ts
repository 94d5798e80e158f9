/**
 * The courrier (issue 14) in a real browser on the demo: the état-civil agent at the accueil
 * registers a scanned French letter on a 390 px phone (file upload, no script needed); the
 * worker reads it with tesseract and the mail's page shows the text and proposes the urbanisme
 * service, which the agent accepts; the urbanisme agent, on a desktop, finds it in the register
 * by a word of the scan and drafts a reply from a template. Then the same reply goes to the
 * parapheur: the DGS visas it on a desktop, the maire signs it on a 390 px phone; the urbanisme
 * agent sends it by electronic registered letter through the local simulator of the provider's
 * API (started by global-setup.ts), the recipient accepts it there, the agent asks for the
 * follow-up and the worker files the proof of receipt with the mail; the mail is closed and its
 * history shows each step. axe finds nothing on each page; no sideways scrolling on the phone;
 * screenshots of each page at both sizes in test-results/.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { DEMO_PASSWORD } from '../src/modules/demo/accounts.js';
import { TextDocument } from '../src/platform/pdf/index.js';
import {
  axeViolations,
  deliverLre,
  horizontalOverflow,
  launchBrowser,
  lreLetters,
  newContext,
  screenshot,
  signInWithPassword,
  squash,
  url,
} from './support.js';

const BASE = '/c/villebelle/agent/courrier';
const SUBJECT = 'Extension de maison rue des Lilas (essai e2e)';
let browser: Browser;
let dir: string;
let scan: string;
/** The mail registered by the first test, and its reply's outgoing number (the second test goes on with them). */
let mailUrl = '';
let replyChrono = '';
/** The administrator's session of the third test, reused by the fourth. */
let adminContext: BrowserContext;

beforeAll(async () => {
  browser = await launchBrowser();
  dir = await mkdtemp(path.join(tmpdir(), 'guichet-e2e-courrier-'));
  const doc = await TextDocument.create({
    title: 'Lettre',
    author: 'Jean Dupont',
    date: new Date('2026-12-01T09:00:00Z'),
    bodySize: 14,
  });
  doc.text('Madame le Maire,', { size: 14 });
  doc.text(
    'Je sollicite un permis de construire pour l’extension de ma maison située 12 rue des Lilas. Je souhaite connaître les pièces du dossier d’urbanisme à fournir.',
    { size: 14 },
  );
  doc.text('Veuillez agréer mes salutations distinguées. Jean Dupont', { size: 14 });
  await writeFile(path.join(dir, 'lettre.pdf'), await doc.finish());
  execFileSync('pdftoppm', [
    '-r',
    '150',
    '-gray',
    '-png',
    '-singlefile',
    path.join(dir, 'lettre.pdf'),
    path.join(dir, 'scan'),
  ]);
  scan = path.join(dir, 'scan.png');
});

afterAll(async () => {
  await browser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function clean(page: Page, what: string, phone = false) {
  expect(await axeViolations(page), `axe : ${what}`).toEqual([]);
  if (phone) expect(await horizontalOverflow(page), `débordement : ${what}`).toEqual([]);
}

test('a scanned letter registered on a phone is read, routed to urbanisme, found and answered from a template', async () => {
  const phoneContext = await newContext(browser, 'téléphone');
  const phone = await phoneContext.newPage();
  await signInWithPassword(phone, { email: 'agent.etat-civil@villebelle.example', password: DEMO_PASSWORD });
  await phone.goto(url(`${BASE}/nouveau`), { waitUntil: 'load' });
  await clean(phone, 'enregistrer un courrier', true);
  await screenshot(phone, 'courrier-nouveau-390');
  // A form sent empty: French messages, 422.
  await Promise.all([
    phone.waitForLoadState('load'),
    phone.getByRole('button', { name: 'Enregistrer le courrier' }).click(),
  ]);
  expect(squash(await phone.locator('.govuk-error-summary').textContent())).toContain(
    'Saisissez le nom de l’expéditeur.',
  );
  await clean(phone, 'erreurs du formulaire', true);
  await phone.getByLabel('Nom', { exact: true }).fill('M. Jean DUPONT');
  await phone.getByLabel('Adresse électronique (facultatif)').fill('jean.dupont@courriel.example');
  await phone.getByLabel('Adresse postale').fill('12 rue des Lilas\n44000 Nantes');
  await phone.getByLabel('Objet', { exact: true }).fill(SUBJECT);
  await phone.getByLabel('Type de courrier').selectOption('demande');
  await phone.getByLabel('Service en charge').selectOption({ label: 'Accueil' });
  await phone.getByLabel('Scans du courrier (facultatif)').setInputFiles(scan);
  await Promise.all([
    phone.waitForURL(/fait=enregistre/),
    phone.getByRole('button', { name: 'Enregistrer le courrier' }).click(),
  ]);
  mailUrl = phone.url().replace(/\?.*$/, '');
  // The worker reads the scan: the page says so once done (« Actualiser la page » meanwhile).
  let text = '';
  for (let i = 0; i < 60; i++) {
    await phone.goto(mailUrl, { waitUntil: 'load' });
    text = squash(await phone.locator('main').textContent());
    if (text.includes('Texte lu automatiquement')) break;
    await phone.waitForTimeout(1000);
  }
  expect(text).toContain('permis de construire');
  expect(text).toMatch(/Service proposé : Urbanisme \(confiance \d+ %\)/);
  await clean(phone, 'page du courrier', true);
  await screenshot(phone, 'courrier-page-390');
  await phone.getByRole('radio', { name: /Accepter/ }).check();
  await Promise.all([
    phone.waitForURL(/fait=proposition/),
    phone.getByRole('button', { name: 'Valider le service' }).click(),
  ]);
  expect(squash(await phone.locator('main').textContent())).toContain(
    'Proposition acceptée : courrier confié au service Urbanisme.',
  );
  await phoneContext.close();

  // The urbanisme agent, on a desktop, finds it by a word of the scan and drafts a reply.
  const deskContext = await newContext(browser, 'bureau');
  const desk = await deskContext.newPage();
  await signInWithPassword(desk, { email: 'agent.urbanisme@villebelle.example', password: DEMO_PASSWORD });
  await desk.goto(url(`${BASE}?q=Lilas`), { waitUntil: 'load' });
  expect(squash(await desk.locator('main').textContent())).toContain(SUBJECT);
  await clean(desk, 'registre du courrier arrivé');
  await screenshot(desk, 'courrier-registre-1280');
  await desk.goto(mailUrl, { waitUntil: 'load' });
  await screenshot(desk, 'courrier-page-1280');
  await desk.getByLabel('Rédiger une réponse à partir du modèle').selectOption('accuse_reception');
  await Promise.all([desk.waitForURL(/\/reponse\?/), desk.getByRole('button', { name: 'Rédiger' }).click()]);
  await clean(desk, 'rédiger une réponse');
  expect(await desk.getByLabel('Texte de la lettre').inputValue()).toContain('Il est confié au service Urbanisme');
  await Promise.all([
    desk.waitForURL(/fait=brouillon/),
    desk.getByRole('button', { name: 'Enregistrer le projet de réponse' }).click(),
  ]);
  const drafted = /Réponse (\d{4}-D\d{6}) — Brouillon/.exec(squash(await desk.locator('main').textContent()));
  expect(drafted).not.toBeNull();
  replyChrono = drafted![1]!;
  await clean(desk, 'page du courrier avec sa réponse');
  await deskContext.close();
}, 180_000);

/** Opens `path` again every second until `text` shows in the page's main (the worker's work), at most a minute. */
async function waitForText(page: Page, path: string, text: string): Promise<string> {
  let seen = '';
  for (let i = 0; i < 60; i++) {
    await page.goto(url(path), { waitUntil: 'load' });
    seen = squash(await page.locator('main').textContent());
    if (seen.includes(text)) break;
    await page.waitForTimeout(1000);
  }
  expect(seen).toContain(text);
  return seen;
}

/** Clicks a form's button and waits for the page it leads to (at `done` when given); returns its main text. */
async function submit(page: Page, button: string, done?: RegExp): Promise<string> {
  await Promise.all([
    done ? page.waitForURL(done) : page.waitForNavigation(),
    page.getByRole('button', { name: button, exact: true }).click(),
  ]);
  await page.waitForLoadState('load');
  return squash(await page.locator('main').textContent());
}

/** Signs in, opens the reply's folder from the parapheur's queue. */
async function openFolder(page: Page, email: string, phone: boolean): Promise<void> {
  await signInWithPassword(page, { email, password: DEMO_PASSWORD });
  await page.goto(url('/c/villebelle/agent/parapheur'), { waitUntil: 'load' });
  await clean(page, `file du parapheur (${email})`, phone);
  await Promise.all([
    page.waitForURL(/\/agent\/parapheur\/[0-9a-f-]{36}$/),
    page
      .getByRole('link', { name: new RegExp(`^Réponse ${replyChrono} : `) })
      .first()
      .click(),
  ]);
  await page.waitForLoadState('load');
}

test('the reply is visaed by the DGS, signed by the maire on a phone, sent by electronic registered letter, its proof of receipt filed and the mail closed', async () => {
  expect(replyChrono, 'the first test drafted a reply').not.toBe('');
  const mailPath = new URL(mailUrl).pathname;
  // The urbanisme agent sends the draft to the parapheur.
  const deskContext = await newContext(browser, 'bureau', { acceptDownloads: true });
  const desk = await deskContext.newPage();
  await signInWithPassword(desk, { email: 'agent.urbanisme@villebelle.example', password: DEMO_PASSWORD });
  await desk.goto(mailUrl, { waitUntil: 'load' });
  let text = await submit(desk, 'Envoyer au parapheur', /fait=parapheur/);
  expect(text).toContain('La réponse est envoyée au parapheur pour visa et signature.');
  expect(text).toContain(`Réponse ${replyChrono} — Au parapheur`);
  expect(text).toMatch(
    new RegExp(`Réponse ${replyChrono} envoyée au parapheur pour visa et signature \\(dossier \\d{4}-\\d{6}\\)`),
  );
  await clean(desk, 'réponse au parapheur');

  // The DGS visas it on a desktop.
  const dgsContext = await newContext(browser, 'bureau');
  const dgs = await dgsContext.newPage();
  await openFolder(dgs, 'dgs@villebelle.example', false);
  text = squash(await dgs.locator('main').textContent());
  expect(text).toContain('Courrier sortant');
  expect(text).toMatch(/Visa : Julien Faure — en cours.*Signature : Maire — à venir/);
  await clean(dgs, 'dossier de la réponse, côté DGS');
  text = await submit(dgs, 'Viser le dossier');
  expect(text).toContain('Votre visa est enregistré.');
  await clean(dgs, 'réponse visée');
  await dgsContext.close();

  // The maire signs it on her phone.
  const mayorContext = await newContext(browser, 'téléphone');
  const mayor = await mayorContext.newPage();
  await openFolder(mayor, 'maire@villebelle.example', true);
  await clean(mayor, 'page de signature de la réponse, téléphone', true);
  await screenshot(mayor, 'courrier-signature-390');
  text = await submit(mayor, 'Signer le document');
  expect(text).toContain('Le document est signé.');
  expect(text).toContain('Terminé');
  await clean(mayor, 'réponse signée, téléphone', true);
  await mayorContext.close();

  // The worker brings the signed letter back to the mail; the agent sends it by registered letter.
  text = await waitForText(desk, mailPath, `Réponse ${replyChrono} — Signée`);
  expect(text).toContain('Télécharger la lettre signée');
  await clean(desk, 'réponse signée, page du courrier');
  expect(await desk.getByRole('radio', { name: 'En lettre recommandée électronique' }).isChecked()).toBe(true);
  text = await submit(desk, 'Envoyer et clore le courrier', /fait=envoye/);
  expect(text).toContain('La réponse est partie ; le courrier est clos.');
  const deposit = /Lettre recommandée électronique déposée \(référence (LRE-\d{6}), coût (\d+,\d{2}) €\)/.exec(text);
  expect(deposit, text).not.toBeNull();
  const reference = deposit![1]!;
  expect(text).toContain('Preuve de dépôt');
  const letter = (await lreLetters()).find((l) => l.id === reference);
  expect(letter?.reference).toBe(replyChrono);
  expect(letter?.recipient.courriel).toBe('jean.dupont@courriel.example');
  await clean(desk, 'réponse envoyée en lettre recommandée électronique');

  // The recipient accepts it; the agent asks the provider, the worker files the proof of receipt.
  await deliverLre(reference);
  text = await submit(desk, 'Demander le suivi au prestataire', /fait=suivi/);
  expect(text).toContain('Le suivi est demandé au prestataire');
  await clean(desk, 'suivi demandé');
  text = await waitForText(desk, mailPath, 'preuve de réception classée avec le courrier');
  expect(text).toContain(`Lettre recommandée électronique ${reference} acceptée par le destinataire`);
  expect(await desk.getByRole('button', { name: 'Demander le suivi au prestataire' }).count()).toBe(0);
  const proof = await desk.request.get(
    url((await desk.getByRole('link', { name: 'Preuve de réception' }).getAttribute('href'))!),
  );
  expect(proof.status()).toBe(200);
  expect(proof.headers()['content-type']).toBe('application/pdf');
  expect((await proof.body()).subarray(0, 5).toString()).toBe('%PDF-');

  // The mail is closed, and its history tells each step, in order, with who did it.
  expect(await desk.locator('main .govuk-tag', { hasText: /^\s*Clos\s*$/ }).count()).toBeGreaterThan(0);
  const history = (await desk.locator('h2:text-is("Historique") + ol > li').allInnerTexts()).map(squash);
  const steps: Array<[string, RegExp]> = [
    ['enregistré', /Nadia Benali Courrier enregistré sous le numéro \d{4}-A\d{6}, confié au service Accueil/],
    ['lu (OCR)', /automatique Texte lu automatiquement : 1 page, \d+ mots\./],
    ['service accepté', /Nadia Benali Proposition acceptée : courrier confié au service Urbanisme\./],
    ['réponse rédigée', new RegExp(`Hugo Lefèvre Projet de réponse rédigé .*sous le numéro ${replyChrono}\\.`)],
    ['au parapheur', new RegExp(`Hugo Lefèvre Réponse ${replyChrono} envoyée au parapheur pour visa et signature`)],
    ['visa', new RegExp(`Julien Faure Réponse ${replyChrono} visée au parapheur \\(dossier \\d{4}-\\d{6}\\)\\.`)],
    [
      'signature',
      new RegExp(`Sophie Moreau Réponse ${replyChrono} signée au parapheur \\(dossier \\d{4}-\\d{6}\\)\\.`),
    ],
    [
      'envoyée en LRE, courrier clos',
      new RegExp(
        `Hugo Lefèvre Réponse ${replyChrono} envoyée en lettre recommandée électronique \\(prestataire qualifié, référence ${reference}, ${deposit![2]} €\\) ; courrier clos\\.`,
      ),
    ],
    [
      'remise',
      new RegExp(
        `automatique Lettre recommandée électronique ${reference} acceptée par le destinataire ; preuve de réception classée avec le courrier\\.`,
      ),
    ],
  ];
  let at = -1;
  for (const [step, pattern] of steps) {
    const found = history.findIndex((line, i) => i > at && pattern.test(line));
    expect(found, `historique : ${step} (après la ligne ${at}) dans\n${history.join('\n')}`).toBeGreaterThan(at);
    at = found;
  }
  await clean(desk, 'courrier clos et son historique');
  await desk.locator('h2:text-is("Historique")').scrollIntoViewIfNeeded();
  await screenshot(desk, 'courrier-historique-1280');
  await deskContext.close();
}, 240_000);

test('an e-mail imported as .eml on a phone is registered, an avis asked of urbanisme is answered on a desktop', async () => {
  const eml = path.join(dir, 'courriel.eml');
  await writeFile(
    eml,
    [
      'From: Lucie Bernard <lucie.bernard@courriel.example>',
      'To: mairie@villebelle.example',
      'Subject: Haie mitoyenne trop haute (essai e2e)',
      'Date: Tue, 1 Dec 2026 09:30:00 +0100',
      `Message-ID: <e2e-${Date.now()}@courriel.example>`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      'Bonjour,',
      'la haie de mon voisin dépasse deux mètres en limite de propriété. Que puis-je faire ?',
      'Lucie Bernard',
      '',
    ].join('\r\n'),
  );
  const phoneContext = await newContext(browser, 'téléphone');
  const phone = await phoneContext.newPage();
  await signInWithPassword(phone, { email: 'agent.etat-civil@villebelle.example', password: DEMO_PASSWORD });
  await phone.goto(url(`${BASE}/courriel`), { waitUntil: 'load' });
  await clean(phone, 'importer un courriel', true);
  await screenshot(phone, 'courrier-courriel-390');
  await phone.getByLabel('Fichier du courriel').setInputFiles(eml);
  await Promise.all([
    phone.waitForURL(/fait=courriel/),
    phone.getByRole('button', { name: 'Enregistrer le courriel' }).click(),
  ]);
  const mailUrl = phone.url().replace(/\?.*$/, '');
  const text = squash(await phone.locator('main').textContent());
  expect(text).toContain('Haie mitoyenne trop haute (essai e2e)');
  expect(text).toContain('lucie.bernard@courriel.example');
  expect(text).toContain('la haie de mon voisin dépasse deux mètres');
  await clean(phone, 'courriel enregistré', true);
  await screenshot(phone, 'courrier-courriel-page-390');
  await phone.getByLabel('À qui').selectOption({ label: 'Service Urbanisme' });
  await phone
    .getByLabel('Question posée')
    .fill('Une haie de plus de deux mètres en limite est-elle permise par le PLU ?');
  await phone.getByLabel('Jour').last().fill('15');
  await phone.getByLabel('Mois').last().fill('1');
  await phone.getByLabel('Année').last().fill('2027');
  await Promise.all([
    phone.waitForURL(/fait=avis_demande/),
    phone.getByRole('button', { name: 'Demander l’avis' }).click(),
  ]);
  expect(squash(await phone.locator('main').textContent())).toContain('Avis demandé au service Urbanisme');
  await clean(phone, 'avis demandé', true);
  await phoneContext.close();

  const deskContext = await newContext(browser, 'bureau');
  const desk = await deskContext.newPage();
  await signInWithPassword(desk, { email: 'agent.urbanisme@villebelle.example', password: DEMO_PASSWORD });
  await desk.goto(url(`${BASE}/avis`), { waitUntil: 'load' });
  expect(squash(await desk.locator('main').textContent())).toContain('Haie mitoyenne trop haute (essai e2e)');
  await clean(desk, 'avis demandés');
  await screenshot(desk, 'courrier-avis-1280');
  await desk.goto(mailUrl, { waitUntil: 'load' });
  await desk.getByRole('radio', { name: 'Réservé' }).check();
  await desk.getByLabel('Explication').fill('Au-delà de deux mètres, la haie doit être à deux mètres de la limite.');
  await Promise.all([
    desk.waitForURL(/fait=avis_donne/),
    desk.getByRole('button', { name: 'Donner mon avis' }).click(),
  ]);
  expect(squash(await desk.locator('main').textContent())).toContain('Avis réservé du service Urbanisme');
  await clean(desk, 'avis donné');
  await screenshot(desk, 'courrier-avis-page-1280');
  await deskContext.close();

  adminContext = await newContext(browser, 'bureau');
  const admin = await adminContext.newPage();
  await signInWithPassword(admin, { email: 'admin@villebelle.example', password: DEMO_PASSWORD });
  await admin.goto(url('/c/villebelle/admin/courrier'), { waitUntil: 'load' });
  expect(squash(await admin.locator('main').textContent())).toContain('Aucune boîte aux lettres n’est relevée');
  await clean(admin, 'courriels reçus (administration)');
  await screenshot(admin, 'courrier-admin-1280');
  // Kept for the next test: the demo key gives an administrator a few sign-ins every 30 s, shared by all files.
}, 180_000);

test('an administrator adapts the acknowledgement template on a phone: an unknown merge field is refused with the typed text kept, then saved and reverted', async () => {
  // The administrator signed in by the previous test, on a phone-sized page.
  const phone = await adminContext.newPage();
  await phone.setViewportSize({ width: 390, height: 844 });
  await phone.goto(url('/c/villebelle/admin/courrier/modeles'), { waitUntil: 'load' });
  await clean(phone, 'modèles de réponse', true);
  await screenshot(phone, 'courrier-modeles-390');
  await Promise.all([
    phone.waitForEvent('load'),
    phone.locator('main a[href$="/modeles/accuse_reception"]').first().click(),
  ]);
  await clean(phone, 'modifier un modèle', true);
  const body = phone.getByLabel('Texte de la lettre');
  const original = await body.inputValue();
  const typed = `${original}\n\nVotre dossier : {{dossier.etat}}`;
  await body.fill(typed);
  await Promise.all([
    phone.waitForEvent('load'),
    phone.getByRole('button', { name: 'Enregistrer le modèle', exact: true }).click(),
  ]);
  expect(squash(await phone.locator('.govuk-error-summary').textContent())).toContain('{{dossier.etat}}');
  expect(await phone.getByLabel('Texte de la lettre').inputValue()).toBe(typed);
  await clean(phone, 'modèle refusé', true);
  await phone.getByLabel('Texte de la lettre').fill(`${original}\n\nLa mairie de {{commune.nom}}`);
  await Promise.all([
    phone.waitForEvent('load'),
    phone.getByRole('button', { name: 'Enregistrer le modèle', exact: true }).click(),
  ]);
  expect(await phone.locator('.govuk-error-summary').count()).toBe(0);
  await clean(phone, 'modèle enregistré', true);
  await phone.goto(url('/c/villebelle/admin/courrier/modeles/accuse_reception'), { waitUntil: 'load' });
  await Promise.all([
    phone.waitForEvent('load'),
    phone.getByRole('button', { name: 'Revenir au modèle d’origine', exact: true }).click(),
  ]);
  await phone.goto(url('/c/villebelle/admin/courrier/modeles/accuse_reception'), { waitUntil: 'load' });
  expect(await phone.getByLabel('Texte de la lettre').inputValue()).toBe(original);
  await adminContext.close();
}, 120_000);
