/**
 * The one sign-in of integration tests: a person signs in with their password on the commune's
 * sign-in page, in a browser of their own (its own network, so the per-network sign-in throttle
 * of one test never slows another), and optionally passes the second factor.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { DEMO_PASSWORD } from '../modules/demo/accounts.js';
import { TestBrowser } from './browser.js';

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
   * pass it with this code (a function is called when the page is reached).
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
  if (options.passFactor) {
    const factorPage = `/c/${slug}/compte/double-authentification`;
    const location = String(res.headers.location);
    expect(location.startsWith(`${factorPage}?retour=`), `second-factor page for ${email}, not ${location}`).toBe(true);
    const { code } = options.passFactor;
    await browser.get(location);
    const passed = await browser.post(factorPage, { code: typeof code === 'string' ? code : await code() });
    expect(passed.statusCode, `second factor of ${email}`).toBe(303);
  }
  return browser;
}
