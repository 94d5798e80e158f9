/**
 * The family portal's finance pages in a real browser on the demo: the administrator's billing
 * page (rôle and Hélios forms), an invoice with its credit note form, the dunning list and an
 * activity's days — axe finds nothing on each, and nothing scrolls sideways on a 390 px phone.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { DEMO_PASSWORD } from '../src/modules/demo/accounts.js';
import { axeViolations, horizontalOverflow, launchBrowser, newContext, signInWithPassword, url } from './support.js';

const BASE = '/c/villebelle/admin/famille';
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser?.close());

test('the billing, invoice, dunning and activity days pages are accessible on a desktop and a phone', async () => {
  for (const viewport of ['bureau', 'téléphone'] as const) {
    const context = await newContext(browser, viewport);
    const page = await context.newPage();
    await signInWithPassword(page, { email: 'admin@villebelle.example', password: DEMO_PASSWORD });
    await page.goto(url(`${BASE}/facturation`), { waitUntil: 'load' });
    const invoice = await page.locator('a[href*="/admin/famille/factures/"]').first().getAttribute('href');
    const activity = await (async () => {
      await page.goto(url(BASE), { waitUntil: 'load' });
      return page.locator('a[href$="/jours"]').first().getAttribute('href');
    })();
    for (const [name, path] of [
      ['facturation', `${BASE}/facturation`],
      ['facture', invoice!],
      ['relances', `${BASE}/relances`],
      ['jours', activity!],
    ] as const) {
      await page.goto(url(path), { waitUntil: 'load' });
      expect(await axeViolations(page), `axe : ${name} (${viewport})`).toEqual([]);
      if (viewport === 'téléphone') expect(await horizontalOverflow(page), name).toEqual([]);
      await page.screenshot({ path: `/tmp/family-${name}-${viewport === 'bureau' ? 1280 : 390}.png`, fullPage: true });
    }
    await context.close();
  }
});
