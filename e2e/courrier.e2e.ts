/**
 * The courrier (issue 14) in a real browser on the demo: the état-civil agent at the accueil
 * registers a scanned French letter on a 390 px phone (file upload, no script needed); the
 * worker reads it with tesseract and the mail's page shows the text and proposes the urbanisme
 * service, which the agent accepts; the urbanisme agent, on a desktop, finds it in the register
 * by a word of the scan and drafts a reply from a template. axe finds nothing on each page; no
 * sideways scrolling on the phone; screenshots of each page at both sizes in test-results/.
 *
 * Not shown here: the parapheur and the electronic registered letter
 * (src/modules/courrier/replies.test.ts runs them through the pages and the LRE simulator).
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { DEMO_PASSWORD } from '../src/modules/demo/accounts.js';
import { TextDocument } from '../src/platform/pdf/index.js';
import {
  axeViolations,
  horizontalOverflow,
  launchBrowser,
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
  await phone.getByLabel('Adresse postale').fill('12 rue des Lilas\n44000 Nantes');
  await phone.getByLabel('Objet', { exact: true }).fill(SUBJECT);
  await phone.getByLabel('Type de courrier').selectOption('demande');
  await phone.getByLabel('Service en charge').selectOption({ label: 'Accueil' });
  await phone.getByLabel('Scans du courrier (facultatif)').setInputFiles(scan);
  await Promise.all([
    phone.waitForURL(/fait=enregistre/),
    phone.getByRole('button', { name: 'Enregistrer le courrier' }).click(),
  ]);
  const mailUrl = phone.url().replace(/\?.*$/, '');
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
  expect(squash(await desk.locator('main').textContent())).toMatch(/Réponse \d{4}-D\d{6} — Brouillon/);
  await clean(desk, 'page du courrier avec sa réponse');
  await deskContext.close();
}, 180_000);

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

  const adminContext = await newContext(browser, 'bureau');
  const admin = await adminContext.newPage();
  await signInWithPassword(admin, { email: 'admin@villebelle.example', password: DEMO_PASSWORD });
  await admin.goto(url('/c/villebelle/admin/courrier'), { waitUntil: 'load' });
  expect(squash(await admin.locator('main').textContent())).toContain('Aucune boîte aux lettres n’est relevée');
  await clean(admin, 'courriels reçus (administration)');
  await screenshot(admin, 'courrier-admin-1280');
  await adminContext.close();
}, 180_000);
