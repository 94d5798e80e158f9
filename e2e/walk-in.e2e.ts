/**
 * The walk-in queue (issue 12, item 5) in a real browser on the demo: the administrator offers a
 * motif « en ticket »; a visitor takes a ticket on a 390 px phone and sees the people ahead; the
 * état-civil agent calls the next person to « Guichet 3 » on a desktop; the waiting room's screen
 * shows the call; the phone's page turns to « C’est à vous » by itself (its script), and the agent
 * closes the ticket. axe finds nothing on each page; no sideways scrolling on the phone.
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
  solveSpamChallengeIfAsked,
  squash,
  url,
} from './support.js';

const BASE = '/c/villebelle';
const MOTIF = 'Accueil état civil (essai e2e)';
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser?.close());

async function clean(page: Page, what: string) {
  expect(await axeViolations(page), `axe : ${what}`).toEqual([]);
}

test('a visitor takes a ticket on a phone, the agent calls it to a desk, the screen and the phone show it', async () => {
  const adminContext = await newContext(browser, 'bureau');
  const admin = await adminContext.newPage();
  await signInWithPassword(admin, { email: 'admin@villebelle.example', password: DEMO_PASSWORD });
  await admin.goto(url(`${BASE}/admin/rendez-vous`), { waitUntil: 'load' });
  await admin.locator('#motif-service').selectOption({ label: 'État civil' });
  await admin.getByLabel('Nom', { exact: true }).fill(MOTIF);
  await admin
    .getByRole('group', { name: /Proposé en ticket/ })
    .getByLabel('Oui')
    .check();
  await Promise.all([
    admin.waitForURL(/fait=motif/),
    admin.getByRole('button', { name: 'Créer le type de rendez-vous' }).click(),
  ]);
  await adminContext.close();

  // The visitor, on a phone, by the QR code at the entrance.
  const phoneContext = await newContext(browser, 'téléphone');
  const phone = await phoneContext.newPage();
  await phone.goto(url(`${BASE}/accueil/ticket`), { waitUntil: 'load' });
  await clean(phone, 'prendre un ticket');
  expect(await horizontalOverflow(phone)).toEqual([]);
  await phone.getByLabel(MOTIF).check();
  await solveSpamChallengeIfAsked(phone);
  await Promise.all([
    phone.waitForURL(/accueil\/ticket\/[A-Za-z0-9_-]{43}$/),
    phone.getByRole('button', { name: 'Prendre un ticket' }).click(),
  ]);
  const heading = (await phone.getByRole('heading', { level: 1 }).textContent()) ?? '';
  const number = /(\d+)/.exec(heading)![1]!;
  await expect.poll(() => phone.locator('main').textContent()).toMatch(/prochaine personne appelée|avant vous/);
  await clean(phone, 'page du ticket');
  expect(await horizontalOverflow(phone)).toEqual([]);

  // The agent of the état civil calls the next person (the queue may hold earlier tickets).
  const deskContext = await newContext(browser, 'bureau');
  const desk = await deskContext.newPage();
  await signInWithPassword(desk, { email: 'agent.etat-civil@villebelle.example', password: DEMO_PASSWORD });
  await desk.goto(url(`${BASE}/agent/file-d-attente`), { waitUntil: 'load' });
  await clean(desk, 'file d’attente (agent)');
  await desk.getByLabel('Votre guichet').fill('Guichet 3');
  for (let i = 0; i < 20; i++) {
    await Promise.all([
      desk.waitForURL(/appele=|fait=personne/),
      desk.getByRole('button', { name: 'Appeler la personne suivante' }).click(),
    ]);
    if (desk.url().includes(`appele=${number}&`)) break;
    const close = desk.getByRole('button', { name: /Personne reçue/ });
    if ((await close.count()) > 0) await Promise.all([desk.waitForURL(/fait=servi/), close.first().click()]);
  }
  expect(desk.url()).toContain(`appele=${number}&`);
  await clean(desk, 'file d’attente, ticket appelé');

  // The waiting room's screen.
  const screenContext = await newContext(browser, 'bureau');
  const screen = await screenContext.newPage();
  await screen.goto(url(`${BASE}/accueil/ecran`), { waitUntil: 'load' });
  await expect.poll(() => screen.locator('.govuk-panel').textContent()).toContain(`Ticket ${number}`);
  expect(await screen.locator('.govuk-panel').textContent()).toContain('Guichet 3');
  await clean(screen, 'écran de la salle d’attente');

  // The phone's page says it by itself, within its 15-second round.
  await expect
    .poll(async () => squash((await phone.locator('[data-ticket-state]').textContent()) ?? ''), { timeout: 25_000 })
    .toContain('C’est à vous : présentez-vous au Guichet 3.');

  await Promise.all([
    desk.waitForURL(/fait=servi/),
    desk
      .getByRole('button', { name: /Personne reçue/ })
      .first()
      .click(),
  ]);
  await expect
    .poll(async () => squash((await desk.locator('main').textContent()) ?? ''))
    .toContain('Ticket clos : personne reçue.');
  await Promise.all([phoneContext.close(), deskContext.close(), screenContext.close()]);
});
