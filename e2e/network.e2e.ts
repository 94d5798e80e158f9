/**
 * While loading every page: every request stays on the server's origin (no CDN, no outbound
 * request), no console error or warning, no CSP violation, no inline script or style in the HTML
 * (the CSP is `script-src 'self'; style-src 'self'`).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { baseUrl, launchBrowser, type Monitor, monitor, newContext, openPage, PAGES, url } from './support.js';

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

/** Inline code the strict CSP would block: <script> without src, <style>, style="", on*="". */
function inlineCode(html: string): string[] {
  const found: string[] = [];
  for (const match of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    if (!/\ssrc=/i.test(match[1] ?? '') || (match[2] ?? '').trim() !== '') found.push(match[0].slice(0, 120));
  }
  for (const match of html.matchAll(/<style\b[^>]*>/gi)) found.push(match[0]);
  for (const match of html.matchAll(/<[a-z][^>]*\s(style|on[a-z]+)=("[^"]*"|'[^']*'|[^\s>]+)/gi))
    found.push(match[0].slice(0, 120));
  return found;
}

function networkSuite(javaScriptEnabled: boolean) {
  let context: BrowserContext;
  let page: Page;
  let watch: Monitor;

  beforeAll(async () => {
    context = await newContext(browser, 'bureau', { javaScriptEnabled });
    page = await context.newPage();
    watch = await monitor(page, { javaScriptEnabled });
  });

  afterAll(async () => {
    await context?.close();
  });

  test.each(PAGES)('$name ($path)', async (spec) => {
    watch.reset();
    const documentUrls: string[] = [];
    const onResponse = (r: import('playwright-core').Response) => {
      if (r.request().resourceType() === 'document') documentUrls.push(r.url());
    };
    page.on('response', onResponse);
    if (spec.status !== 200) watch.expectDocumentStatus(url(spec.path), spec.status);
    const response = await openPage(page, spec);
    // Late requests (fonts, favicon) and console messages.
    await page.waitForLoadState('networkidle');
    page.off('response', onResponse);

    expect(response.status()).toBe(spec.status);
    expect(watch.requests.length).toBeGreaterThan(0);
    expect(watch.foreignRequests(), `requêtes hors de ${baseUrl()}`).toEqual([]);
    expect(watch.problems).toEqual([]);
    expect(watch.cspViolations).toEqual([]);

    expect(inlineCode(await response.text()), 'script ou style en ligne').toEqual([]);
    expect(documentUrls.at(-1)).toBe(response.url());
  });
}

describe('avec JavaScript', () => networkSuite(true));
describe('sans JavaScript', () => networkSuite(false));

describe('icône', () => {
  test('chaque page déclare son icône, sinon /favicon.ico existe (le navigateur le demande, un 404 s’inscrit en erreur dans la console)', async () => {
    const favicon = await fetch(url('/favicon.ico'));
    await favicon.arrayBuffer();
    // An icon, or 204 No Content: either way the browser logs no error.
    const faviconServed =
      favicon.status === 204 || (favicon.ok && /^image\//.test(favicon.headers.get('content-type') ?? ''));
    const withoutIcon: string[] = [];
    for (const path of new Set(PAGES.filter((p) => p.followLink === undefined).map((p) => p.path))) {
      const html = await (await fetch(url(path))).text();
      const icon = /<link\b[^>]*\brel="(?:shortcut )?icon"[^>]*>/i.exec(html)?.[0];
      const href = icon ? /\bhref="([^"]+)"/.exec(icon)?.[1] : undefined;
      if (href) {
        const response = await fetch(url(href));
        await response.arrayBuffer();
        if (!response.ok) withoutIcon.push(`${path} : icône ${href} en ${response.status}`);
      } else if (!faviconServed) {
        withoutIcon.push(`${path} : pas de <link rel="icon"> et /favicon.ico répond ${favicon.status}`);
      }
    }
    expect(withoutIcon).toEqual([]);
  });
});
