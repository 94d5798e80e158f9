/**
 * Issue 12 in a real browser on the demo: the administrator of Villebelle opens a desk of the
 * état civil (hours every day, all day) and a passport motif; a visitor books it on a 390 px
 * phone, receives the confirmation whose calendar file ical.js parses back, cancels by the
 * mail's link; booked again, the état-civil agent checks the person in. axe finds nothing on each
 * page; no sideways scrolling on the phone.
 */
import ICAL from 'ical.js';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { DEMO_PASSWORD } from '../src/modules/demo/accounts.js';
import {
  axeViolations,
  horizontalOverflow,
  launchBrowser,
  newContext,
  openAllDayDesk,
  signInWithPassword,
  solveSpamChallengeIfAsked,
  url,
  waitForMail,
} from './support.js';

const BASE = '/c/villebelle';
const VISITOR = 'visiteur.rdv@courriel.example';
const MOTIF = 'Passeport (essai e2e)';
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser?.close());

async function clean(page: Page, what: string) {
  expect(await axeViolations(page), `axe : ${what}`).toEqual([]);
}

test('a visitor books on a phone, gets the ICS, cancels by the link; the agent checks in', async () => {
  // The administrator sets up the desk and the motif (desktop).
  const adminContext = await newContext(browser, 'bureau');
  const admin = await adminContext.newPage();
  await signInWithPassword(admin, { email: 'admin@villebelle.example', password: DEMO_PASSWORD });
  await admin.goto(url(`${BASE}/admin/rendez-vous`), { waitUntil: 'load' });
  await clean(admin, 'administration des rendez-vous');
  await openAllDayDesk(admin, BASE, 'Mairie', 'Guichet e2e');
  await clean(admin, 'page d’un agenda');
  await admin.goto(url(`${BASE}/admin/rendez-vous`), { waitUntil: 'load' });
  await admin.locator('#motif-service').selectOption({ label: 'État civil' });
  await admin.getByLabel('Nom', { exact: true }).fill(MOTIF);
  await admin.getByLabel('Délai minimum avant le rendez-vous (heures)').fill('0');
  await admin.getByLabel('Documents à apporter (un par ligne)').fill('Numéro de pré-demande\nPhoto d’identité');
  await Promise.all([
    admin.waitForURL(/fait=motif/),
    admin.getByRole('button', { name: 'Créer le type de rendez-vous' }).click(),
  ]);
  await adminContext.close();

  // The visitor books on a phone.
  const phoneContext = await newContext(browser, 'téléphone');
  const phone = await phoneContext.newPage();
  await phone.goto(url(`${BASE}/rendez-vous`), { waitUntil: 'load' });
  await clean(phone, 'liste des rendez-vous');
  await Promise.all([phone.waitForLoadState('load'), phone.getByRole('link', { name: MOTIF }).click()]);
  await expect.poll(() => phone.locator('body').textContent()).toContain('Photo d’identité');
  await clean(phone, 'créneaux');
  expect(await horizontalOverflow(phone)).toEqual([]);
  const book = async () => {
    await phone.goto(url(`${BASE}/rendez-vous`), { waitUntil: 'load' });
    await Promise.all([phone.waitForLoadState('load'), phone.getByRole('link', { name: MOTIF }).click()]);
    // Not the first slot: under load it can start while the visitor types, and is then refused.
    const slot = phone.locator('.guichet-slots a').nth(1);
    const startsAt = new URL(url((await slot.getAttribute('href')) ?? ''), 'http://x').searchParams.get('debut')!;
    await Promise.all([phone.waitForURL(/reserver/), slot.click()]);
    await phone.getByLabel('Nom et prénom de la personne qui vient').fill('Camille Martin');
    await phone.getByLabel('Adresse électronique').fill(VISITOR);
    // After the suite's other anonymous forms, this address is asked for a proof of work.
    await solveSpamChallengeIfAsked(phone);
    await Promise.all([
      phone.waitForURL(/gerer\//),
      phone.getByRole('button', { name: 'Confirmer le rendez-vous' }).click(),
    ]);
    // The day of the slot in Paris, as the agent's day view takes it.
    return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Paris' }).format(new Date(startsAt));
  };
  await book();
  await clean(phone, 'formulaire de réservation (page suivante)');
  expect(await phone.locator('body').textContent()).toContain('Votre rendez-vous est réservé');
  expect(await horizontalOverflow(phone)).toEqual([]);

  // The confirmation and its calendar file.
  const mail = await waitForMail(VISITOR, 'Rendez-vous confirmé');
  const ics = mail.attachments.find((a) => a.filename === 'rendez-vous.ics');
  expect(ics?.contentType).toBe('text/calendar');
  const event = new ICAL.Event(
    new ICAL.Component(ICAL.parse(ics!.content.toString('utf8'))).getFirstSubcomponent('vevent')!,
  );
  expect(event.summary).toBe(`${MOTIF} – Villebelle`);
  expect(event.endDate.toJSDate().getTime() - event.startDate.toJSDate().getTime()).toBe(30 * 60_000);
  const link = /https?:\/\/\S+\/rendez-vous\/gerer\/[A-Za-z0-9_-]{43}/.exec(mail.text ?? '')![0];

  // Cancelled by the mail's link, in another browser (no account, no cookie).
  const other = await newContext(browser, 'téléphone');
  const linkPage = await other.newPage();
  await linkPage.goto(url(new URL(link).pathname), { waitUntil: 'load' });
  await clean(linkPage, 'page du rendez-vous');
  await Promise.all([
    linkPage.waitForURL(/fait=annule/),
    linkPage.getByRole('button', { name: 'Annuler le rendez-vous' }).click(),
  ]);
  expect(await linkPage.locator('body').textContent()).toContain('Votre rendez-vous est annulé');
  await other.close();

  // Booked again; the agent of the état civil checks the person in.
  const day = await book();
  await phoneContext.close();
  const agentContext = await newContext(browser, 'bureau');
  const agent = await agentContext.newPage();
  await signInWithPassword(agent, { email: 'agent.etat-civil@villebelle.example', password: DEMO_PASSWORD });
  await agent.goto(url(`${BASE}/agent/rendez-vous?jour=${day}`), { waitUntil: 'load' });
  await clean(agent, 'journée du guichet');
  const row = agent.getByRole('row').filter({ hasText: 'Camille Martin' }).filter({ hasText: 'confirmé' });
  await Promise.all([agent.waitForURL(/fait=arrivee/), row.getByRole('button', { name: /Arrivé/ }).click()]);
  expect(await agent.getByRole('row').filter({ hasText: 'Camille Martin' }).filter({ hasText: 'arrivé' }).count()).toBe(
    1,
  );
  await agentContext.close();
});
