/**
 * Passkeys in a real browser: Chromium's virtual authenticator (CDP WebAuthn domain: CTAP2,
 * internal, resident keys, user verification) stands in for a phone's fingerprint reader.
 * Camille signs in with her password, adds a passkey, signs out, signs in with the passkey only
 * and lands on her account page; then removes the passkey (the demo account stays as it was for
 * the other test files). axe finds nothing on the passkey pages; no CSP violation, no console
 * error, no request to another origin. Without JavaScript, the sign-in page explains why and
 * links to the password form.
 */
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { DEMO_PASSWORD } from '../src/modules/demo/accounts.js';
import { axeViolations, blockScripts, launchBrowser, monitor, newContext, url } from './support.js';

const EMAIL = 'camille.martin@courriel.example';
const BASE = '/c/villebelle';
const KEYS_PAGE = `${BASE}/compte/cles-d-acces`;
const SIGN_IN_PAGE = `${BASE}/connexion/cle-d-acces`;
const KEY_NAME = 'Ordinateur de la médiathèque';

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

async function addVirtualAuthenticator(cdp: CDPSession): Promise<string> {
  await cdp.send('WebAuthn.enable', { enableUI: false });
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return authenticatorId;
}

function pathOf(page: Page): string {
  const current = new URL(page.url());
  return `${current.pathname}${current.search}`;
}

describe('clés d’accès avec l’authentificateur virtuel de Chromium', () => {
  test('mot de passe, ajout d’une clé, déconnexion, connexion avec la clé seule, suppression', async () => {
    context = await newContext(browser, 'bureau');
    page = await context.newPage();
    const watch = await monitor(page);
    const cdp = await context.newCDPSession(page);
    const authenticatorId = await addVirtualAuthenticator(cdp);

    // 1. Password sign-in.
    await page.goto(url(`${BASE}/connexion`));
    await page.getByLabel('Adresse électronique').fill(EMAIL);
    await page.getByLabel('Mot de passe', { exact: true }).fill(DEMO_PASSWORD);
    await Promise.all([
      // A citizen signing in lands on their own space (issue 19).
      page.waitForURL((u) => u.pathname === `${BASE}/mon-espace`),
      page.getByRole('button', { name: 'Se connecter', exact: true }).click(),
    ]);

    // 2. Add a passkey.
    await page.goto(url(KEYS_PAGE), { waitUntil: 'load' });
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Mes clés d’accès');
    const add = page.getByRole('button', { name: 'Ajouter une clé d’accès' });
    await add.waitFor({ state: 'visible' }); // shown by passkey.mjs
    expect(await page.getByText('votre navigateur doit exécuter JavaScript').isVisible()).toBe(false);
    expect(await axeViolations(page), 'axe, liste vide').toEqual([]);
    await page.getByLabel('Nom de la clé (facultatif)').fill(KEY_NAME);
    await Promise.all([page.waitForURL((u) => u.search === '?ajoutee=1'), add.click()]);
    await page.waitForLoadState('load');
    expect(await page.getByText('Votre clé d’accès a été ajoutée.').isVisible()).toBe(true);
    const table = page.getByRole('table', { name: 'Clés d’accès de votre compte' });
    expect(await table.getByRole('cell', { name: KEY_NAME, exact: true }).isVisible()).toBe(true);
    expect(await axeViolations(page), 'axe, liste avec une clé').toEqual([]);

    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(credentials).toHaveLength(1);
    expect(credentials[0]!.isResidentCredential).toBe(true);
    expect(credentials[0]!.rpId).toBe('localhost');

    // 3. Sign out.
    await page.goto(url(`${BASE}/compte`));
    await Promise.all([
      page.waitForURL((u) => u.pathname === `${BASE}/connexion`),
      page.getByRole('button', { name: 'Se déconnecter' }).click(),
    ]);
    const signedOut = await page.goto(url(`${BASE}/compte`));
    expect(new URL(signedOut!.url()).pathname).toBe(`${BASE}/connexion`);

    // 4. Sign in with the passkey only.
    await page.goto(url(SIGN_IN_PAGE), { waitUntil: 'load' });
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Se connecter avec une clé d’accès');
    const signIn = page.getByRole('button', { name: 'Se connecter avec une clé d’accès' });
    await signIn.waitFor({ state: 'visible' });
    expect(await axeViolations(page), 'axe, connexion par clé').toEqual([]);
    // Issue 19: a citizen lands on their own space after signing in.
    await Promise.all([page.waitForURL((u) => u.pathname === `${BASE}/mon-espace`), signIn.click()]);
    await page.waitForLoadState('load');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Mon espace');
    expect(await page.getByText('Camille Martin').first().isVisible()).toBe(true);

    // 5. The key shows its last use; remove it (the session is fresh: no step-up needed).
    await page.goto(url(KEYS_PAGE), { waitUntil: 'load' });
    const row = table.getByRole('row').filter({ hasText: KEY_NAME });
    expect(await row.getByRole('cell').nth(2).textContent()).not.toBe('jamais');
    await Promise.all([
      page.waitForURL((u) => u.search === '?supprimee=1'),
      page.getByRole('button', { name: `Supprimer la clé « ${KEY_NAME} »` }).click(),
    ]);
    expect(await page.getByText('Vous n’avez pas encore de clé d’accès.').isVisible()).toBe(true);

    expect(watch.cspViolations, 'violations CSP').toEqual([]);
    expect(watch.problems, 'erreurs de console ou requêtes en échec').toEqual([]);
    expect(watch.foreignRequests(), 'requêtes vers un autre site').toEqual([]);
    expect(watch.requests.some((r) => r.endsWith('/static/js/simplewebauthn-browser.umd.min.js'))).toBe(true);
  });

  test('sans JavaScript, la page de connexion par clé l’explique et renvoie vers le mot de passe', async () => {
    context = await newContext(browser, 'téléphone', { javaScriptEnabled: false });
    page = await context.newPage();
    const response = await page.goto(url(SIGN_IN_PAGE), { waitUntil: 'load' });
    expect(response?.status()).toBe(200);
    expect(await page.getByText('La connexion avec une clé d’accès a besoin de JavaScript').isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Se connecter avec une clé d’accès' }).count()).toBe(0);
    await Promise.all([
      page.waitForURL((u) => u.pathname === `${BASE}/connexion`),
      page.getByRole('link', { name: 'connectez-vous avec votre adresse électronique et votre mot de passe' }).click(),
    ]);
    expect(pathOf(page)).toBe(`${BASE}/connexion?retour=%2Fc%2Fvillebelle%2Fespace`);
  });

  test('sans nos scripts, axe ne trouve rien sur la page de connexion par clé', async () => {
    context = await newContext(browser, 'téléphone');
    await blockScripts(context);
    page = await context.newPage();
    await page.goto(url(SIGN_IN_PAGE), { waitUntil: 'load' });
    expect(await page.getByText('La connexion avec une clé d’accès a besoin de JavaScript').isVisible()).toBe(true);
    expect(await axeViolations(page)).toEqual([]);
  });
});
