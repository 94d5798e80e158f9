/**
 * Issue 17 in a real browser on the demo: the administrator publishes the staff notice and
 * launches a phishing simulation to two named agents at once; the urbanisme agent opens the link
 * on a phone, types into the fake page and « submits » — the request carries nothing typed —,
 * lands on the teachable moment, follows the training and passes its quiz (his trainings page then
 * shows it passed, four left); his colleague of the
 * technical services reports it from his phone; the campaign's results and the cyber
 * panel show the rates. axe finds nothing on any page.
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
const COLLEAGUE = 'agent.technique@villebelle.example';
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
  // Two named people, sent at once (a window of 0 hours): other files add colleagues to the
  // services, and a window spreads the sendings in a random order.
  await desk.getByText('Viser aussi des personnes nommément').click();
  const people = desk.getByRole('group', { name: 'Personnes visées' });
  await people.getByRole('checkbox', { name: 'Hugo Lefèvre' }).check();
  await people.getByRole('checkbox', { name: 'Karim Haddad' }).check();
  await desk.getByLabel('Durée de l’envoi, en heures').fill('0');
  await submit(desk, 'Lancer la campagne');
  expect(new URL(desk.url()).pathname).toMatch(/\/admin\/sensibilisation\/campagnes\/[0-9a-f-]{36}$/);
  const campaignUrl = desk.url().replace(/\?.*$/, '');
  await clean(desk, 'campagne lancée');

  // Both mails leave at once.
  const mail = await waitForMail(AGENT, SUBJECT);
  const colleagueMail = await waitForMail(COLLEAGUE, SUBJECT);
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
  expect(moment).toContain(
    'Pour aller plus loin : la formation « Des mots de passe solides, et un gestionnaire pour les garder »',
  );
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
  // Their trainings, on the phone: the phishing one passed, four left, no certificate yet.
  await phone.goto(url('/c/villebelle/agent/sensibilisation'), { waitUntil: 'load' });
  const trainings = squash(await phone.locator('main').textContent());
  expect(trainings).toMatch(/Reconnaître un hameçonnage par courriel ou par SMS\s?5 minutes\s?Réussie le/);
  expect(trainings).toContain('1 sur 5 pour l’instant');
  await clean(phone, 'mes formations', true);
  await screenshot(phone, 'sensibilisation-formations-390');

  await phoneContext.close();

  // His colleague, on his phone too, does not click: he reports the message, and is thanked at once.
  const tabletContext = await newContext(browser, 'téléphone');
  const tablet = await tabletContext.newPage();
  await signInWithPassword(tablet, { email: COLLEAGUE, password: DEMO_PASSWORD });
  await tablet.goto(url('/c/villebelle/agent/sensibilisation/signaler'), { waitUntil: 'load' });
  await clean(tablet, 'signaler un hameçonnage', true);
  await tablet.getByLabel('Le message suspect').fill(`${colleagueMail.subject}\n\n${colleagueMail.text}`);
  await submit(tablet, 'Signaler le message');
  expect(squash(await tablet.locator('main').textContent())).toContain('Bravo, c’était un exercice');
  await clean(tablet, 'signalement reçu', true);
  await tabletContext.close();

  // The campaign's results: two recipients, one clicked and « submitted », the other reported.
  await desk.goto(campaignUrl, { waitUntil: 'load' });
  const results = squash(await desk.locator('main').textContent());
  expect(results).toMatch(/Personnes visées\s?2/);
  expect(results).toMatch(/Taux de clic\s?50\s?%/);
  expect(results).toMatch(/Taux de signalement\s?50\s?%/);
  await clean(desk, 'résultats de la campagne');
  await screenshot(desk, 'sensibilisation-resultats-1280');
  // And the cyber panel shows the commune's rates.
  await desk.goto(url('/c/villebelle/admin/cyber'), { waitUntil: 'load' });
  const panel = squash(await desk.locator('main').textContent());
  expect(panel).toMatch(/Clics sur les exercices d’hameçonnage \(12 mois\)\s?50\s?%/);
  expect(panel).toMatch(/Signalements des exercices d’hameçonnage \(12 mois\)\s?50\s?%/);
  await deskContext.close();
}, 180_000);
