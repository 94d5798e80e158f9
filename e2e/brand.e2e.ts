/**
 * Brand guard on what is really served: the HTML of every page and every stylesheet they load
 * must contain none of the GOV.UK-reserved marks (scripts/brand-guard.mjs).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
// @ts-expect-error -- plain JavaScript module without type declarations
import { findRestrictedBrandMarks } from '../scripts/brand-guard.mjs';
import { launchBrowser, newContext, openPage, PAGES, url } from './support.js';

const findMarks = findRestrictedBrandMarks as (text: string) => string[];

let browser: Browser;
let context: BrowserContext;
let page: Page;
/** URL → body of each HTML document and stylesheet served. */
const served = new Map<string, { kind: string; body: string }>();

beforeAll(async () => {
  browser = await launchBrowser();
  context = await newContext(browser, 'bureau');
  page = await context.newPage();
  page.on('response', async (response) => {
    const kind = response.request().resourceType();
    if (kind !== 'document' && kind !== 'stylesheet') return;
    if (response.status() >= 300 && response.status() < 400) return; // redirects have no body
    try {
      served.set(`${response.request().method()} ${response.url()} ${response.status()}`, {
        kind,
        body: await response.text(),
      });
    } catch {
      // the page navigated away before the body was read: the next test loads it again
    }
  });
  for (const spec of PAGES) {
    await openPage(page, spec);
    await page.waitForLoadState('networkidle');
  }
  // The form page with errors (422) and after a successful submit.
  await page.goto(url('/_demo/courriels'));
  await page.getByRole('button', { name: 'Envoyer le courriel de test' }).click();
  await page.waitForLoadState('networkidle');
});

afterAll(async () => {
  await browser?.close();
});

test('les pages et les feuilles de style servies ont été collectées', () => {
  const documents = [...served.entries()]
    .filter(([, s]) => s.kind === 'document')
    .map(([key]) => key.replace(url('/'), '/').replace(/\/[^/]+\.eml /, '/<courriel>.eml '));
  const expected = [
    ...new Set(
      PAGES.map((p) => (p.followLink ? 'GET /_demo/courriels/<courriel>.eml 200' : `GET ${p.path} ${p.status}`)),
    ),
    'POST /_demo/courriels 422',
  ];
  expect(documents.sort()).toEqual(expected.sort());
  const stylesheets = [...served.entries()]
    .filter(([, s]) => s.kind === 'stylesheet')
    .map(([key]) => new URL(key.split(' ')[1]!).pathname);
  expect(stylesheets.sort()).toEqual([
    '/static/css/guichet.css',
    '/theme/saint-aubin-les-pres.css',
    '/theme/villebelle.css',
  ]);
});

test('aucune marque réservée (couronne, GDS Transport, logotype, DSFR…) dans le HTML et le CSS servis', () => {
  const found = [...served.entries()]
    .map(([address, { body }]) => ({ address, marks: findMarks(body) }))
    .filter(({ marks }) => marks.length > 0)
    .map(({ address, marks }) => `${address} : ${marks.join(', ')}`);
  expect(found).toEqual([]);
});

test('le garde-fou détecte bien une marque réservée', () => {
  expect(findMarks('<span class="govuk-header__logotype">Crown copyright</span>')).not.toEqual([]);
});
