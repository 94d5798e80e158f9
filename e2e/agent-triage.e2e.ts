/**
 * Issue 19, items 5, 6 and 9 in a real browser. Camille (citizen) files two street reports (one
 * with a photo); then on a 1280 px desktop the agent of the Services techniques lands on the
 * inbox after signing in, in the back-office chrome, filters it with a GET form, opens the
 * report, sees the photo (a thumbnail served by an authorized route), « prend en charge » the
 * request and answers Camille, then changes its status — axe finds nothing on any page. On a
 * 390 px phone Camille lands on « Mon espace », opens her request and reaches the reply form
 * from a link at the top; the status of « Mes demandes » is not cut off.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEMO_PASSWORD } from '../src/modules/demo/accounts.js';
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
} from './support.js';

const BASE = '/c/villebelle';
const CITIZEN = 'camille.martin@courriel.example';
const AGENT = 'agent.technique@villebelle.example';
const FLOW = `${BASE}/demarches/signalement-voirie`;
const INBOX = `${BASE}/agent/demandes`;
const REPORTS = [
  {
    problem: 'Éclairage public en panne',
    line1: '3 allée des Peupliers',
    description: 'Le lampadaire devant l’école maternelle reste éteint depuis lundi soir.',
    photo: true,
  },
  {
    problem: 'Dépôt sauvage ou déchets',
    line1: '18 chemin du Moulin',
    description: 'Des sacs de gravats ont été déposés au bord du fossé.',
    photo: false,
  },
];
const ANSWER = 'Bonjour, l’ampoule sera changée jeudi par nos équipes.';

let browser: Browser;
let photoDir: string;
let photoPath: string;
/** Number of the first report (with the photo, which the agent closes). */
let reportNumber = '';
/** Number of the second report (left open: Camille answers it). */
let openNumber = '';

async function clickAndWait(page: Page, role: 'button' | 'link', name: string, target: (u: URL) => boolean) {
  await Promise.all([page.waitForURL(target), page.getByRole(role, { name, exact: true }).click()]);
  await page.waitForLoadState('load');
}

async function expectClean(page: Page, watch: Monitor, what: string, phone = false) {
  expect(await axeViolations(page), `axe : ${what}`).toEqual([]);
  if (phone) expect(await horizontalOverflow(page), `défilement horizontal : ${what}`).toEqual([]);
  expect(watch.cspViolations, `violations CSP : ${what}`).toEqual([]);
  expect(watch.problems, `erreurs de console ou requêtes en échec : ${what}`).toEqual([]);
  expect(watch.foreignRequests(), `requêtes vers un autre site : ${what}`).toEqual([]);
  watch.reset();
}

/** Files one street report through the démarche's pages; returns its number. */
async function fileReport(page: Page, report: (typeof REPORTS)[number]): Promise<string> {
  await page.goto(url(FLOW), { waitUntil: 'load' });
  const next = (id: string) => clickAndWait(page, 'button', 'Continuer', (u) => u.pathname === `${FLOW}/${id}`);
  await clickAndWait(page, 'button', 'Commencer', (u) => u.pathname === `${FLOW}/probleme`);
  await page.getByRole('radio', { name: report.problem, exact: true }).check();
  await next('danger');
  await page.getByRole('radio', { name: 'Non', exact: true }).check();
  await next('lieu');
  // The street field is the address combobox with our scripts, a plain field without.
  await page
    .getByRole('combobox', { name: 'Numéro et voie' })
    .or(page.getByRole('textbox', { name: 'Numéro et voie' }))
    .fill(report.line1);
  await page.getByRole('textbox', { name: 'Code postal' }).fill('01100');
  await page.getByRole('textbox', { name: 'Commune', exact: true }).fill('Villebelle');
  await next('description');
  await page.getByRole('textbox', { name: 'Décrivez le problème' }).fill(report.description);
  if (report.photo) await page.getByLabel('Une photo du problème (facultatif)').setInputFiles(photoPath);
  await next('suivi');
  await page.getByRole('radio', { name: 'Oui', exact: true }).check();
  await next('coordonnees');
  await next('verifier');
  await clickAndWait(page, 'button', 'Envoyer ma demande', (u) => u.pathname === `${BASE}/demande-envoyee`);
  return squash(await page.locator('.govuk-panel--confirmation strong').textContent());
}

beforeAll(async () => {
  browser = await launchBrowser();
  const scratch = await browser.newPage();
  const dataUrl = await scratch.evaluate(() => {
    const canvas = document.createElement('canvas');
    canvas.width = 64;
    canvas.height = 48;
    const g = canvas.getContext('2d')!;
    g.fillStyle = '#4a5a6a';
    g.fillRect(0, 0, 64, 48);
    g.fillStyle = '#f0d000';
    g.fillRect(28, 6, 8, 10);
    return canvas.toDataURL('image/jpeg', 0.8);
  });
  await scratch.close();
  photoDir = await mkdtemp(path.join(tmpdir(), 'guichet-e2e-triage-'));
  photoPath = path.join(photoDir, 'lampadaire.jpg');
  await writeFile(photoPath, Buffer.from(dataUrl.replace(/^data:image\/jpeg;base64,/, ''), 'base64'));

  const context = await newContext(browser, 'bureau');
  const page = await context.newPage();
  await signInWithPassword(page, { email: CITIZEN, password: DEMO_PASSWORD });
  for (const report of REPORTS) {
    const number = await fileReport(page, report);
    if (!reportNumber) reportNumber = number;
    else openNumber = number;
  }
  await context.close();
});

afterAll(async () => {
  await browser?.close();
  if (photoDir) await rm(photoDir, { recursive: true, force: true });
});

describe('issue 19 : le poste de travail de l’agent (bureau, 1280 px)', () => {
  test('l’agent arrive sur ses demandes, filtre, ouvre le signalement, voit la photo, le prend en charge et répond', async () => {
    expect(reportNumber).toMatch(/^\d{4}-\d{6}$/);
    const context = await newContext(browser, 'bureau');
    const page = await context.newPage();
    const watch = await monitor(page);
    // Staff land on their workspace, the inbox, not on « Mon compte ».
    expect(await signInWithPassword(page, { email: AGENT, password: DEMO_PASSWORD })).toBe(INBOX);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Demandes des usagers');
    // The back-office chrome: « Espace agent », the agent's navigation, the full width.
    const nav = page.getByRole('navigation', { name: 'Navigation de l’espace agent' });
    // Home and the inbox first, then the tiles the modules contribute (appointments, parapheur, council…).
    const navLinks = await nav.getByRole('link').allTextContents();
    expect(navLinks.slice(0, 2)).toEqual(['Accueil', 'Demandes des usagers']);
    expect(navLinks).toEqual(expect.arrayContaining(['Rendez-vous', 'Parapheur']));
    expect(await page.getByRole('navigation', { name: 'Menu principal' }).count()).toBe(0);
    const table = await page.locator('table.guichet-triage').boundingBox();
    expect(table!.width, 'le tableau occupe la largeur du bureau').toBeGreaterThan(1100);
    // Keyboard: the first Tab reaches the skip link, which leads to the main content.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Aller au contenu principal');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => location.hash === '#contenu');
    await expectClean(page, watch, 'boîte des demandes');
    await screenshot(page, 'bureau-agent-demandes');

    // The row says what and where, not only the démarche's title.
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: reportNumber, exact: true }) });
    const cells = (await row.getByRole('cell').allTextContents()).map(squash);
    expect(cells).toEqual(expect.arrayContaining(['3 allée des Peupliers, 01100 Villebelle', 'Nouvelle', 'Personne']));
    expect(cells.some((c) => c.startsWith('aujourd’hui'))).toBe(true);
    expect(cells.join(' ')).toContain(`Éclairage public en panne — ${REPORTS[0]!.description}`);
    expect(cells.join(' ')).toContain('Camille Martin · 1 photo');

    // Filter with the GET form (no JavaScript needed): new requests, oldest first.
    await page.getByRole('combobox', { name: 'Statut' }).selectOption('nouvelle');
    await page.getByRole('combobox', { name: 'Trier par' }).selectOption('ancien');
    await clickAndWait(page, 'button', 'Filtrer', (u) => u.searchParams.get('statut') === 'nouvelle');
    expect(new URL(page.url()).searchParams.get('tri')).toBe('ancien');
    expect(await page.getByRole('link', { name: reportNumber, exact: true }).count()).toBe(1);
    await expectClean(page, watch, 'boîte filtrée');
    // A quick view: the requests nobody took yet.
    await clickAndWait(
      page,
      'link',
      'À traiter, non attribuées',
      (u) => u.searchParams.get('attribution') === 'aucune',
    );
    expect(await page.getByRole('link', { name: reportNumber, exact: true }).count()).toBe(1);

    // The request: the photo as a thumbnail, the actions in one panel.
    const detail = `${INBOX}/${reportNumber}`;
    await clickAndWait(page, 'link', reportNumber, (u) => u.pathname === detail);
    const photo = page.locator('#photos + ul img');
    await photo.waitFor({ state: 'visible' });
    expect(await photo.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(64);
    expect(await photo.getAttribute('alt')).toBe('Envoyée par l’usager : lampadaire.jpg');
    const panel = page.locator('.guichet-actions-panel');
    expect(await panel.locator('details[open]').count(), 'les actions sont repliées').toBe(0);
    await expectClean(page, watch, 'demande, côté agent');
    await screenshot(page, 'bureau-agent-demande');

    // « Prendre en charge »: assigned to the agent, and « En cours ».
    await clickAndWait(page, 'button', 'Prendre en charge', (u) => u.search === '?fait=prise');
    expect(squash(await page.locator('.govuk-notification-banner').textContent())).toContain(
      'Vous avez pris en charge la demande : elle vous est attribuée.',
    );
    expect(squash(await page.locator('main p > .govuk-tag').first().textContent())).toBe('En cours');
    expect(squash(await page.locator('main').textContent())).toContain('Attribuée à Karim Haddad');
    await expectClean(page, watch, 'demande prise en charge');

    // Answer Camille, from the folded form.
    await page.locator('#action-message > summary').click();
    await page.getByRole('textbox', { name: 'Message', exact: true }).fill(ANSWER);
    await clickAndWait(page, 'button', 'Envoyer le message', (u) => u.search === '?fait=message');
    expect(squash(await page.locator('.govuk-notification-banner').textContent())).toContain(
      'Votre message a été envoyé à l’usager.',
    );
    // Then change its status.
    await page.locator('#action-statut > summary').click();
    await page.getByRole('radio', { name: 'Intervention réalisée', exact: true }).check();
    await page.locator('#action-statut').getByRole('button', { name: 'Changer le statut' }).click();
    await page.waitForURL((u) => u.search === '?fait=statut');
    expect(squash(await page.locator('main p > .govuk-tag').first().textContent())).toBe('Intervention réalisée');
    await expectClean(page, watch, 'demande traitée');
    await context.close();
  });
});

describe('issue 19 : l’espace de l’usager (téléphone, 390 px)', () => {
  test('Camille arrive sur « Mon espace », ouvre sa demande et atteint le formulaire de réponse', async () => {
    const context = await newContext(browser, 'téléphone');
    const page = await context.newPage();
    const watch = await monitor(page);
    expect(await signInWithPassword(page, { email: CITIZEN, password: DEMO_PASSWORD })).toBe(`${BASE}/mon-espace`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Mon espace');
    const blocks = await page.locator('.govuk-summary-card__title').allTextContents();
    expect(blocks.map(squash)[0]).toBe('Mes demandes');
    expect(blocks.map(squash)).toEqual(
      expect.arrayContaining([
        'Mes rendez-vous',
        'Mes brouillons',
        'Mes inscriptions',
        'Mes factures',
        'Mes justificatifs et mon profil',
      ]),
    );
    await expectClean(page, watch, 'mon espace', true);
    await screenshot(page, 'telephone-mon-espace');

    // « Mes demandes »: the status of each request is on the screen, not cut off.
    await page.goto(url(`${BASE}/demandes`), { waitUntil: 'load' });
    const tags = page.locator('table.guichet-stacked-table .govuk-tag');
    expect(await tags.count()).toBeGreaterThanOrEqual(2);
    for (const box of await tags.evaluateAll((els) => els.map((e) => e.getBoundingClientRect().right))) {
      expect(box).toBeLessThanOrEqual(390);
    }
    await expectClean(page, watch, 'mes demandes', true);
    await screenshot(page, 'telephone-mes-demandes');

    await page.goto(url(`${BASE}/mon-espace`), { waitUntil: 'load' });
    await Promise.all([
      page.waitForURL((u) => u.pathname === `${BASE}/demandes/${openNumber}`),
      page.locator(`main a[href="${BASE}/demandes/${openNumber}"]`).click(),
    ]);
    await page.waitForLoadState('load');
    const reply = page.getByRole('link', { name: 'Répondre à la mairie' });
    const top = await reply.boundingBox();
    expect(top!.y, 'le lien « Répondre » est dans le premier écran').toBeLessThan(844);
    await reply.click();
    await page.waitForFunction(() => location.hash === '#repondre');
    const textarea = page.getByRole('textbox', { name: 'Votre message' });
    expect(await textarea.isVisible()).toBe(true);
    const scrolled = await page.evaluate(() => window.scrollY);
    expect(scrolled, 'le formulaire est à moins de 3 000 px du haut').toBeLessThan(3000);
    await expectClean(page, watch, 'ma demande', true);
    await screenshot(page, 'telephone-ma-demande');
    await context.close();
  });
});
