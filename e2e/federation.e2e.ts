/**
 * FranceConnect and ProConnect in a real browser, against the local OpenID Connect providers the
 * global setup starts before the server (src/test/oidc-provider.ts; who signs in there is set
 * with `actAtProvider`). A person new to Guichet signs in with FranceConnect and lands on her
 * account page, created from what FranceConnect sent; someone who cancels at FranceConnect sees
 * "Connexion annulée" (axe finds nothing there, with and without our scripts); an agent coming
 * from the espace agent signs in with ProConnect and lands back there.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import {
  actAtProvider,
  axeViolations,
  baseUrl,
  blockScripts,
  type E2eProvider,
  horizontalOverflow,
  identityProviders,
  launchBrowser,
  type Monitor,
  monitor,
  newContext,
  type TestIdpUser,
  url,
  type ViewportName,
} from './support.js';

const BASE = '/c/villebelle';

/** Someone who has never used Guichet. */
const MARIE: TestIdpUser = {
  sub: 'fc-e2e-marie-dupont-0001',
  acr: 'eidas1',
  amr: ['pwd'],
  claims: {
    given_name: 'Marie Claire',
    family_name: 'Dupont',
    birthdate: '1985-04-12',
    email: 'Marie.Dupont@courriel.example',
  },
};

/** Hugo Lefèvre, agent of the Urbanisme service, through his administration's identity provider. */
const HUGO: TestIdpUser = {
  sub: 'pc-e2e-hugo-lefevre-0001',
  amr: ['pwd', 'mfa'],
  claims: {
    email: 'agent.urbanisme@villebelle.example',
    given_name: 'Hugo',
    usual_name: 'Lefèvre',
    uid: '4242',
    siret: '21750001600019',
    idp_id: 'fia1v2',
  },
};

const BUTTONS: Record<E2eProvider, string> = {
  franceconnect: 'S’identifier avec FranceConnect',
  proconnect: 'S’identifier avec ProConnect',
};

let browser: Browser;
let context: BrowserContext | undefined;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

afterEach(async () => {
  await context?.close();
  context = undefined;
});

function pathOf(page: Page): string {
  const current = new URL(page.url());
  return `${current.pathname}${current.search}`;
}

async function open(viewport: ViewportName, { withScripts = true } = {}): Promise<{ page: Page; watch: Monitor }> {
  context = await newContext(browser, viewport);
  if (!withScripts) await blockScripts(context);
  const page = await context.newPage();
  return { page, watch: await monitor(page, { scriptsBlocked: !withScripts }) };
}

/**
 * From the sign-in page already open, clicks the provider's link; the browser goes through the
 * provider and comes back to Guichet at `arrival` (a path), which has loaded when this returns.
 */
async function signInThrough(page: Page, provider: E2eProvider, arrival: string): Promise<void> {
  const origin = new URL(baseUrl()).origin;
  await Promise.all([
    page.waitForURL((u) => u.origin === origin && u.pathname === arrival),
    page.getByRole('link', { name: BUTTONS[provider], exact: true }).click(),
  ]);
  await page.waitForLoadState('load');
}

/** The rows of the first summary list of the page, as { key: value }. */
function summary(page: Page): Promise<Record<string, string>> {
  return page
    .locator('dl.govuk-summary-list')
    .first()
    .evaluate((dl) =>
      Object.fromEntries(
        Array.from(dl.querySelectorAll('.govuk-summary-list__row')).map((row) => [
          (row.querySelector('dt')?.textContent ?? '').trim(),
          (row.querySelector('dd')?.textContent ?? '').trim(),
        ]),
      ),
    );
}

/** Requests that left Guichet all went to `provider`'s issuer, and some did. */
function expectOnlyProvider(watch: Monitor, provider: E2eProvider): void {
  const issuer = identityProviders()[provider];
  const foreign = watch.foreignRequests();
  expect(foreign.length, `passage par ${provider}`).toBeGreaterThan(0);
  expect(foreign.filter((r) => new URL(r).origin !== issuer)).toEqual([]);
  expect(foreign.some((r) => new URL(r).pathname === '/auth')).toBe(true);
}

describe('FranceConnect', () => {
  test('une personne nouvelle se connecte et arrive sur son espace, son compte créé avec les informations de FranceConnect', async () => {
    const { page, watch } = await open('bureau');
    await page.goto(url(`${BASE}/connexion`), { waitUntil: 'load' });
    await actAtProvider('franceconnect', MARIE);
    // Issue 19: a citizen lands on their own space after signing in.
    await signInThrough(page, 'franceconnect', `${BASE}/mon-espace`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Mon espace');

    await page.goto(url(`${BASE}/compte`), { waitUntil: 'load' });
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Mon compte');
    expect(await summary(page)).toEqual({
      Nom: 'Marie Claire Dupont',
      'Adresse électronique': 'marie.dupont@courriel.example',
      'Rôle à Villebelle': 'usager',
    });
    expect(await axeViolations(page), 'axe, compte').toEqual([]);

    // Her data page shows what FranceConnect sent, birth date included.
    const data = await page.goto(url(`${BASE}/compte/donnees/lisible`), { waitUntil: 'load' });
    expect(data?.status()).toBe(200);
    const text = (await page.locator('main').textContent()) ?? '';
    expect(text).toContain('Dupont');
    expect(text).toMatch(/12\/04\/1985|12 avril 1985|1985-04-12/);

    expectOnlyProvider(watch, 'franceconnect');
    expect(watch.cspViolations, 'violations CSP').toEqual([]);
    expect(watch.problems, 'erreurs de console ou requêtes en échec').toEqual([]);
  });

  test.each([
    { viewport: 'bureau' as const, withScripts: true, label: 'bureau, avec JavaScript' },
    { viewport: 'téléphone' as const, withScripts: false, label: 'téléphone, sans nos scripts' },
  ])('un refus chez FranceConnect affiche « Connexion annulée » ($label)', async ({ viewport, withScripts }) => {
    const { page, watch } = await open(viewport, { withScripts });
    await page.goto(url(`${BASE}/connexion`), { waitUntil: 'load' });
    await actAtProvider('franceconnect', 'refuse');
    await signInThrough(page, 'franceconnect', `${BASE}/connexion/franceconnect/retour`);

    expect(await page.title()).toBe('Connexion annulée – Villebelle');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Connexion annulée');
    expect(await page.getByText('Vous avez annulé la connexion avec FranceConnect.').isVisible()).toBe(true);
    expect(await axeViolations(page), 'axe, connexion annulée').toEqual([]);
    if (viewport === 'téléphone') expect(await horizontalOverflow(page), 'défilement horizontal').toEqual([]);
    expectOnlyProvider(watch, 'franceconnect');
    expect(watch.cspViolations, 'violations CSP').toEqual([]);
    expect(watch.problems, 'erreurs de console ou requêtes en échec').toEqual([]);

    // Not signed in, and the way back leads to the sign-in page.
    await Promise.all([
      page.waitForURL((u) => u.pathname === `${BASE}/connexion`),
      page.getByRole('button', { name: 'Revenir à la page de connexion' }).click(),
    ]);
    await page.waitForLoadState('load');
    await page.goto(url(`${BASE}/compte`), { waitUntil: 'load' });
    expect(new URL(page.url()).pathname).toBe(`${BASE}/connexion`);
  });
});

describe('ProConnect', () => {
  test('un agent venu de l’espace agent se connecte avec son adresse professionnelle et y revient', async () => {
    const { page, watch } = await open('bureau');
    await page.goto(url(`${BASE}/agent`), { waitUntil: 'load' });
    expect(pathOf(page)).toBe(`${BASE}/connexion?retour=${encodeURIComponent(`${BASE}/agent`)}`);
    await actAtProvider('proconnect', HUGO);
    await signInThrough(page, 'proconnect', `${BASE}/agent`);

    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Espace agent');
    expect(await summary(page)).toEqual({
      Nom: 'Hugo Lefèvre',
      Rôles: 'agent',
      'Double authentification': 'vérifiée pour cette session',
    });
    expect(
      await page
        .getByRole('listitem')
        .filter({ hasText: /^Urbanisme$/ })
        .count(),
    ).toBe(1);
    expect(await axeViolations(page), 'axe, espace agent').toEqual([]);

    expectOnlyProvider(watch, 'proconnect');
    expect(watch.cspViolations, 'violations CSP').toEqual([]);
    expect(watch.problems, 'erreurs de console ou requêtes en échec').toEqual([]);
  });
});
