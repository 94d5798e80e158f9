/**
 * Issue 19 item 7, end to end: the street report on a 390 px phone, anonymously, with the
 * browser's geolocation (Chromium fakes the position of the demo's « 12 rue des Lilas »): the
 * commune's postcode and city are already there, « Utiliser ma position » fills the nearest demo
 * address from Guichet's own table, the autocompletion is used with the keyboard, the report is
 * sent; axe finds nothing on any page, and no request leaves Guichet.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  axeViolations,
  horizontalOverflow,
  launchBrowser,
  type Monitor,
  monitor,
  newContext,
  screenshot,
  solveSpamChallengeIfAsked,
  squash,
  url,
} from './support.js';

const BASE = '/c/villebelle';
const FLOW = `${BASE}/demarches/signalement-voirie`;
const DESCRIPTION = 'Le lampadaire devant chez moi clignote depuis trois jours.';

/** A demo address from the generated file (scripts/generate-demo-addresses.mjs). */
function demoAddress(label: string): { lat: number; lon: number; postcode: string } {
  const csv = readFileSync(
    path.resolve(import.meta.dirname, '../src/modules/demo/data/adresses-villebelle.csv'),
    'utf8',
  ).split('\n');
  const header = csv[0]!.split(';');
  for (const line of csv.slice(1)) {
    const cells = line.split(';');
    const cell = (name: string) => cells[header.indexOf(name)] ?? '';
    const text = [cell('numero'), cell('rep'), cell('nom_voie')].filter(Boolean).join(' ');
    if (text === label) return { lat: Number(cell('lat')), lon: Number(cell('lon')), postcode: cell('code_postal') };
  }
  throw new Error(`adresse de démonstration introuvable : ${label}`);
}

let browser: Browser;
let context: BrowserContext;
let page: Page;
let watch: Monitor;

beforeAll(async () => {
  browser = await launchBrowser();
  const twelve = demoAddress('12 rue des Lilas');
  context = await newContext(browser, 'téléphone', {
    // 4 m from number 12, as a phone's GPS would say.
    geolocation: { latitude: twelve.lat + 4 / 111_320, longitude: twelve.lon, accuracy: 10 },
    permissions: ['geolocation'],
  });
  page = await context.newPage();
  watch = await monitor(page);
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
});

async function expectClean(what: string): Promise<void> {
  expect(await axeViolations(page), `axe : ${what}`).toEqual([]);
  expect(await horizontalOverflow(page), `défilement horizontal : ${what}`).toEqual([]);
  expect(watch.cspViolations, `violations CSP : ${what}`).toEqual([]);
  expect(watch.problems, `erreurs de console ou requêtes en échec : ${what}`).toEqual([]);
  expect(watch.foreignRequests(), `requêtes vers un autre site : ${what}`).toEqual([]);
  watch.reset();
}

async function clickAndWait(name: string, target: string): Promise<void> {
  await Promise.all([
    page.waitForURL((u) => `${u.pathname}${u.search}` === target),
    page.getByRole('button', { name, exact: true }).click(),
  ]);
  await page.waitForLoadState('load');
}

describe('un signalement depuis la rue, sur un téléphone, avec la position du navigateur', () => {
  test('« Utiliser ma position » remplit l’adresse la plus proche ; l’autocomplétion se fait au clavier ; la demande part', async () => {
    await page.goto(url(FLOW), { waitUntil: 'load' });
    await clickAndWait('Commencer', `${FLOW}/probleme`);
    await page.getByRole('radio', { name: 'Éclairage public en panne', exact: true }).check();
    await clickAndWait('Continuer', `${FLOW}/danger`);
    await page.getByRole('radio', { name: 'Non', exact: true }).check();
    await clickAndWait('Continuer', `${FLOW}/lieu`);

    // The commune's postcode and name are already there.
    const line1 = page.getByRole('combobox', { name: 'Numéro et voie' });
    const postcode = page.getByRole('textbox', { name: 'Code postal' });
    const city = page.getByRole('textbox', { name: 'Commune', exact: true });
    const { postcode: villebellePostcode } = demoAddress('12 rue des Lilas');
    expect(await postcode.inputValue()).toBe(villebellePostcode);
    expect(await city.inputValue()).toBe('Villebelle');
    await expectClean('étape « Lieu », avant la position');

    await page.getByRole('button', { name: 'Utiliser ma position', exact: true }).click();
    const said = page.locator('[id$="-position-statut"]');
    await expect
      .poll(async () => squash(await said.textContent()))
      .toContain('Adresse la plus proche de votre position');
    expect(squash(await said.textContent())).toBe(
      'Adresse la plus proche de votre position (à 4 m environ) : 12 rue des Lilas. Vérifiez-la, et corrigez-la si besoin.',
    );
    expect(await line1.inputValue()).toBe('12 rue des Lilas');
    expect(await postcode.inputValue()).toBe(villebellePostcode);
    expect(await city.inputValue()).toBe('Villebelle');
    await screenshot(page, 'road-report-position-390');
    await expectClean('étape « Lieu », après la position');

    // The autocompletion, with the keyboard only: type, arrow down twice, Entrée.
    await line1.fill('');
    await line1.pressSequentially('33 jau', { delay: 30 });
    const options = page.getByRole('option');
    await expect.poll(() => options.count()).toBeGreaterThan(0);
    expect(await line1.getAttribute('aria-expanded')).toBe('true');
    expect(await options.allTextContents()).toEqual([`33 avenue Jean Jaurès, ${villebellePostcode} Villebelle`]);
    await screenshot(page, 'road-report-suggestions-390');
    expect(await axeViolations(page), 'axe : suggestions ouvertes').toEqual([]);
    await line1.press('ArrowDown');
    expect(await options.first().getAttribute('aria-selected')).toBe('true');
    expect(await line1.getAttribute('aria-activedescendant')).toBe(await options.first().getAttribute('id'));
    await line1.press('Enter');
    expect(await line1.inputValue()).toBe('33 avenue Jean Jaurès');
    expect(await line1.getAttribute('aria-expanded')).toBe('false');
    // Entrée chose the address; it did not send the page.
    expect(new URL(page.url()).pathname).toBe(`${FLOW}/lieu`);
    await line1.press('Escape');

    await clickAndWait('Continuer', `${FLOW}/description`);
    await page.getByRole('textbox', { name: 'Décrivez le problème' }).fill(DESCRIPTION);
    await clickAndWait('Continuer', `${FLOW}/suivi`);
    await page.getByRole('radio', { name: 'Non', exact: true }).check();
    await clickAndWait('Continuer', `${FLOW}/verifier`);
    const review = squash(await page.locator('main').textContent());
    expect(review).toContain(`33 avenue Jean Jaurès, ${villebellePostcode} Villebelle`);
    await expectClean('page de vérification');

    await clickAndWait('Envoyer ma demande', `${BASE}/demande-envoyee`);
    expect(squash(await page.locator('.govuk-panel--confirmation').textContent())).toMatch(
      /^Demande envoyée ?Votre numéro de demande ?\d{4}-\d{6}$/,
    );
    await expectClean('confirmation');
  });
});

describe('le formulaire « Contacter la mairie » après une rafale : la preuve de travail, dans le navigateur (bureau)', () => {
  test('au quatrième message, « Je ne suis pas un robot » se vérifie sur place et le message part, texte conservé', async () => {
    const desk = await newContext(browser, 'bureau');
    const deskPage = await desk.newPage();
    const deskWatch = await monitor(deskPage);
    const CONTACT = `${BASE}/contacter-la-mairie`;
    try {
      // Messages sent as a hurried person would (the same address, over HTTP) until the ladder's
      // threshold (3 per address in 10 minutes; the street report above already counted one).
      const statuses: number[] = [];
      for (let i = 1; i <= 3; i++) {
        const form = await desk.request.get(url(CONTACT));
        const html = await form.text();
        if (html.includes('<altcha-widget')) break;
        const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
        const sent = await desk.request.post(url(CONTACT), {
          form: { _csrf: token, subject: `Message ${i}`, message: 'Bonjour.', name: 'Alex', email: 'alex@exemple.fr' },
          maxRedirects: 0,
        });
        statuses.push(sent.status());
      }
      expect(
        statuses.every((status) => status === 303),
        `envois avant le seuil : ${statuses}`,
      ).toBe(true);
      await deskPage.goto(url(CONTACT), { waitUntil: 'load' });
      const widget = deskPage.locator('altcha-widget');
      await expect.poll(() => widget.getByRole('checkbox').count()).toBe(1);
      // With JavaScript, the question for browsers without it is hidden.
      expect(await deskPage.locator('[data-guichet-question]').isHidden()).toBe(true);
      await deskPage.getByRole('textbox', { name: 'Objet' }).fill('Quatrième message');
      await deskPage
        .getByRole('textbox', { name: 'Votre message' })
        .fill('Le lampadaire de la rue des Lilas clignote.');
      await deskPage.getByRole('textbox', { name: 'Votre nom' }).fill('Alex');
      await deskPage.getByRole('textbox', { name: 'Votre adresse électronique' }).fill('alex@exemple.fr');
      expect(await axeViolations(deskPage), 'axe : formulaire avec la vérification').toEqual([]);
      await screenshot(deskPage, 'contact-challenge-1280');
      expect(await solveSpamChallengeIfAsked(deskPage)).toBe(true);
      await screenshot(deskPage, 'contact-challenge-solved-1280');
      await Promise.all([
        deskPage.waitForURL((u) => u.pathname === `${BASE}/demande-envoyee`),
        deskPage.getByRole('button', { name: 'Envoyer ma demande', exact: true }).click(),
      ]);
      expect(deskWatch.cspViolations, 'violations CSP').toEqual([]);
      expect(deskWatch.foreignRequests(), 'requêtes vers un autre site').toEqual([]);
    } finally {
      await desk.close();
    }
  });
});
