/**
 * The one sign-in of integration tests: a person signs in with their password on the commune's
 * sign-in page, in a browser of their own (its own network, so the per-network sign-in throttle
 * of one test never slows another), and optionally passes the second factor.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { DEMO_PASSWORD, DEMO_PEOPLE, demoTotpSecret, usesDemoTotpKey } from '../modules/demo/accounts.js';
import { currentStep, totpCodeAt } from '../modules/identity/index.js';
import { withInstance } from '../platform/db/tenant.js';
import { RUNTIMES } from './app.js';
import { TestBrowser } from './browser.js';

/**
 * Accounts whose authenticator app holds the public demo key: the demo's administrators and
 * operator, and the administrators and operators the factories make (decision 0029: they need a
 * second factor before any back-office page). `signIn` passes their second factor by itself.
 */
const DEMO_KEY_ACCOUNTS = new Set<string>(
  Object.values(DEMO_PEOPLE)
    .flat()
    .filter(usesDemoTotpKey)
    .map((p) => p.email),
);

export function registerDemoKeyAccount(email: string): void {
  DEMO_KEY_ACCOUNTS.add(email);
}

export function usesDemoKey(email: string): boolean {
  return DEMO_KEY_ACCOUNTS.has(email);
}

/**
 * A demo-key code the server will accept now: the current step, or the next one when the current
 * was already used (the replay guard). When both were used — a third sign-in of the same account
 * within 30 seconds — the guard is moved back one step, standing for the half-minute a person
 * would wait for the next code (tests do not sleep).
 */
export async function demoKeyCode(app: FastifyInstance, email: string): Promise<string> {
  const runtime = RUNTIMES.get(app);
  if (!runtime) throw new Error('demoKeyCode: not an app made by createTestApp');
  const now = currentStep();
  const step = await withInstance(runtime.database, async (tx) => {
    const { rows } = await tx.client.query<{ last: string | null }>(
      `SELECT f.last_used_step::text AS last FROM totp_factor f JOIN account a ON a.id = f.account_id
       WHERE lower(a.email) = lower($1)`,
      [email],
    );
    const last = rows[0]?.last == null ? null : Number(rows[0].last);
    if (last === null || last < now) return now;
    if (last === now) return now + 1;
    await tx.client.query(
      'UPDATE totp_factor SET last_used_step = $2 WHERE account_id = (SELECT id FROM account WHERE lower(email) = lower($1))',
      [email, now - 1],
    );
    return now;
  });
  return totpCodeAt(demoTotpSecret(), step);
}

let networks = 0;

/**
 * A client address on a network no other browser of this test file uses (one /24 each: the
 * sign-in throttle counts per network). Test files run in their own module scope, so the
 * counter starts again in each.
 */
export function nextTestAddress(): string {
  const n = networks++;
  return `10.${200 + Math.floor(n / 256)}.${n % 256}.1`;
}

export interface SignInOptions {
  /** The commune whose sign-in page is used (default villebelle). */
  slug?: string;
  /** Default: the demo password, which every account made by the factories also has. */
  password?: string;
  /** Sign in this browser instead of a new one (several devices, or a browser already used). */
  browser?: TestBrowser;
  /**
   * The account has a second factor: expect the sign-in to lead to the second-factor page and
   * pass it with this code (a function is called when the page is reached). Accounts with the
   * demo key (administrators, operators) pass it with a demo-key code unless told otherwise.
   */
  passFactor?: { code: string | (() => string | Promise<string>) };
}

/** Posts the sign-in form and returns the response as it is (for tests about signing in itself). */
export async function postSignIn(
  browser: TestBrowser,
  email: string,
  options: Pick<SignInOptions, 'slug' | 'password'> = {},
): Promise<LightMyRequestResponse> {
  return browser.submit(`/c/${options.slug ?? 'villebelle'}/connexion`, {
    email,
    password: options.password ?? DEMO_PASSWORD,
  });
}

/** Signs `email` in (and through the second factor when asked) and returns the signed-in browser. */
export async function signIn(app: FastifyInstance, email: string, options: SignInOptions = {}): Promise<TestBrowser> {
  const slug = options.slug ?? 'villebelle';
  const browser = options.browser ?? new TestBrowser(app, { remoteAddress: nextTestAddress() });
  const res = await postSignIn(browser, email, options);
  expect(res.statusCode, `sign-in of ${email}`).toBe(303);
  const passFactor = options.passFactor ?? (usesDemoKey(email) ? { code: () => demoKeyCode(app, email) } : undefined);
  if (passFactor) {
    const factorPage = `/c/${slug}/compte/double-authentification`;
    const location = String(res.headers.location);
    expect(location.startsWith(`${factorPage}?retour=`), `second-factor page for ${email}, not ${location}`).toBe(true);
    const { code } = passFactor;
    await browser.get(location);
    const passed = await browser.post(factorPage, { code: typeof code === 'string' ? code : await code() });
    expect(passed.statusCode, `second factor of ${email}`).toBe(303);
  }
  return browser;
}
