/**
 * "Dites-le-nous une fois" in a real browser with our scripts blocked (the forms work without
 * JavaScript): the administrator of Villebelle fills in her phone (wrong first: French error
 * summary, 422) and address, adds a child to her household, keeps her identity card in "Mes
 * justificatifs", and finds it offered on the supporting-documents page of the electoral-roll
 * démarche, where ticking it attaches it. axe finds nothing on each page on the way.
 *
 * Only the administrator's profile, vault and one draft change; no other e2e file reads them.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEMO_PASSWORD } from '../src/modules/demo/accounts.js';
import {
  axeViolations,
  blockScripts,
  launchBrowser,
  type Monitor,
  monitor,
  newContext,
  signInWithPassword,
  url,
} from './support.js';

const BASE = '/c/villebelle';
const ADMIN = 'admin@villebelle.example';
const PDF = '%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n';

let browser: Browser;
let context: BrowserContext;
let page: Page;
let watch: Monitor;
let fileDir: string;
let cniPath: string;

beforeAll(async () => {
  browser = await launchBrowser();
  context = await newContext(browser, 'téléphone');
  await blockScripts(context);
  page = await context.newPage();
  watch = await monitor(page, { scriptsBlocked: true });
  fileDir = await mkdtemp(path.join(tmpdir(), 'guichet-e2e-cni-'));
  cniPath = path.join(fileDir, 'carte-identite.pdf');
  await writeFile(cniPath, PDF);
  // Issue 19: staff land on their workspace (the inbox).
  expect(await signInWithPassword(page, { email: ADMIN, password: DEMO_PASSWORD })).toBe(`${BASE}/agent/demandes`);
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  if (fileDir) await rm(fileDir, { recursive: true, force: true });
});

/** Clicks a submit button and waits for the page shown next; returns the status of the POST. */
async function submit(name: string): Promise<number> {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().isNavigationRequest() && r.request().method() === 'POST'),
    page.waitForEvent('load'),
    page.getByRole('button', { name, exact: true }).click(),
  ]);
  await page.waitForLoadState('load');
  return response.status();
}

describe('profil et justificatifs, sans nos scripts', () => {
  test('les coordonnées : une erreur en français (422), puis enregistrées', async () => {
    await page.goto(url(`${BASE}/compte`), { waitUntil: 'load' });
    await page.getByRole('link', { name: 'Mon profil (téléphone, adresse, foyer)' }).click();
    await page.waitForLoadState('load');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Mon profil');
    await page.getByRole('link', { name: 'Modifier le téléphone' }).click();
    await page.waitForLoadState('load');

    await page.getByLabel('Numéro de téléphone (facultatif)').fill('06 12');
    watch.expectDocumentStatus(url(`${BASE}/compte/profil/coordonnees`), 422);
    expect(await submit('Enregistrer mes coordonnées')).toBe(422);
    expect(await page.title()).toBe('Erreur\u00a0: Mes coordonnées – Villebelle');
    const summary = page.locator('.govuk-error-summary');
    expect(await summary.getByRole('link').first().getAttribute('href')).toBe('#telephone');
    expect(await axeViolations(page), 'axe, formulaire en erreur').toEqual([]);

    await page.getByLabel('Numéro de téléphone (facultatif)').fill('06 12 34 56 78');
    await page.getByLabel('Numéro et voie').fill('1 place de la Mairie');
    await page.getByLabel('Code postal').fill('44100');
    await page.getByLabel('Commune', { exact: true }).fill('Villebelle');
    await submit('Enregistrer mes coordonnées');
    expect(new URL(page.url()).pathname).toBe(`${BASE}/compte/profil`);
    expect(await page.locator('.govuk-notification-banner').textContent()).toContain(
      'Vos coordonnées sont enregistrées.',
    );
    expect(await page.locator('main').textContent()).toContain('44100 Villebelle');
  });

  test('le foyer : une enfant ajoutée', async () => {
    await page.getByRole('button', { name: 'Ajouter une personne à mon foyer' }).click();
    await page.waitForLoadState('load');
    await page.getByLabel('Prénom').fill('Léa');
    await page.getByLabel('Nom', { exact: true }).fill('Garnier');
    await page.getByLabel('Jour').fill('3');
    await page.getByLabel('Mois').fill('3');
    await page.getByLabel('Année').fill('2015');
    await page.getByLabel('Enfant', { exact: true }).check();
    await submit('Ajouter cette personne');
    expect(await page.locator('main').textContent()).toContain('Léa Garnier');
    expect(await axeViolations(page), 'axe, profil rempli').toEqual([]);
  });

  test('mes justificatifs : une carte d’identité ajoutée, listée, proposée dans une démarche', async () => {
    await page.goto(url(`${BASE}/compte/justificatifs`), { waitUntil: 'load' });
    await page.getByRole('button', { name: 'Ajouter un document' }).click();
    await page.waitForLoadState('load');
    await page.getByLabel('Fichier').setInputFiles(cniPath);
    await page.getByLabel('Pièce d’identité', { exact: true }).check();
    const until = page.getByRole('group', { name: /Fin de validité/ });
    await until.getByLabel('Jour').fill('1');
    await until.getByLabel('Mois').fill('1');
    await until.getByLabel('Année').fill(String(new Date().getFullYear() + 5));
    await submit('Ajouter le document');
    expect(new URL(page.url()).pathname).toBe(`${BASE}/compte/justificatifs`);
    const card = page.locator('.govuk-summary-card', { hasText: 'carte-identite.pdf' });
    expect(await card.locator('.govuk-tag').textContent()).toBe('Valide');
    expect(await axeViolations(page), 'axe, liste des justificatifs').toEqual([]);

    await page.goto(url(`${BASE}/demarches/inscription-liste-electorale/justificatifs`), { waitUntil: 'load' });
    const offer = page.getByLabel(
      /^Utiliser «\s*carte-identite\.pdf\s*» de mes justificatifs \(valable jusqu’au 1er janvier/,
    );
    expect(await offer.count()).toBe(1);
    expect(await axeViolations(page), 'axe, pièce proposée dans la démarche').toEqual([]);
    await offer.check();
    await submit('Continuer');
    expect(new URL(page.url()).pathname).toBe(`${BASE}/demarches/inscription-liste-electorale/declaration`);
    await page.goto(url(`${BASE}/demarches/inscription-liste-electorale/justificatifs`), { waitUntil: 'load' });
    expect(await page.locator('main').textContent()).toContain('carte-identite.pdf');

    expect(watch.cspViolations, 'violations CSP').toEqual([]);
    expect(watch.problems, 'erreurs de console ou requêtes en échec').toEqual([]);
    expect(watch.foreignRequests(), 'requêtes vers un autre site').toEqual([]);
  });
});
