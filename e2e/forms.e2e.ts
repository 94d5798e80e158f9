/**
 * Without JavaScript: the navigation stays usable on a phone, and the test-mail form of the demo
 * mailbox works (invalid → 422 with an error summary, valid → 303 then a success banner). The
 * same round trip with JavaScript on.
 *
 * Then an administrator builds a question of a new démarche in the form editor with our scripts
 * blocked: a single choice added, its options set, previewed, saved as a new version; axe finds
 * nothing on the editor's pages. (The démarche is new and stays unpublished: the other e2e files
 * do not see it.)
 */
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { DEMO_PASSWORD } from '../src/modules/demo/accounts.js';
import {
  axeViolations,
  blockScripts,
  launchBrowser,
  type Monitor,
  monitor,
  newContext,
  screenshot,
  signInAsDemoStaff,
  signInWithPassword,
  url,
  type ViewportName,
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

afterEach(async () => {
  await context?.close();
});

async function open(viewport: ViewportName, javaScriptEnabled: boolean, path: string): Promise<Monitor> {
  context = await newContext(browser, viewport, { javaScriptEnabled });
  if (path.startsWith('/_demo/')) await signInAsDemoStaff(context);
  page = await context.newPage();
  const watch = await monitor(page, { javaScriptEnabled });
  const response = await page.goto(url(path), { waitUntil: 'load' });
  expect(response?.status()).toBe(200);
  return watch;
}

const COMMUNE_ERROR = 'Choisissez une commune.';
const EMAIL_ERROR = 'Saisissez une adresse électronique valide, par exemple nom@exemple.fr.';
const SENT = 'Le courriel de test a été mis en file d’envoi.';

/** Clicks the submit button and returns the response to the POST (before any redirect). */
async function submit(): Promise<Response> {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/_demo/courriels'),
    page.getByRole('button', { name: 'Envoyer le courriel de test' }).click(),
  ]);
  await page.waitForLoadState('load');
  return response;
}

describe('sans JavaScript', () => {
  test.each([
    { path: '/c/villebelle/', links: ['Accueil', 'Services municipaux', 'Nous contacter'] },
    { path: '/c/saint-aubin-les-pres/contact', links: ['Accueil', 'Services municipaux', 'Nous contacter'] },
  ])('téléphone, $path : les liens de navigation sont visibles, pas de bouton « Menu »', async ({ path, links }) => {
    await open('téléphone', false, path);
    const nav = page.getByRole('navigation', { name: 'Menu principal' });
    for (const name of links) {
      const link = nav.getByRole('link', { name, exact: true });
      expect(await link.isVisible(), `lien « ${name} » visible`).toBe(true);
      const box = await link.boundingBox();
      expect(box && box.x >= 0 && box.x + box.width <= 390, `lien « ${name} » dans l’écran`).toBe(true);
    }
    expect(await page.getByRole('button', { name: 'Menu' }).count(), 'bouton Menu absent (hidden)').toBe(0);
  });
});

function formRoundTrip(viewport: ViewportName, javaScriptEnabled: boolean) {
  const mode = javaScriptEnabled ? 'avec JavaScript' : 'sans JavaScript';

  test(`${mode}, ${viewport} : envoi vide → 422 et récapitulatif des deux erreurs, puis envoi valide → bannière de succès`, async () => {
    const watch = await open(viewport, javaScriptEnabled, '/_demo/courriels');
    watch.expectDocumentStatus(url('/_demo/courriels'), 422);

    const invalid = await submit();
    expect(invalid.status()).toBe(422);
    expect(await page.title()).toBe('Erreur\u00a0: Boîte aux lettres de démonstration – Guichet');

    const summary = page.locator('.govuk-error-summary');
    const alert = summary.getByRole('alert');
    expect(await alert.getByRole('heading', { name: 'Il y a un problème' }).isVisible()).toBe(true);
    const items = alert.getByRole('listitem');
    expect(await items.allTextContents()).toEqual([COMMUNE_ERROR, EMAIL_ERROR]);
    expect(await alert.getByRole('link', { name: COMMUNE_ERROR }).getAttribute('href')).toBe('#commune');
    expect(await alert.getByRole('link', { name: EMAIL_ERROR }).getAttribute('href')).toBe('#to');

    // Each field shows its own message and is described by it.
    const commune = page.getByRole('combobox', { name: 'Commune expéditrice' });
    const to = page.getByRole('textbox', { name: 'Adresse du destinataire' });
    expect(await commune.getAttribute('aria-describedby')).toBe('commune-error');
    expect(await to.getAttribute('aria-describedby')).toBe('to-error');
    expect((await page.locator('#commune-error').textContent())?.replace(/\s+/g, ' ').trim()).toBe(
      `Erreur : ${COMMUNE_ERROR}`,
    );
    expect((await page.locator('#to-error').textContent())?.replace(/\s+/g, ' ').trim()).toBe(
      `Erreur : ${EMAIL_ERROR}`,
    );

    if (javaScriptEnabled) {
      // The ErrorSummary script focuses the summary; its link moves focus to the field.
      expect(await summary.evaluate((el) => el === document.activeElement), 'le récapitulatif a le focus').toBe(true);
      await alert.getByRole('link', { name: EMAIL_ERROR }).click();
      expect(await to.evaluate((el) => el === document.activeElement), 'le lien mène au champ').toBe(true);
    }

    // axe needs JavaScript: the page without JS is checked with our scripts blocked, below.
    if (javaScriptEnabled) expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, `${viewport}-formulaire-erreurs-${javaScriptEnabled ? 'js' : 'sans-js'}`);

    // Only the e-mail is wrong: one error, the chosen commune is kept.
    await commune.selectOption({ label: 'Villebelle' });
    await to.fill('pas-une-adresse');
    expect((await submit()).status()).toBe(422);
    expect(await page.locator('.govuk-error-summary').getByRole('listitem').allTextContents()).toEqual([EMAIL_ERROR]);
    expect(await page.getByRole('combobox', { name: 'Commune expéditrice' }).inputValue()).toBe('villebelle');
    expect(await page.getByRole('textbox', { name: 'Adresse du destinataire' }).inputValue()).toBe('pas-une-adresse');

    // Valid: 303 to ?envoye=1, success banner.
    await page.getByRole('combobox', { name: 'Commune expéditrice' }).selectOption({ label: 'Saint-Aubin-les-Prés' });
    await page
      .getByRole('textbox', { name: 'Adresse du destinataire' })
      .fill(`essai-${viewport === 'bureau' ? 'b' : 't'}@exemple.fr`);
    const valid = await submit();
    expect(valid.status()).toBe(303);
    expect(valid.headers().location).toBe('/_demo/courriels?envoye=1');
    expect(new URL(page.url()).search).toBe('?envoye=1');
    expect(await page.title()).toBe('Boîte aux lettres de démonstration – Guichet');
    const banner = page.getByRole('alert');
    expect(await banner.count()).toBe(1);
    expect(await banner.getByRole('heading', { name: 'Succès' }).isVisible()).toBe(true);
    expect(await banner.textContent()).toContain(SENT);
    expect(await page.locator('.govuk-error-summary').count()).toBe(0);
    if (javaScriptEnabled) expect(await axeViolations(page)).toEqual([]);

    expect(watch.problems).toEqual([]);
    expect(watch.cspViolations).toEqual([]);
    expect(watch.foreignRequests()).toEqual([]);
  });
}

describe('formulaire « Envoyer un courriel de test »', () => {
  test.each(['téléphone', 'bureau'] as const)('%s, scripts bloqués : la page d’erreurs passe axe', async (viewport) => {
    context = await newContext(browser, viewport);
    await blockScripts(context);
    await signInAsDemoStaff(context);
    page = await context.newPage();
    await page.goto(url('/_demo/courriels'), { waitUntil: 'load' });
    expect((await submit()).status()).toBe(422);
    expect(await page.locator('.govuk-error-summary').getByRole('listitem').count()).toBe(2);
    expect(await axeViolations(page)).toEqual([]);
  });

  formRoundTrip('téléphone', false);
  formRoundTrip('bureau', false);
  formRoundTrip('bureau', true);
  formRoundTrip('téléphone', true);
});

describe('éditeur de formulaire, scripts bloqués', () => {
  const ADMIN = 'admin@villebelle.example';
  const LIST = '/c/villebelle/admin/demarches';
  const EDITOR = `${LIST}/chien-categorise/formulaire`;

  /** Clicks and waits for the page the form or link leads to. */
  async function go(action: Promise<void>, path: (url: URL) => boolean) {
    await Promise.all([page.waitForURL(path), action]);
    await page.waitForLoadState('load');
  }

  test('bureau : une question à choix ajoutée, réglée, prévisualisée puis enregistrée en version 2', async () => {
    context = await newContext(browser, 'bureau');
    await blockScripts(context);
    page = await context.newPage();
    const watch = await monitor(page, { scriptsBlocked: true });
    await signInWithPassword(page, { email: ADMIN, password: DEMO_PASSWORD });

    // A blank démarche.
    await page.goto(url(`${LIST}/nouvelle`), { waitUntil: 'load' });
    await page.getByRole('radio', { name: 'Démarche vierge' }).check();
    await page.getByLabel('Titre de la démarche').fill('Déclarer un chien catégorisé');
    await page.getByLabel('Adresse de la démarche').fill('chien-categorise');
    await page.getByLabel('Catégorie').fill('Sécurité');
    await page.getByLabel('Service qui reçoit les demandes').selectOption({ label: 'Accueil' });
    await go(page.getByRole('button', { name: 'Créer la démarche' }).click(), (u) => u.search === '?cree=1');
    await go(page.getByRole('button', { name: 'Modifier le formulaire' }).click(), (u) => u.pathname === EDITOR);
    expect(await axeViolations(page), 'axe, éditeur').toEqual([]);

    // A single choice, added then set.
    await go(page.getByRole('link', { name: /^Ajouter une question à la page/ }).click(), (u) =>
      u.pathname.endsWith('/nouvelle-question'),
    );
    expect(await axeViolations(page), 'axe, ajout d’une question').toEqual([]);
    await page.getByRole('radio', { name: 'Choix unique' }).check();
    await page.getByLabel('Libellé', { exact: true }).fill('Catégorie du chien');
    await go(page.getByRole('button', { name: 'Ajouter la question' }).click(), (u) =>
      u.pathname.endsWith('/questions/categorieChien'),
    );
    expect(await page.getByText('La question a été ajoutée : complétez ses réglages.').isVisible()).toBe(true);
    expect(await axeViolations(page), 'axe, réglages de la question').toEqual([]);
    await page
      .getByLabel('Choix proposés')
      .fill('Première catégorie (chien d’attaque)\nDeuxième catégorie (chien de garde)');
    await go(page.getByRole('button', { name: 'Enregistrer la question' }).click(), (u) => u.pathname === EDITOR);
    expect(await page.getByText('La question a été modifiée.').isVisible()).toBe(true);
    expect(await page.getByText(/Modifications non enregistrées/).isVisible()).toBe(true);
    expect(await axeViolations(page), 'axe, éditeur avec modifications').toEqual([]);

    // The preview shows the working copy.
    await go(
      page.getByRole('link', { name: 'Aperçu du formulaire' }).click(),
      (u) => u.pathname === `${EDITOR}/apercu`,
    );
    expect(await page.getByRole('radio', { name: 'Deuxième catégorie (chien de garde)' }).isVisible()).toBe(true);
    await go(page.getByRole('link', { name: 'Retour au formulaire' }).click(), (u) => u.pathname === EDITOR);

    // Saved as version 2.
    await go(page.getByRole('button', { name: 'Enregistrer une nouvelle version' }).click(), (u) =>
      u.search.includes('fait=version'),
    );
    expect(await page.getByText(/le formulaire est maintenant en version 2/).isVisible()).toBe(true);
    expect(await axeViolations(page), 'axe, après l’enregistrement').toEqual([]);
    expect(watch.problems).toEqual([]);
    expect(watch.foreignRequests()).toEqual([]);
  });
});
