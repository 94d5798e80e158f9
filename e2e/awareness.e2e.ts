/**
 * Issue 17 in a real browser on the demo: the administrator publishes the staff notice and
 * launches a phishing simulation to the urbanisme agent, named; he receives the mail, opens the
 * link on a phone, types into the fake page and « submits » — the request carries nothing typed —,
 * lands on the teachable moment, follows the training and passes its quiz, then reports the
 * message; the campaign's results show the rates. axe finds nothing on any page.
 */
import type { Browser, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { DEMO_PASSWORD } from '../src/modules/demo/accounts.js';
import {
  axeViolations,
  horizontalOverflow,
  launchBrowser,
  newContext,
  screenshot,
  signInWithPassword,
  squash,
  url,
  waitForMail,
} from './support.js';

const ADMIN = '/c/villebelle/admin/sensibilisation';
const AGENT = 'agent.urbanisme@villebelle.example';
const SUBJECT = 'Votre mot de passe expire aujourd’hui';

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

async function clean(page: Page, what: string, phone = false) {
  expect(await axeViolations(page), `axe : ${what}`).toEqual([]);
  if (phone) expect(await horizontalOverflow(page), `débordement : ${what}`).toEqual([]);
}

async function submit(page: Page, name: string) {
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name, exact: true }).click()]);
}

test('a simulation launched after the staff notice: clicked, « submitted » with nothing typed sent, learnt from, reported; the results show it', async () => {
  // The administrator, on a desktop: the notice first, then the campaign.
  const deskContext = await newContext(browser, 'bureau');
  const desk = await deskContext.newPage();
  await signInWithPassword(desk, { email: 'admin@villebelle.example', password: DEMO_PASSWORD });
  await desk.goto(url(ADMIN), { waitUntil: 'load' });
  await clean(desk, 'sensibilisation (administration)');
  await submit(desk, 'Publier la note d’information');
  expect(squash(await desk.locator('main').textContent())).toContain('Publier à nouveau la note');
  await desk.goto(url(`${ADMIN}/campagnes/nouvelle`), { waitUntil: 'load' });
  await clean(desk, 'nouvelle campagne');
  await desk.getByLabel('Nom de la campagne').fill('Décembre 2026 – urbanisme');
  await desk.getByRole('radio', { name: 'Expiration du mot de passe de messagerie' }).check();
  // One named person: other files add colleagues to the urbanisme service (an invited agent), and a
  // service's sendings are spread over the window in a random order.
  await desk.getByText('Viser aussi des personnes nommément').click();
  await desk.getByRole('group', { name: 'Personnes visées' }).getByRole('checkbox', { name: 'Hugo Lefèvre' }).check();
  await desk.getByLabel('Durée de l’envoi, en heures').fill('1');
  await submit(desk, 'Lancer la campagne');
  expect(new URL(desk.url()).pathname).toMatch(/\/admin\/sensibilisation\/campagnes\/[0-9a-f-]{36}$/);
  const campaignUrl = desk.url().replace(/\?.*$/, '');
  await clean(desk, 'campagne lancée');

  // The only recipient's mail leaves at once (the first of the window).
  const mail = await waitForMail(AGENT, SUBJECT);
  const link = /https?:\/\/[^\s"<>]+\/c\/villebelle\/lien\/[A-Za-z0-9_-]+/.exec(String(mail.text))?.[0];
  expect(link, String(mail.text)).toBeDefined();

  // The agent, on a phone: the fake page; what is typed never leaves the browser.
  const phoneContext = await newContext(browser, 'téléphone');
  const phone = await phoneContext.newPage();
  await signInWithPassword(phone, { email: AGENT, password: DEMO_PASSWORD });
  await phone.goto(link!, { waitUntil: 'load' });
  await clean(phone, 'fausse page', true);
  await phone.getByLabel('Identifiant ou adresse électronique').fill('julien.urbanisme');
  await phone.getByLabel('Mot de passe').fill('MonVraiMotDePasse!42');
  const posts: Request[] = [];
  phone.on('request', (r) => {
    if (r.method() === 'POST') posts.push(r);
  });
  await submit(phone, 'Confirmer');
  expect(posts).toHaveLength(1);
  const sent = new URLSearchParams(posts[0]!.postData() ?? '');
  expect([...sent.keys()]).toEqual(['_csrf']);
  expect(posts[0]!.postData() ?? '').not.toContain('MonVraiMotDePasse');
  expect(posts[0]!.postData() ?? '').not.toContain('julien.urbanisme');

  // The teachable moment, then the training and its quiz.
  expect(new URL(phone.url()).pathname).toMatch(/\/lien\/[A-Za-z0-9_-]+\/a-retenir$/);
  const moment = squash(await phone.locator('main').textContent());
  expect(moment).toContain('Aucun service informatique ne demande');
  await clean(phone, 'ce qu’il fallait voir', true);
  await screenshot(phone, 'sensibilisation-a-retenir-390');
  await Promise.all([
    phone.waitForEvent('load'),
    phone.locator('main a[href*="/agent/sensibilisation/formations/"]').first().click(),
  ]);
  await clean(phone, 'formation', true);
  await phone
    .getByRole('radio', { name: 'J’appelle le fournisseur au numéro habituel, pas à celui du message.' })
    .check();
  await phone
    .getByRole('radio', { name: 'Aucun service informatique ne demande cela : je signale le message.' })
    .check();
  await phone
    .getByRole('radio', { name: 'Je change le mot de passe depuis le site habituel et je préviens l’administrateur.' })
    .check();
  await submit(phone, 'Valider mes réponses');
  await clean(phone, 'formation réussie', true);

  // The agent reports the message: thanked at once, counted as the right reflex.
  await phone.goto(url('/c/villebelle/agent/sensibilisation/signaler'), { waitUntil: 'load' });
  await clean(phone, 'signaler un hameçonnage', true);
  await phone.getByLabel('Le message suspect').fill(`${mail.subject}\n\n${mail.text}`);
  await submit(phone, 'Signaler le message');
  expect(squash(await phone.locator('main').textContent())).toContain('Bravo, c’était un exercice');
  await clean(phone, 'signalement reçu', true);
  await phoneContext.close();

  // The campaign's results: one recipient, who clicked, « submitted » and reported.
  await desk.goto(campaignUrl, { waitUntil: 'load' });
  const results = squash(await desk.locator('main').textContent());
  expect(results).toMatch(/100\s?%/);
  await clean(desk, 'résultats de la campagne');
  await screenshot(desk, 'sensibilisation-resultats-1280');
  await deskContext.close();
}, 180_000);
