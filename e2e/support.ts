/**
 * Shared helpers of the e2e tests: the system Chromium, the two viewports, the list of pages,
 * axe (WCAG 2.1 A/AA), and a monitor of requests, console messages and CSP violations.
 */
import { randomInt } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { type ParsedMail, simpleParser } from 'mailparser';
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
  type Page,
  type Response,
} from 'playwright-core';
import { expect, inject } from 'vitest';
import { DEMO_PASSWORD, DEMO_PEOPLE, demoTotpSecret, usesDemoTotpKey } from '../src/modules/demo/accounts.js';
import { currentStep, totpCodeAt } from '../src/modules/identity/index.js';
import type { AntsStatus } from '../src/platform/ants/coordination.js';
import type { SimulatedAntsAppointment } from '../src/test/ants-simulator.js';
import type { SimulatedLetter } from '../src/test/lre-simulator.js';
import type { TestIdpUser } from '../src/test/oidc-provider.js';
import { baseUrl, type E2eProvider, identityProviders, url } from './context.js';

export type { TestIdpUser } from '../src/test/oidc-provider.js';
export {
  baseUrl,
  E2E_PROVIDERS,
  type E2eIdentityProviders,
  type E2eProvider,
  identityProviders,
  serverPort,
  url,
} from './context.js';

// ---------------------------------------------------------------------------
// Browser

export const CHROMIUM_PATH = '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

export type ViewportName = 'téléphone' | 'bureau';

export const VIEWPORTS: Record<ViewportName, BrowserContextOptions> = {
  téléphone: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
  bureau: { viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 },
};

/** A fresh context (own cookies) in French, at a viewport, optionally without JavaScript. */
/**
 * This test file's client address, sent through the server's trusted loopback proxy
 * (GUICHET_TRUSTED_PROXIES in global-setup.ts): each file is loaded afresh, so each has its own
 * spam-ladder counters, whatever ran before it.
 */
const CLIENT_ADDRESS = `10.${randomInt(0, 256)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;

export async function newContext(
  browser: Browser,
  viewport: ViewportName,
  options: BrowserContextOptions = {},
): Promise<BrowserContext> {
  const context = await browser.newContext({
    locale: 'fr-FR',
    ...VIEWPORTS[viewport],
    ...options,
    extraHTTPHeaders: { 'X-Forwarded-For': CLIENT_ADDRESS, ...options.extraHTTPHeaders },
  });
  // Fail an action with its own message well before the test's timeout.
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(20_000);
  return context;
}

/** Blocks our scripts (for axe, which needs JavaScript itself, on the page as served without ours). */
export async function blockScripts(context: BrowserContext): Promise<void> {
  await context.route('**/static/js/**', (route) => route.abort());
}

// ---------------------------------------------------------------------------
// Signing in

/**
 * Signs in through the real form: opens `/c/<slug>/connexion` (with `retour` when given),
 * submits the e-mail and password, and waits until the page the server sends the browser to
 * has loaded. Returns its path (with the query string).
 */
export async function signInWithPassword(
  page: Page,
  { email, password, slug = 'villebelle', back }: { email: string; password: string; slug?: string; back?: string },
): Promise<string> {
  const signInPath = `/c/${slug}/connexion${back ? `?retour=${encodeURIComponent(back)}` : ''}`;
  await page.goto(url(signInPath), { waitUntil: 'load' });
  await page.getByLabel('Adresse électronique').fill(email);
  await page.getByLabel('Mot de passe', { exact: true }).fill(password);
  await Promise.all([
    page.waitForURL((u) => u.pathname !== `/c/${slug}/connexion`),
    page.getByRole('button', { name: 'Se connecter', exact: true }).click(),
  ]);
  // Let the next page finish loading: a navigation started earlier would abort its requests.
  await page.waitForLoadState('load');
  if (DEMO_KEY_EMAILS.has(email) && new URL(page.url()).pathname === `/c/${slug}/compte/double-authentification`) {
    // Administrators and the operator hold the public demo key (decision 0029).
    await page.getByLabel('Code à 6 chiffres de votre application').fill(await demoKeyCode(email));
    await Promise.all([
      page.waitForURL((u) => u.pathname !== `/c/${slug}/compte/double-authentification`),
      page.getByRole('button', { name: 'Valider', exact: true }).click(),
    ]);
    await page.waitForLoadState('load');
  }
  const current = new URL(page.url());
  return `${current.pathname}${current.search}`;
}

/** The demo accounts whose second factor holds the public demo key. */
const DEMO_KEY_EMAILS = new Set(
  Object.values(DEMO_PEOPLE)
    .flat()
    .filter(usesDemoTotpKey)
    .map((p) => p.email),
);

/**
 * A demo-key code the server has not seen for `email`: the steps used are kept in the server's
 * data directory (shared by the e2e files), since the server refuses a step twice.
 */
async function demoKeyCode(email: string): Promise<string> {
  const file = path.join(inject('dataDir'), 'e2e-demo-key-steps.json');
  const used = JSON.parse(await readFile(file, 'utf8').catch(() => '{}')) as Record<string, number>;
  const now = currentStep();
  const step = Math.max(now, (used[email] ?? now - 1) + 1);
  if (step > now + 2)
    throw new Error(`code de la clé de démonstration de ${email} déjà utilisé : trop de connexions en 30 s`);
  if (step === now + 2) {
    // Two sign-ins of this administrator already in this 30-second step (files follow each other
    // quickly): wait for the next step, as a person with an authenticator app would.
    await new Promise((resolve) => setTimeout(resolve, (now + 1) * 30_000 - Date.now() + 200));
  }
  used[email] = step;
  await writeFile(file, JSON.stringify(used));
  return totpCodeAt(demoTotpSecret(), step);
}

/** The demo pages (/_demo/*) are for signed-in staff: the demo operator reads the mailbox. */
export const DEMO_STAFF_EMAIL = 'operateur@opsn.example';
const staffContexts = new WeakSet<BrowserContext>();

/**
 * Signs `context` in as the demo operator, once, through HTTP requests that share the context's
 * cookies (no page navigation: the page's own history and monitors see nothing of it).
 */
export async function signInAsDemoStaff(context: BrowserContext): Promise<void> {
  if (staffContexts.has(context)) return;
  // One sign-in per run, its cookies shared by every context (each sign-in spends a TOTP step).
  const saved = path.join(inject('dataDir'), 'e2e-demo-staff-cookies.json');
  const cookies = await readFile(saved, 'utf8').catch(() => undefined);
  if (cookies) {
    await context.addCookies(JSON.parse(cookies));
    const check = await context.request.get(url('/_demo/courriels'), { maxRedirects: 0 });
    if (check.status() === 200) {
      staffContexts.add(context);
      return;
    }
    await context.clearCookies();
  }
  const form = await context.request.get(url('/c/villebelle/connexion'));
  const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1];
  if (!token) throw new Error('pas de jeton CSRF sur /c/villebelle/connexion');
  const signedIn = await context.request.post(url('/c/villebelle/connexion'), {
    form: { _csrf: token, email: DEMO_STAFF_EMAIL, password: DEMO_PASSWORD },
    maxRedirects: 0,
  });
  if (signedIn.status() !== 303) throw new Error(`connexion de ${DEMO_STAFF_EMAIL} : ${signedIn.status()}`);
  // The operator's second factor (the public demo key, decision 0029).
  const factorPage = url('/c/villebelle/compte/double-authentification');
  const challenge = await context.request.get(factorPage);
  const factorToken = /name="_csrf" value="([^"]+)"/.exec(await challenge.text())?.[1];
  if (!factorToken) throw new Error('pas de jeton CSRF sur la page de double authentification');
  const passed = await context.request.post(factorPage, {
    form: { _csrf: factorToken, code: await demoKeyCode(DEMO_STAFF_EMAIL), retour: '/c/villebelle/' },
    maxRedirects: 0,
  });
  if (passed.status() !== 303) throw new Error(`double authentification de ${DEMO_STAFF_EMAIL} : ${passed.status()}`);
  await writeFile(saved, JSON.stringify(await context.cookies()));
  staffContexts.add(context);
}

/** A page of the demo mailbox, in a context of its own signed in as staff; `close()` ends both. */
export async function openStaffPage(browser: Browser): Promise<Page> {
  const context = await newContext(browser, 'bureau');
  await signInAsDemoStaff(context);
  const page = await context.newPage();
  page.once('close', () => void context.close());
  return page;
}

// ---------------------------------------------------------------------------
// The mails the server wrote (the demo's file transport: .eml files in the data directory)

/** The mails written for `to`, parsed. */
export async function mailsTo(to: string): Promise<ParsedMail[]> {
  const dir = path.join(inject('dataDir'), 'mail');
  const out: ParsedMail[] = [];
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.eml'))) {
    const mail = await simpleParser(await readFile(path.join(dir, file)));
    const address = Array.isArray(mail.to) ? mail.to[0]?.text : mail.to?.text;
    if (address === to) out.push(mail);
  }
  return out;
}

/** Waits (up to 20 s) for a mail to `to` whose subject starts with `subject`, not among `seen`. */
export async function waitForMail(to: string, subject: string, seen: readonly ParsedMail[] = []): Promise<ParsedMail> {
  const known = new Set(seen.map((m) => m.messageId));
  for (let i = 0; i < 100; i++) {
    const found = (await mailsTo(to)).find((m) => m.subject?.startsWith(subject) && !known.has(m.messageId));
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`no mail « ${subject} » to ${to}`);
}

// ---------------------------------------------------------------------------
// Appointments

/**
 * On the admin's appointments page, opens a desk of the état civil at `place`, every day, all day
 * (so that slots exist whatever the hour of the run); returns its agenda id.
 */
export async function openAllDayDesk(admin: Page, base: string, place: string, desk: string): Promise<string> {
  await admin.goto(url(`${base}/admin/rendez-vous`), { waitUntil: 'load' });
  await admin.getByLabel('Service').first().selectOption({ label: 'État civil' });
  await admin.getByLabel('Lieu', { exact: true }).fill(place);
  await admin.getByLabel('Guichet', { exact: true }).fill(desk);
  await Promise.all([admin.waitForURL(/agendas\//), admin.getByRole('button', { name: 'Créer l’agenda' }).click()]);
  const agendaId = /agendas\/([0-9a-f-]{36})/.exec(admin.url())![1]!;
  for (let day = 1; day <= 7; day++) {
    await admin.getByLabel('Jour', { exact: true }).selectOption(String(day));
    await admin.getByLabel('Ouverture', { exact: true }).fill('0:00');
    await admin.getByLabel('Fermeture', { exact: true }).fill('24:00');
    await Promise.all([
      admin.waitForURL(/fait=horaire/),
      admin.getByRole('button', { name: 'Ajouter ces horaires' }).click(),
    ]);
  }
  return agendaId;
}

// ---------------------------------------------------------------------------
// The local ANTS coordination simulator (see global-setup.ts)

/** Creates (or sets) a passport pre-application at the simulated ANTS. */
export async function seedAntsApplication(id: string, status: AntsStatus): Promise<void> {
  const response = await fetch(`${inject('antsControl')}/dossiers/${id}`, {
    method: 'PUT',
    body: JSON.stringify(status),
  });
  if (response.status !== 204) throw new Error(`ANTS simulée : ${response.status} ${await response.text()}`);
}

/** The appointments the server declared at the simulated ANTS for a pre-application. */
export async function antsAppointmentsOf(id: string): Promise<SimulatedAntsAppointment[]> {
  const response = await fetch(`${inject('antsControl')}/dossiers/${id}`);
  if (!response.ok) throw new Error(`ANTS simulée : ${response.status}`);
  return (await response.json()) as SimulatedAntsAppointment[];
}

// ---------------------------------------------------------------------------
// The local simulator of an electronic registered letter provider (see global-setup.ts)

/** The letters the simulated LRE provider received, oldest first (without their PDF). */
export async function lreLetters(): Promise<Array<Omit<SimulatedLetter, 'document'>>> {
  const response = await fetch(`${inject('lreControl')}/envois`);
  if (!response.ok) throw new Error(`LRE simulée : ${response.status}`);
  return (await response.json()) as Array<Omit<SimulatedLetter, 'document'>>;
}

/** The recipient accepts a registered letter at the simulated provider (its proof of receipt is issued). */
export async function deliverLre(id: string): Promise<void> {
  const response = await fetch(`${inject('lreControl')}/envois/${id}/remise`, { method: 'POST' });
  if (response.status !== 204) throw new Error(`LRE simulée : ${response.status} ${await response.text()}`);
}

// ---------------------------------------------------------------------------
// Local identity providers (FranceConnect and ProConnect stand-ins, see global-setup.ts)

/** The next sign-in at `provider` is this person's, or a cancellation (`'refuse'`). */
export async function actAtProvider(provider: E2eProvider, next: TestIdpUser | 'refuse'): Promise<void> {
  const response = await fetch(`${identityProviders().control}/${provider}/suivant`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(next),
  });
  if (response.status !== 204) {
    throw new Error(`fournisseur ${provider} : réglage refusé (${response.status}) ${await response.text()}`);
  }
}

// ---------------------------------------------------------------------------
// Pages

export interface PageSpec {
  /** Short name used in test titles. */
  name: string;
  path: string;
  status: number;
  /** The complete expected `<title>`. */
  title: string;
  /** Expected text of the `<h1>` (the test also requires it to be non-empty). */
  h1: string;
  /** Reached by following this link (accessible name) from `path` rather than by URL. */
  followLink?: string;
  /** A /_demo/* page: for signed-in staff only (the context signs in as the demo operator first). */
  staff?: boolean;
}

const VILLEBELLE = 'Villebelle';
const SAINT_AUBIN = 'Saint-Aubin-les-Prés';

function communePages(slug: string, name: string): PageSpec[] {
  const base = `/c/${slug}`;
  return [
    {
      name: `${slug} accueil`,
      path: `${base}/`,
      status: 200,
      title: `Accueil – ${name}`,
      h1: `Bienvenue sur le guichet numérique de ${name}`,
    },
    {
      name: `${slug} services`,
      path: `${base}/services`,
      status: 200,
      title: `Services municipaux – ${name}`,
      h1: 'Services municipaux',
    },
    {
      name: `${slug} contact`,
      path: `${base}/contact`,
      status: 200,
      title: `Nous contacter – ${name}`,
      h1: 'Nous contacter',
    },
    {
      name: `${slug} simulateur de tarifs`,
      path: `${base}/famille/tarifs`,
      status: 200,
      title: `Simuler vos tarifs – ${name}`,
      h1: 'Simuler vos tarifs',
    },
    {
      name: `${slug} simulateur de tarifs, résultat`,
      path: `${base}/famille/tarifs?qfConnu=non&couple=oui&enfants=2&enfantsAeeh=&revenus=36000&prestations=142&residence=oui`,
      status: 200,
      title: `Simuler vos tarifs – ${name}`,
      h1: 'Simuler vos tarifs',
    },
    {
      name: `${slug} simulateur de tarifs, erreur`,
      path: `${base}/famille/tarifs?qfConnu=oui&qf=mille&residence=oui`,
      status: 422,
      title: `Erreur\u00a0: Simuler vos tarifs – ${name}`,
      h1: 'Simuler vos tarifs',
    },
    {
      name: `${slug} mentions légales`,
      path: `${base}/mentions-legales`,
      status: 200,
      title: `Mentions légales – ${name}`,
      h1: 'Mentions légales',
    },
    {
      name: `${slug} données personnelles`,
      path: `${base}/donnees-personnelles`,
      status: 200,
      title: `Données personnelles – ${name}`,
      h1: 'Données personnelles',
    },
    {
      name: `${slug} accessibilité`,
      path: `${base}/accessibilite`,
      status: 200,
      title: `Déclaration d’accessibilité – ${name}`,
      h1: 'Déclaration d’accessibilité',
    },
    {
      name: `${slug} connexion`,
      path: `${base}/connexion`,
      status: 200,
      title: `Se connecter – ${name}`,
      h1: 'Se connecter',
    },
    {
      name: `${slug} inscription`,
      path: `${base}/inscription`,
      status: 200,
      title: `Créer votre compte – ${name}`,
      h1: 'Créer votre compte',
    },
    {
      name: `${slug} mot de passe oublié`,
      path: `${base}/mot-de-passe-oublie`,
      status: 200,
      title: `Mot de passe oublié – ${name}`,
      h1: 'Mot de passe oublié',
    },
  ];
}

export const WELCOME_SUBJECT_VILLEBELLE = `Bienvenue sur le guichet numérique de ${VILLEBELLE}`;
export const WELCOME_SUBJECT_SAINT_AUBIN = `Bienvenue sur le guichet numérique de ${SAINT_AUBIN}`;

/** Every page of the application, with what it must show. */
export const PAGES: PageSpec[] = [
  {
    name: 'accueil de l’instance',
    path: '/',
    status: 200,
    title: 'Communes – Guichet',
    h1: 'Guichet numérique des communes',
  },
  {
    name: 'mentions légales',
    path: '/mentions-legales',
    status: 200,
    title: 'Mentions légales – Guichet',
    h1: 'Mentions légales',
  },
  {
    name: 'données personnelles',
    path: '/donnees-personnelles',
    status: 200,
    title: 'Données personnelles – Guichet',
    h1: 'Données personnelles',
  },
  {
    name: 'accessibilité',
    path: '/accessibilite',
    status: 200,
    title: 'Déclaration d’accessibilité – Guichet',
    h1: 'Déclaration d’accessibilité',
  },
  ...communePages('villebelle', VILLEBELLE),
  ...communePages('saint-aubin-les-pres', SAINT_AUBIN),
  {
    name: 'connexion (choix de la commune)',
    path: '/connexion',
    status: 200,
    title: 'Se connecter – Guichet',
    h1: 'Se connecter',
  },
  {
    name: 'commune inconnue (404)',
    path: '/c/inconnue/',
    status: 404,
    title: 'Page introuvable – Guichet',
    h1: 'Page introuvable',
  },
  {
    name: 'page inexistante (404)',
    path: '/page-inexistante',
    status: 404,
    title: 'Page introuvable – Guichet',
    h1: 'Page introuvable',
  },
  {
    name: 'boîte aux lettres',
    path: '/_demo/courriels',
    status: 200,
    title: 'Boîte aux lettres de démonstration – Guichet',
    h1: 'Boîte aux lettres de démonstration',
    staff: true,
  },
  {
    name: 'courriel de bienvenue',
    path: '/_demo/courriels',
    followLink: WELCOME_SUBJECT_VILLEBELLE,
    status: 200,
    title: `${WELCOME_SUBJECT_VILLEBELLE} – Guichet`,
    h1: WELCOME_SUBJECT_VILLEBELLE,
    staff: true,
  },
  {
    name: 'SMS de démonstration',
    path: '/_demo/sms',
    status: 200,
    title: 'SMS de démonstration – Guichet',
    h1: 'SMS de démonstration',
    staff: true,
  },
  {
    // Signed in (the demo operator, who has no invoice): the family's invoice list, empty.
    name: 'mes factures (portail famille)',
    path: '/c/villebelle/famille/factures',
    status: 200,
    title: 'Mes factures – Villebelle',
    h1: 'Mes factures',
    staff: true,
  },
  {
    name: 'tâches en échec',
    path: '/_demo/taches',
    status: 200,
    title: 'Tâches en échec – Guichet',
    h1: 'Tâches en échec',
    staff: true,
  },
];

/**
 * Opens a page and returns the response of the main document; waits for the `load` event
 * (stylesheets, fonts, scripts). A page with `followLink` is reached from `path` through the
 * link's href (not by a click: a click would fail on the phone for the horizontal overflow that
 * the reflow test reports on its own).
 */
export async function openPage(page: Page, spec: PageSpec): Promise<Response> {
  if (spec.staff) await signInAsDemoStaff(page.context());
  let target = spec.path;
  if (spec.followLink !== undefined) {
    await page.goto(url(spec.path), { waitUntil: 'load' });
    const href = await page.getByRole('link', { name: spec.followLink, exact: true }).getAttribute('href');
    if (!href) throw new Error(`lien « ${spec.followLink} » introuvable sur ${spec.path}`);
    target = href;
  }
  const response = await page.goto(url(target), { waitUntil: 'load' });
  if (!response) throw new Error(`pas de réponse pour ${target}`);
  return response;
}

/**
 * Elements that stick out of the viewport horizontally (WCAG 1.4.10 reflow), outermost first;
 * empty when the page does not scroll sideways.
 */
export async function horizontalOverflow(page: Page): Promise<string[]> {
  const width = page.viewportSize()?.width ?? 0;
  return page.evaluate((viewportWidth) => {
    if (document.documentElement.scrollWidth <= viewportWidth) return [];
    const describe = (el: Element) =>
      `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.classList.length ? `.${Array.from(el.classList).join('.')}` : ''}`;
    const offenders: string[] = [
      `document : ${document.documentElement.scrollWidth} px de large pour ${viewportWidth} px`,
    ];
    for (const el of Array.from(document.body.querySelectorAll('*'))) {
      const rect = el.getBoundingClientRect();
      const parentRect = el.parentElement?.getBoundingClientRect();
      // Report an element only where the overflow starts (its parent fits).
      if (rect.right > viewportWidth + 1 && parentRect && parentRect.right <= viewportWidth + 1) {
        offenders.push(
          `${describe(el)} (jusqu’à ${Math.round(rect.right)} px) : « ${(el.textContent ?? '').trim().slice(0, 60)} »`,
        );
      }
    }
    return offenders;
  }, width);
}

/** What every page must have: lang="fr", a non-empty h1, the expected French title. */
export async function pageBasics(page: Page) {
  return page.evaluate(() => ({
    lang: document.documentElement.getAttribute('lang'),
    title: document.title,
    h1: Array.from(document.querySelectorAll('h1'), (h) => (h.textContent ?? '').replace(/\s+/g, ' ').trim()),
  }));
}

// ---------------------------------------------------------------------------
// axe

export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** axe violations, one readable line per failing node (empty when the page passes). */
export async function axeViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
  return results.violations.flatMap((violation) =>
    violation.nodes.map(
      (node) =>
        `[${violation.impact ?? '?'}] ${violation.id} (${violation.help}) sur ${node.target.join(' ')} : ${(node.failureSummary ?? '').replace(/\s+/g, ' ')} — ${node.html.slice(0, 200)}`,
    ),
  );
}

// ---------------------------------------------------------------------------
// Network, console and CSP monitor

export interface Monitor {
  /** Every request URL, in order. */
  requests: string[];
  /** Console errors and warnings, uncaught page errors, failed requests. */
  problems: string[];
  /** `securitypolicyviolation` events (only with JavaScript on). */
  cspViolations: string[];
  /** Requests whose origin is not the server under test. */
  foreignRequests(): string[];
  /** Ignore the console error Chromium logs for a main document answered with this status. */
  expectDocumentStatus(documentUrl: string, status: number): void;
  reset(): void;
}

/**
 * Attach before the first navigation. The CSP listener is an init script: pass
 * `javaScriptEnabled: false` for a context without JavaScript (Chromium still logs CSP
 * violations to the console there, which `problems` collects). Pass `scriptsBlocked: true` for a
 * context where `blockScripts` aborts our scripts: the console errors Chromium logs for those
 * aborted loads are then not problems of the page either.
 */
export async function monitor(page: Page, { javaScriptEnabled = true, scriptsBlocked = false } = {}): Promise<Monitor> {
  const origin = new URL(baseUrl()).origin;
  const allowedDocumentErrors = new Map<string, number>();
  // Chromium sometimes cancels a subresource load of a new document (net::ERR_ABORTED, seen with
  // the commune logo when a page is opened again at the same address) and loads it again at
  // once: such a failure stops being a problem when the same URL then loads.
  const abortedThenRetried = new Map<string, string>();
  const state: Monitor = {
    requests: [],
    problems: [],
    cspViolations: [],
    foreignRequests: () => state.requests.filter((r) => !isSameOrigin(r, origin)),
    expectDocumentStatus(documentUrl, status) {
      allowedDocumentErrors.set(documentUrl, status);
    },
    reset() {
      abortedThenRetried.clear();
      state.requests.length = 0;
      state.problems.length = 0;
      state.cspViolations.length = 0;
      allowedDocumentErrors.clear();
    },
  };
  page.on('request', (request) => state.requests.push(request.url()));
  page.on('requestfailed', (request) => {
    const errorText = request.failure()?.errorText;
    // Requests we abort ourselves (blocked scripts) are not problems of the page.
    if (errorText === 'net::ERR_FAILED' && request.url().includes('/static/js/')) return;
    // A background call of our scripts (address suggestions) still running when the person moves
    // on is cancelled by the browser with the page: nobody waits for its answer any more. A
    // failing answer of such a call is a response, not a failed request, and is still caught.
    const background = request.resourceType() === 'fetch' || request.resourceType() === 'xhr';
    if (errorText === 'net::ERR_ABORTED' && background) return;
    const line = `requête en échec : ${request.url()} (${errorText})`;
    state.problems.push(line);
    if (errorText === 'net::ERR_ABORTED' && !request.isNavigationRequest()) abortedThenRetried.set(request.url(), line);
  });
  page.on('requestfinished', (request) => {
    const line = abortedThenRetried.get(request.url());
    if (line === undefined) return;
    abortedThenRetried.delete(request.url());
    const index = state.problems.indexOf(line);
    if (index >= 0) state.problems.splice(index, 1);
  });
  page.on('console', (message) => {
    if (message.type() !== 'error' && message.type() !== 'warning') return;
    const where = message.location().url;
    // The browser asks for /favicon.ico on pages without <link rel="icon">, sometimes before and
    // sometimes after the test looks: the "icône" test in network.e2e.ts checks that instead.
    if (new URL(where || 'about:blank').pathname === '/favicon.ico') return;
    if (
      scriptsBlocked &&
      message.text() === 'Failed to load resource: net::ERR_FAILED' &&
      new URL(where || 'about:blank').pathname.startsWith('/static/js/')
    ) {
      return;
    }
    const expectedStatus = allowedDocumentErrors.get(where);
    if (
      expectedStatus !== undefined &&
      message.text() ===
        `Failed to load resource: the server responded with a status of ${expectedStatus} (${statusText(expectedStatus)})`
    ) {
      return;
    }
    state.problems.push(`console.${message.type()} : ${message.text()} (${where})`);
  });
  page.on('pageerror', (error) => state.problems.push(`erreur JavaScript : ${error.message}`));
  if (!javaScriptEnabled) return state;
  await page.exposeFunction('__guichetE2eCspViolation', (line: string) => {
    state.cspViolations.push(line);
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const report = (window as unknown as { __guichetE2eCspViolation: (line: string) => void })
        .__guichetE2eCspViolation;
      report(
        `${event.violatedDirective} : ${event.blockedURI || 'inline'} (${event.sourceFile}:${event.lineNumber}) ${event.sample}`,
      );
    });
  });
  return state;
}

function isSameOrigin(requestUrl: string, origin: string): boolean {
  try {
    return new URL(requestUrl).origin === origin;
  } catch {
    return false;
  }
}

function statusText(status: number): string {
  return ({ 404: 'Not Found', 422: 'Unprocessable Entity' } as Record<number, string>)[status] ?? '';
}

// ---------------------------------------------------------------------------
// Screenshots and colours

const SCREENSHOT_DIR = path.resolve(import.meta.dirname, '..', 'test-results');

/** Full-page screenshot into test-results/ (gitignored); returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Parses a computed `rgb()`/`rgba()` colour. */
export function parseRgb(value: string): { r: number; g: number; b: number; a: number } {
  const match = /^rgba?\(\s*([\d.]+)[ ,]+([\d.]+)[ ,]+([\d.]+)(?:\s*[,/]\s*([\d.]+))?\s*\)$/.exec(value.trim());
  if (!match) throw new Error(`couleur calculée non reconnue : ${value}`);
  return {
    r: Number(match[1]),
    g: Number(match[2]),
    b: Number(match[3]),
    a: match[4] === undefined ? 1 : Number(match[4]),
  };
}

function relativeLuminance({ r, g, b }: { r: number; g: number; b: number }): number {
  const channel = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

/** WCAG 2.1 contrast ratio of two opaque colours. */
export function contrastRatio(foreground: string, background: string): number {
  const l1 = relativeLuminance(parseRgb(foreground));
  const l2 = relativeLuminance(parseRgb(background));
  return (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
}

/**
 * The spam ladder asks an anonymous visitor for a proof of work once their address has sent a few
 * forms (the whole suite comes from one address): when the form shows the ALTCHA widget, tick
 * « Je ne suis pas un robot » as a person would and wait until the browser has solved it.
 * Returns whether a challenge was shown.
 */
export async function solveSpamChallengeIfAsked(page: Page): Promise<boolean> {
  const widget = page.locator('altcha-widget');
  if ((await widget.count()) === 0) return false;
  // The label, as a person clicks it (the widget draws its own box over the input).
  await widget.getByText('Je ne suis pas un robot', { exact: true }).click();
  await expect
    .poll(async () => (await widget.textContent())?.replace(/\s+/g, ' ') ?? '', { timeout: 30_000 })
    .toContain('Vérification faite');
  return true;
}

/** Text as a person reads it: every run of spaces (no-break ones of French typography included) as one space. */
export function squash(text: string | null): string {
  return (text ?? '').replace(/[\s\u00a0\u202f]+/g, ' ').trim();
}
