/**
 * Issue 16 in a real browser on the demo: the DGS opens pilotage, filters a service and a period,
 * reads the chart through its data table, exports the table as CSV, changes an assumption of the
 * savings model and sees the saving move; the OPSN operator sees the roll-up of its communes.
 * axe finds nothing on any page (the SVG chart included).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { DEMO_PASSWORD } from '../src/modules/demo/accounts.js';
import { axeViolations, launchBrowser, newContext, screenshot, signInWithPassword, squash, url } from './support.js';

const PILOTAGE = '/c/villebelle/admin/pilotage';

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

async function clean(page: Page, what: string) {
  expect(await axeViolations(page), `axe : ${what}`).toEqual([]);
}

async function submit(page: Page, name: string) {
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name, exact: true }).click()]);
}

/** The « Total » row of the yearly savings table. */
async function yearlyTotal(page: Page): Promise<string> {
  const row = page.locator('table', { hasText: 'Économies par levier' }).locator('tr', { hasText: 'Total' });
  return squash(await row.textContent());
}

test('the DGS filters the indicators, exports them and moves the savings model; the operator sees the roll-up', async () => {
  const context = await newContext(browser, 'bureau');
  const page = await context.newPage();
  await signInWithPassword(page, { email: 'dgs@villebelle.example', password: DEMO_PASSWORD });
  await page.goto(url(PILOTAGE), { waitUntil: 'load' });
  await clean(page, 'pilotage');
  // The chart is an image with a text alternative: its data table is on the page.
  expect(await page.locator('svg').count()).toBeGreaterThan(0);
  expect(await page.locator('table').count()).toBeGreaterThan(1);
  await screenshot(page, 'pilotage-1280');

  // A service and a period, through the GET form.
  await page.getByRole('textbox', { name: 'Du', exact: true }).fill('01/01/2026');
  await page.getByRole('textbox', { name: 'Au', exact: true }).fill('31/12/2026');
  await page.getByRole('combobox', { name: 'Service', exact: true }).selectOption({ label: 'Urbanisme' });
  await submit(page, 'Afficher');
  const filtered = new URL(page.url());
  expect(filtered.searchParams.get('du')).toBe('01/01/2026');
  expect(filtered.searchParams.get('service')).toMatch(/^[0-9a-f-]{36}$/);
  await clean(page, 'pilotage filtré');

  // The export of the table shown.
  const exportHref = await page.locator('a[href*="/pilotage/export.csv"]').first().getAttribute('href');
  expect(exportHref).toBeTruthy();
  const csv = await context.request.get(url(exportHref!));
  expect(csv.status()).toBe(200);
  expect(csv.headers()['content-type']).toContain('text/csv');
  expect((await csv.text()).split('\n').length).toBeGreaterThan(2);

  // A wrong date: a French message, what was typed kept.
  await page.getByRole('textbox', { name: 'Du', exact: true }).fill('31/02/2026');
  await submit(page, 'Afficher');
  expect(squash(await page.locator('.govuk-error-summary').textContent())).not.toBe('');
  expect(await page.getByRole('textbox', { name: 'Du', exact: true }).inputValue()).toBe('31/02/2026');
  await clean(page, 'pilotage, date erronée');

  // The savings model: one assumption changed, the saving recomputed.
  await page.goto(url(`${PILOTAGE}/economies`), { waitUntil: 'load' });
  await clean(page, 'économies');
  const before = await yearlyTotal(page);
  const printed = page.getByLabel(/^Dossier de conseil imprimé et porté/);
  const value = await printed.inputValue();
  await printed.fill(value === '60' ? '90' : '60');
  await submit(page, 'Enregistrer et recalculer');
  expect(squash(await page.locator('main').textContent())).toContain('Les hypothèses ont été enregistrées.');
  expect(await yearlyTotal(page)).not.toBe(before);
  // The cost of a registered letter, too, as the DGS does.
  await page.getByLabel(/^Lettre recommandée papier/).fill('5,20');
  await submit(page, 'Enregistrer et recalculer');
  expect(await page.getByLabel(/^Lettre recommandée papier/).inputValue()).toMatch(/^5,2/);
  await clean(page, 'économies recalculées');
  await screenshot(page, 'pilotage-economies-1280');
  await context.close();

  // The operator's roll-up across communes.
  const operatorContext = await newContext(browser, 'bureau');
  const operator = await operatorContext.newPage();
  await signInWithPassword(operator, { email: 'operateur@opsn.example', password: DEMO_PASSWORD });
  await operator.goto(url('/operateur/pilotage'), { waitUntil: 'load' });
  const rollup = squash(await operator.locator('main').textContent());
  expect(rollup).toContain('Villebelle');
  expect(rollup).toContain('Saint-Aubin-les-Prés');
  await clean(operator, 'pilotage de l’opérateur');
  await operatorContext.close();
}, 180_000);
