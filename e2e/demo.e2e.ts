/**
 * The demo: the mailbox is for signed-in staff (404 for anyone else); it shows the two welcome
 * mails written at the first start, a message page shows the body, and a commune's own host name
 * (villebelle.localhost) serves its pages.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import {
  launchBrowser,
  monitor,
  newContext,
  serverPort,
  signInAsDemoStaff,
  squash,
  url,
  WELCOME_SUBJECT_SAINT_AUBIN,
  WELCOME_SUBJECT_VILLEBELLE,
} from './support.js';

let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

beforeEach(async () => {
  context = await newContext(browser, 'bureau');
  page = await context.newPage();
});

afterEach(async () => {
  await context?.close();
});

describe('boîte aux lettres de démonstration', () => {
  test('sans connexion, les pages /_demo/* répondent « Page introuvable » (404)', async () => {
    for (const path of ['/_demo/courriels', '/_demo/sms', '/_demo/taches']) {
      const response = await page.goto(url(path));
      expect(response?.status(), path).toBe(404);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Page introuvable');
    }
  });
});

describe('boîte aux lettres de démonstration, connecté comme opérateur', () => {
  beforeEach(async () => {
    await signInAsDemoStaff(context);
  });

  test('la liste montre les deux courriels de bienvenue', async () => {
    await page.goto(url('/_demo/courriels'));
    const table = page.getByRole('table', { name: 'Courriels envoyés' });
    expect(await table.isVisible()).toBe(true);
    expect(await table.getByRole('columnheader').allTextContents()).toEqual(['Date', 'Destinataire', 'Objet']);

    const rows = await table
      .getByRole('row')
      .evaluateAll((trs) =>
        trs.slice(1).map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => (td.textContent ?? '').trim())),
      );
    const welcome = rows.filter((cells) => cells[2]?.startsWith('Bienvenue sur le guichet numérique de'));
    expect(welcome.map((cells) => [cells[1], cells[2]]).sort()).toEqual([
      ['accueil@villebelle.example', WELCOME_SUBJECT_VILLEBELLE],
      ['mairie@saint-aubin-les-pres.example', WELCOME_SUBJECT_SAINT_AUBIN],
    ]);
    // French date, e.g. "28 novembre 2026 à 17 h 42" (the first of the month is "1er").
    for (const cells of welcome) {
      expect(cells[0]).toMatch(/^(1er|\d{1,2})\s[a-zéû]+\s\d{4}\sà\s\d{1,2}\sh\s\d{2}$/);
    }
  });

  test('un courriel s’ouvre depuis la liste et montre son contenu', async () => {
    await page.goto(url('/_demo/courriels'));
    await page.getByRole('link', { name: WELCOME_SUBJECT_VILLEBELLE, exact: true }).click();
    await page.waitForURL(/\/_demo\/courriels\/[A-Za-z0-9-]+\.eml$/);

    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(WELCOME_SUBJECT_VILLEBELLE);
    const summary = await page
      .locator('dl.govuk-summary-list')
      .evaluate((dl) =>
        Object.fromEntries(
          Array.from(dl.querySelectorAll('.govuk-summary-list__row')).map((row) => [
            row.querySelector('dt')?.textContent?.trim(),
            row.querySelector('dd')?.textContent?.trim(),
          ]),
        ),
      );
    expect(summary.À).toBe('accueil@villebelle.example');
    expect(summary.De).toContain('ne-pas-repondre@guichet.localhost');

    const body = page.locator('.guichet-mail-body');
    const text = squash(await body.textContent());
    expect(text).toContain('Bonjour,');
    expect(text).toContain('Le guichet numérique de Villebelle est prêt.');
    expect(text).toContain(`Ouvrir le guichet de la commune : ${url('/c/villebelle/')}`);
    expect(text).toContain('merci de ne pas y répondre directement');
    expect(await body.getByRole('paragraph').count()).toBeGreaterThanOrEqual(4);

    await page.getByRole('link', { name: 'Retour à la boîte aux lettres' }).click();
    await page.waitForURL(url('/_demo/courriels'));
  });

  test('un fichier inconnu donne une page 404 en français', async () => {
    const response = await page.goto(url('/_demo/courriels/inexistant.eml'));
    expect(response?.status()).toBe(404);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Page introuvable');
  });
});

describe('nom d’hôte de la commune', () => {
  test('http://villebelle.localhost:PORT/ affiche l’accueil de Villebelle', async () => {
    const home = `http://villebelle.localhost:${serverPort()}/`;
    const watch = await monitor(page);
    const response = await page.goto(home, { waitUntil: 'load' });
    expect(response?.status()).toBe(200);
    expect(await page.title()).toBe('Accueil – Villebelle');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
      'Bienvenue sur le guichet numérique de Villebelle',
    );
    expect(await page.getByRole('banner').getByRole('link', { name: 'Villebelle', exact: true }).isVisible()).toBe(
      true,
    );
    // Themed: the commune's stylesheet is loaded from the same host.
    expect(await page.locator('link[rel="stylesheet"][href^="/theme/villebelle.css"]').count()).toBe(1);

    // Navigation stays on the commune's host.
    await page
      .getByRole('navigation', { name: 'Menu principal' })
      .getByRole('link', { name: 'Services municipaux' })
      .click();
    await page.waitForLoadState('load');
    expect(new URL(page.url()).host).toBe(`villebelle.localhost:${serverPort()}`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Services municipaux');

    const short = await page.goto(`http://villebelle.localhost:${serverPort()}/contact`);
    expect(short?.status()).toBe(200);
    expect(await page.title()).toBe('Nous contacter – Villebelle');

    expect(watch.problems).toEqual([]);
    expect(watch.requests.every((r) => new URL(r).host === `villebelle.localhost:${serverPort()}`)).toBe(true);
  });

  test('localhost:PORT/ reste l’accueil de l’instance', async () => {
    await page.goto(url('/'));
    expect(await page.title()).toBe('Communes – Guichet');
  });
});
