/**
 * Issue 16 §2 in a real browser on the demo: a visitor sends the street report on a phone, follows
 * « Je donne mon avis » from the confirmation page, answers the three questions (radios in
 * fieldsets) with a comment, and is thanked; the DGS then sees the answer in pilotage and the
 * comment, with its démarche, on « Avis des usagers ». axe finds nothing; nothing overflows at 390 px.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { DEMO_PASSWORD } from '../src/modules/demo/accounts.js';
import {
  axeViolations,
  horizontalOverflow,
  launchBrowser,
  newContext,
  signInWithPassword,
  squash,
  url,
} from './support.js';

const BASE = '/c/villebelle';
const FLOW = `${BASE}/demarches/signalement-voirie`;
const COMMENT = `Très simple depuis mon téléphone (e2e ${Date.now()}).`;

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

async function clean(page: Page, what: string) {
  expect(await axeViolations(page), `axe : ${what}`).toEqual([]);
  expect(await horizontalOverflow(page), `390 px : ${what}`).toEqual([]);
}

async function submit(page: Page, name: string) {
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name, exact: true }).click()]);
}

/** The value of an indicator in the pilotage table « Avis des usagers ». */
async function indicator(page: Page, label: string): Promise<string> {
  const row = page.locator('table', { hasText: 'Avis des usagers' }).locator('tr', { hasText: label }).first();
  return squash(await row.locator('td').first().textContent());
}

test('a visitor gives their opinion after a démarche; the DGS sees it in pilotage and on « Avis des usagers »', async () => {
  const dgsContext = await newContext(browser, 'bureau');
  const dgs = await dgsContext.newPage();
  await signInWithPassword(dgs, { email: 'dgs@villebelle.example', password: DEMO_PASSWORD });
  await dgs.goto(url(`${BASE}/admin/pilotage`), { waitUntil: 'load' });
  const before = Number((await indicator(dgs, 'Avis reçus')) || '0');

  const context = await newContext(browser, 'téléphone');
  const page = await context.newPage();
  // The street report, as a visitor sends it from the street (no account, no contact details).
  await page.goto(url(FLOW), { waitUntil: 'load' });
  await submit(page, 'Commencer');
  await page.getByRole('radio', { name: 'Éclairage public en panne', exact: true }).check();
  await submit(page, 'Continuer');
  await page.getByRole('radio', { name: 'Non', exact: true }).check();
  await submit(page, 'Continuer');
  const line1 = page.getByRole('combobox', { name: 'Numéro et voie' });
  await line1.fill('12 rue des Lilas');
  await line1.press('Escape');
  await submit(page, 'Continuer');
  await page.getByRole('textbox', { name: 'Décrivez le problème' }).fill('Le lampadaire clignote depuis deux jours.');
  await submit(page, 'Continuer');
  await page.getByRole('radio', { name: 'Non', exact: true }).check();
  await submit(page, 'Continuer');
  expect(new URL(page.url()).pathname).toBe(`${FLOW}/verifier`);
  await submit(page, 'Envoyer ma demande');
  expect(new URL(page.url()).pathname).toBe(`${BASE}/demande-envoyee`);

  await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: 'Je donne mon avis' }).click()]);
  expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Je donne mon avis');
  expect(squash(await page.locator('.govuk-caption-l').textContent())).toBe(
    'Signaler un problème sur la voie publique',
  );
  await clean(page, 'questionnaire');
  const satisfaction = page.getByRole('group', { name: /De façon générale, comment s’est passée cette démarche/ });
  await satisfaction.getByRole('radio', { name: 'Très bien', exact: true }).check();
  await page
    .getByRole('group', { name: /Était-ce facile à utiliser/ })
    .getByRole('radio', { name: 'Très bien' })
    .check();
  await page
    .getByRole('group', { name: /Le langage employé/ })
    .getByRole('radio', { name: 'Moyen' })
    .check();
  await page.getByRole('textbox', { name: /Souhaitez-vous nous en dire plus/ }).fill(COMMENT);
  await submit(page, 'Envoyer mon avis');
  expect(squash(await page.locator('main').textContent())).toContain('Merci pour votre avis');
  await clean(page, 'merci');
  await context.close();

  await dgs.goto(url(`${BASE}/admin/pilotage`), { waitUntil: 'load' });
  expect(Number(await indicator(dgs, 'Avis reçus'))).toBe(before + 1);
  expect(await indicator(dgs, 'Note de satisfaction')).toMatch(/\/ 10$/);
  await Promise.all([
    dgs.waitForEvent('load'),
    dgs.getByRole('link', { name: 'Les avis par démarche et les commentaires des usagers' }).click(),
  ]);
  expect(new URL(dgs.url()).pathname).toBe(`${BASE}/agent/avis`);
  const main = squash(await dgs.locator('main').textContent());
  expect(main).toContain(COMMENT);
  expect(main).toContain('Signaler un problème sur la voie publique');
  expect(await axeViolations(dgs), 'axe : avis des usagers').toEqual([]);
  await dgsContext.close();
});
