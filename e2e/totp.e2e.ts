/**
 * Second factor with an authenticator app, as an agent whose grace period is over (Léa Rousseau,
 * agent.enfance@villebelle.example): after her password she must enrol; she types the key shown
 * on the page into her "app" (otpauth here), enters the code, gets 10 recovery codes, and reaches
 * the espace agent. At her next sign-in she is asked for a code: a wrong one shows the French
 * message, the right one lets her in.
 *
 * This account keeps its TOTP factor for the rest of the run: agents may not disable their only
 * second factor (the page says so, and that is checked below). No other e2e file signs in as
 * agent.enfance@villebelle.example — keep it that way.
 */
import { Secret, TOTP } from 'otpauth';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEMO_PASSWORD } from '../src/modules/demo/accounts.js';
import { axeViolations, launchBrowser, type Monitor, monitor, newContext, signInWithPassword, url } from './support.js';

const EMAIL = 'agent.enfance@villebelle.example';
const BASE = '/c/villebelle';
const AGENT_PAGE = `${BASE}/agent`;
const MFA_PAGE = `${BASE}/compte/double-authentification`;
const PERIOD_SECONDS = 30;

let browser: Browser;
let context: BrowserContext | undefined;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
});

function pathOf(page: Page): string {
  const current = new URL(page.url());
  return `${current.pathname}${current.search}`;
}

function stepAt(ms: number): number {
  return Math.floor(ms / 1000 / PERIOD_SECONDS);
}

/** Submits the code form and waits for the answer to load; returns its HTTP status. */
async function submitCode(page: Page, code: string, button: string): Promise<number> {
  await page.getByLabel('Code à 6 chiffres de votre application').fill(code);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().isNavigationRequest() && r.request().method() === 'POST'),
    page.waitForEvent('load'),
    page.getByRole('button', { name: button, exact: true }).click(),
  ]);
  return response.status();
}

describe('double authentification par application (agent dont le délai de grâce est passé)', () => {
  let page: Page;
  let watch: Monitor;
  let app: TOTP;
  /** The time step of the last code the server accepted (it refuses that step and older ones). */
  let lastStep = -1;

  /** The code of the first step the server will still accept: now, or the next one after a use. */
  function nextCode(): string {
    const step = Math.max(stepAt(Date.now()), lastStep + 1);
    lastStep = step;
    return app.generate({ timestamp: step * PERIOD_SECONDS * 1000 });
  }

  test('inscription : la clé affichée donne le bon code, 10 codes de secours, puis l’espace agent', async () => {
    context = await newContext(browser, 'bureau');
    page = await context.newPage();
    watch = await monitor(page);

    // The espace agent asks her to sign in, then to enrol.
    await page.goto(url(AGENT_PAGE), { waitUntil: 'load' });
    expect(pathOf(page)).toBe(`${BASE}/connexion?retour=${encodeURIComponent(AGENT_PAGE)}`);
    const landing = await signInWithPassword(page, { email: EMAIL, password: DEMO_PASSWORD, back: AGENT_PAGE });
    expect(landing).toBe(`${MFA_PAGE}?retour=${encodeURIComponent(AGENT_PAGE)}`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Activer la double authentification');
    expect(await page.getByText('doivent utiliser une double authentification').isVisible()).toBe(true);
    expect(await page.getByRole('img', { name: /^Code QR à scanner/ }).isVisible()).toBe(true);
    expect(await axeViolations(page), 'axe, inscription').toEqual([]);

    // Until she enrols, the espace agent sends her back here.
    const blocked = await page.goto(url(AGENT_PAGE), { waitUntil: 'load' });
    expect(new URL(blocked!.url()).pathname).toBe(MFA_PAGE);

    // The key, in groups of 4 characters, as she would type it into her app.
    const shown = ((await page.locator('#cle-totp').textContent()) ?? '').trim();
    expect(shown).toMatch(/^[A-Z2-7]{4}( [A-Z2-7]{4})*( [A-Z2-7]{1,3})?$/);
    app = new TOTP({
      secret: Secret.fromBase32(shown.replace(/ /g, '')),
      algorithm: 'SHA1',
      digits: 6,
      period: PERIOD_SECONDS,
    });
    expect(await submitCode(page, nextCode(), 'Activer la double authentification')).toBe(200);

    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Vos codes de secours');
    expect(await page.getByText('La double authentification est activée sur votre compte.').isVisible()).toBe(true);
    const codes = (await page.locator('#codes-de-secours li').allTextContents()).map((c) => c.trim());
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}$/);
    expect(await axeViolations(page), 'axe, codes de secours').toEqual([]);

    const [agent] = await Promise.all([
      page.waitForResponse((r) => new URL(r.url()).pathname === AGENT_PAGE),
      page.getByRole('button', { name: 'Je les ai notés' }).click(),
    ]);
    await page.waitForLoadState('load');
    expect(agent.status()).toBe(200);
    expect(pathOf(page)).toBe(AGENT_PAGE);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Espace agent');
    expect(await page.getByText('vérifiée pour cette session').isVisible()).toBe(true);

    // An agent may not disable her only second factor: the account keeps it for the rest of the run.
    await page.goto(url(`${BASE}/compte/securite`), { waitUntil: 'load' });
    expect(await page.getByText(/^Activée depuis le /).isVisible()).toBe(true);
    expect(await page.getByText('10 codes inutilisés sur 10').isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Désactiver l’application d’authentification' }).count()).toBe(0);
    expect(await page.getByText('doivent garder une double authentification').isVisible()).toBe(true);

    expect(watch.cspViolations, 'violations CSP').toEqual([]);
    expect(watch.problems, 'erreurs de console ou requêtes en échec').toEqual([]);
    expect(watch.foreignRequests(), 'requêtes vers un autre site').toEqual([]);
  });

  test('connexion suivante : code incorrect refusé en français, puis le bon code ouvre l’espace agent', async () => {
    expect(app, 'le test précédent a inscrit l’application').toBeDefined();
    // Sign out.
    await page.goto(url(`${BASE}/compte`), { waitUntil: 'load' });
    await Promise.all([
      page.waitForURL((u) => u.pathname === `${BASE}/connexion`),
      page.getByRole('button', { name: 'Se déconnecter' }).click(),
    ]);
    await page.waitForLoadState('load');
    watch.reset();

    await page.goto(url(AGENT_PAGE), { waitUntil: 'load' });
    const landing = await signInWithPassword(page, { email: EMAIL, password: DEMO_PASSWORD, back: AGENT_PAGE });
    expect(landing).toBe(`${MFA_PAGE}?retour=${encodeURIComponent(AGENT_PAGE)}`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Double authentification');
    expect(await axeViolations(page), 'axe, demande de code').toEqual([]);

    // Signed in with the password only: the espace agent is still out of reach.
    const blocked = await page.goto(url(AGENT_PAGE), { waitUntil: 'load' });
    expect(new URL(blocked!.url()).pathname).toBe(MFA_PAGE);

    // A code of none of the accepted steps.
    const now = stepAt(Date.now());
    const accepted = new Set([-1, 0, 1, 2].map((d) => app.generate({ timestamp: (now + d) * PERIOD_SECONDS * 1000 })));
    const wrong = ['000000', '111111', '222222', '333333', '444444', '555555'].find((c) => !accepted.has(c))!;
    watch.expectDocumentStatus(url(MFA_PAGE), 422);
    expect(await submitCode(page, wrong, 'Valider')).toBe(422);
    expect(await page.title()).toBe('Erreur\u00a0: Double authentification – Villebelle');
    const message = 'Ce code est incorrect. Saisissez le code affiché en ce moment par votre application';
    expect(await page.locator('.govuk-error-summary').textContent()).toContain(message);
    expect(await page.locator('#code-error').textContent()).toContain(message);
    expect(await axeViolations(page), 'axe, code incorrect').toEqual([]);

    // The right code (the next time step if the current one served at enrolment: no replay).
    await page.getByLabel('Code à 6 chiffres de votre application').fill(nextCode());
    const [agent] = await Promise.all([
      page.waitForResponse((r) => new URL(r.url()).pathname === AGENT_PAGE),
      page.getByRole('button', { name: 'Valider', exact: true }).click(),
    ]);
    expect(agent.status()).toBe(200);
    await page.waitForLoadState('load');
    expect(pathOf(page)).toBe(AGENT_PAGE);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Espace agent');
    expect(await page.getByText('vérifiée pour cette session').isVisible()).toBe(true);

    expect(watch.cspViolations, 'violations CSP').toEqual([]);
    expect(watch.problems, 'erreurs de console ou requêtes en échec').toEqual([]);
  });
});
