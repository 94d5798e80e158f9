/**
 * Every page, on a phone and on a desktop: status code, lang="fr", a non-empty <h1>, the French
 * <title>, and no axe violation (WCAG 2.1 A and AA). Then once more with our scripts blocked.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  axeViolations,
  blockScripts,
  horizontalOverflow,
  launchBrowser,
  newContext,
  openPage,
  PAGES,
  pageBasics,
  screenshot,
  type ViewportName,
} from './support.js';

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

function pageSuite(viewport: ViewportName, options: { scriptsBlocked: boolean }) {
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    context = await newContext(browser, viewport);
    if (options.scriptsBlocked) await blockScripts(context);
    page = await context.newPage();
  });

  afterAll(async () => {
    await context?.close();
  });

  test.each(PAGES)('$name ($path)', async (spec) => {
    const response = await openPage(page, spec);
    expect(response.status(), `statut de ${spec.path}`).toBe(spec.status);
    expect(response.headers()['content-type']).toMatch(/^text\/html/);

    const basics = await pageBasics(page);
    expect(basics.lang).toBe('fr');
    expect(basics.title).toBe(spec.title);
    expect(basics.h1, 'un seul <h1>, non vide').toHaveLength(1);
    expect(basics.h1[0]).not.toBe('');
    expect(basics.h1[0]).toBe(spec.h1);
    // The h1 is exposed as the page's level-1 heading.
    expect(await page.getByRole('heading', { level: 1, name: spec.h1, exact: true }).count()).toBe(1);

    if (!options.scriptsBlocked) {
      const enhanced = await page.evaluate(() => document.body.classList.contains('govuk-frontend-supported'));
      expect(enhanced, 'les scripts ont tourné').toBe(true);
    }

    expect(await axeViolations(page)).toEqual([]);

    if (viewport === 'téléphone') {
      // WCAG 1.4.10: no sideways scrolling on a 390 px wide phone.
      expect(await horizontalOverflow(page), 'débordement horizontal').toEqual([]);
    }

    if (!options.scriptsBlocked && spec.path === '/c/villebelle/' && spec.followLink === undefined) {
      await screenshot(page, `${viewport}-villebelle-accueil`);
    }
    if (!options.scriptsBlocked && spec.name === 'villebelle simulateur de tarifs, résultat') {
      await screenshot(page, `${viewport}-villebelle-simulateur-tarifs`);
    }
    if (!options.scriptsBlocked && viewport === 'téléphone' && spec.path === '/c/saint-aubin-les-pres/') {
      await screenshot(page, `${viewport}-saint-aubin-accueil`);
    }
  });
}

describe('téléphone (390 × 844)', () => pageSuite('téléphone', { scriptsBlocked: false }));
describe('bureau (1280 × 900)', () => pageSuite('bureau', { scriptsBlocked: false }));
describe('téléphone, scripts bloqués', () => pageSuite('téléphone', { scriptsBlocked: true }));
