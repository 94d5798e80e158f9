/**
 * Issue 12's done-when journey in a real browser, with the ANTS coordination simulator the e2e
 * server is configured with (global-setup.ts): Villebelle's administrator opens a passport desk
 * (one seat per slot) and its ANTS motif; on phones, Camille books with a pre-application number
 * that the ANTS does not know (refused, in French), then with a valid one (declared at the ANTS),
 * gets the confirmation whose calendar file ical.js parses back; Dominique books later and asks
 * to be told of an earlier slot; Camille moves hers through the mail's link (no account), which
 * frees her slot: Dominique is offered it by mail, takes it, and the ANTS now holds her new time;
 * the état-civil agent checks her in, then subscribes a calendar to the desk (its secret address
 * read back with ical.js). axe finds nothing on each page.
 *
 * Slots are taken a few hours ahead (never within the walk-in queue's 15-minute horizon, whose
 * own e2e calls the next person of the état civil) and within the day (arrival is noted on the
 * day of the appointment).
 */
import ICAL from 'ical.js';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { DEMO_PASSWORD } from '../src/modules/demo/accounts.js';
import { antsDate } from '../src/platform/ants/coordination.js';
import {
  antsAppointmentsOf,
  axeViolations,
  horizontalOverflow,
  launchBrowser,
  newContext,
  openAllDayDesk,
  seedAntsApplication,
  signInWithPassword,
  solveSpamChallengeIfAsked,
  url,
  waitForMail,
} from './support.js';

const BASE = '/c/villebelle';
const MOTIF = 'Passeport ANTS (essai e2e)';
const PLACE = 'Mairie annexe (essai e2e)';
const CAMILLE = { name: 'Camille Bernard', email: 'camille.passeport@courriel.example', ants: 'E2EPASS001' };
const DOMINIQUE = { name: 'Dominique Leroy', email: 'dominique.passeport@courriel.example', ants: 'E2EPASS002' };
const HOUR = 3600_000;
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser?.close());

async function clean(page: Page, what: string) {
  expect(await axeViolations(page), `axe : ${what}`).toEqual([]);
}

/** The first slot of the desk `agendaId` listed on the page that starts at least `hoursAhead` from now. */
async function slotFrom(page: Page, agendaId: string, hoursAhead: number) {
  const earliest = Date.now() + hoursAhead * HOUR;
  for (const link of await page.locator(`.guichet-slots a[href*="agenda=${agendaId}"]`).all()) {
    const href = (await link.getAttribute('href')) ?? '';
    const startsAt = new Date(new URL(href, 'http://x').searchParams.get('debut') ?? '');
    if (startsAt.getTime() >= earliest) return { link, startsAt };
  }
  throw new Error(`aucun créneau à ${hoursAhead} h ou plus sur cette page`);
}

/** Books the motif on a phone from `hoursAhead`; returns the slot, or the page when refused. */
async function book(page: Page, agendaId: string, person: typeof CAMILLE, hoursAhead: number, ants = person.ants) {
  await page.goto(url(`${BASE}/rendez-vous`), { waitUntil: 'load' });
  await Promise.all([page.waitForLoadState('load'), page.getByRole('link', { name: MOTIF }).click()]);
  const { link, startsAt } = await slotFrom(page, agendaId, hoursAhead);
  await Promise.all([page.waitForURL(/reserver/), link.click()]);
  await page.getByLabel('Nom et prénom de la personne qui vient').fill(person.name);
  await page.getByLabel('Adresse électronique').fill(person.email);
  await page.getByLabel('Numéro de pré-demande ANTS').fill(ants);
  await solveSpamChallengeIfAsked(page);
  await Promise.all([
    page.waitForLoadState('load'),
    page.getByRole('button', { name: 'Confirmer le rendez-vous' }).click(),
  ]);
  return startsAt;
}

/** The management link of a mail (`…/rendez-vous/gerer/<secret>`), as a path. */
function manageLink(text: string | undefined): string {
  const found = /https?:\/\/\S+\/rendez-vous\/(?:gerer|offre)\/[A-Za-z0-9_-]{43}/.exec(text ?? '');
  expect(found, 'lien du courriel').not.toBeNull();
  return new URL(found![0]).pathname;
}

/** The Paris day of an instant, as the agent's day view takes it (`?jour=`). */
const parisDay = (d: Date) => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Paris' }).format(d);

test('a passport booked with its ANTS number, moved by the link; the freed slot goes to the waitlist; checked in', async () => {
  await seedAntsApplication(CAMILLE.ants, 'validated');
  await seedAntsApplication(DOMINIQUE.ants, 'validated');

  // The administrator opens the desk (every day, all day) and the passport motif (desktop).
  const adminContext = await newContext(browser, 'bureau');
  const admin = await adminContext.newPage();
  await signInWithPassword(admin, { email: 'admin@villebelle.example', password: DEMO_PASSWORD });
  const agendaId = await openAllDayDesk(admin, BASE, PLACE, 'Guichet passeports');
  await admin.goto(url(`${BASE}/admin/rendez-vous`), { waitUntil: 'load' });
  await admin.locator('#motif-service').selectOption({ label: 'État civil' });
  await admin.getByLabel('Nom', { exact: true }).fill(MOTIF);
  await admin.getByLabel('Délai minimum avant le rendez-vous (heures)').fill('0');
  await admin.getByLabel('Places par créneau').fill('1');
  await admin
    .getByRole('group', { name: /pré-demande ANTS/ })
    .getByLabel('Oui')
    .check();
  await admin.getByLabel('Documents à apporter (un par ligne)').fill('Récapitulatif de pré-demande\nPhoto d’identité');
  await Promise.all([
    admin.waitForURL(/fait=motif/),
    admin.getByRole('button', { name: 'Créer le type de rendez-vous' }).click(),
  ]);
  await adminContext.close();

  // Camille, on her phone: a number the ANTS does not know is refused, her typing kept.
  const camilleContext = await newContext(browser, 'téléphone');
  const camille = await camilleContext.newPage();
  await book(camille, agendaId, CAMILLE, 3, 'E2EINCONNU');
  expect(camille.url()).toContain('/reserver');
  await expect
    .poll(() => camille.locator('.govuk-error-summary').textContent())
    .toContain('L’ANTS ne connaît pas ce numéro de pré-demande');
  expect(await camille.getByLabel('Nom et prénom de la personne qui vient').inputValue()).toBe(CAMILLE.name);
  await clean(camille, 'réservation refusée par l’ANTS');
  expect(await horizontalOverflow(camille)).toEqual([]);

  // With her real number: booked, declared at the ANTS, confirmed by mail with its calendar file.
  const first = await book(camille, agendaId, CAMILLE, 3);
  await camille.waitForURL(/gerer\//);
  expect(await camille.locator('body').textContent()).toContain('Votre rendez-vous est réservé');
  await clean(camille, 'rendez-vous réservé');
  const confirmation = await waitForMail(CAMILLE.email, 'Rendez-vous confirmé');
  const ics = confirmation.attachments.find((a) => a.filename === 'rendez-vous.ics');
  const event = new ICAL.Event(
    new ICAL.Component(ICAL.parse(ics!.content.toString('utf8'))).getFirstSubcomponent('vevent')!,
  );
  expect(event.summary).toBe(`${MOTIF} – Villebelle`);
  expect(event.startDate.toJSDate().getTime()).toBe(first.getTime());
  await expect
    .poll(async () => (await antsAppointmentsOf(CAMILLE.ants)).map((a) => a.appointment_date))
    .toEqual([antsDate(first)]);
  await camilleContext.close();

  // Dominique books later the same day and asks to be told of an earlier slot.
  const dominiqueContext = await newContext(browser, 'téléphone');
  const dominique = await dominiqueContext.newPage();
  const second = await book(dominique, agendaId, DOMINIQUE, 6);
  await dominique.waitForURL(/gerer\//);
  expect(second.getTime()).toBeGreaterThan(first.getTime());
  await Promise.all([
    dominique.waitForURL(/fait=attente/),
    dominique.getByRole('button', { name: 'Me prévenir si un créneau plus tôt se libère' }).click(),
  ]);
  await clean(dominique, 'liste d’attente');
  await dominiqueContext.close();

  // Camille moves hers through the mail's link, in a browser without her session.
  const linkContext = await newContext(browser, 'téléphone');
  const linkPage = await linkContext.newPage();
  await linkPage.goto(url(manageLink(confirmation.text)), { waitUntil: 'load' });
  await Promise.all([
    linkPage.waitForURL(/deplacer/),
    linkPage.getByRole('button', { name: 'Choisir un autre créneau' }).click(),
  ]);
  await clean(linkPage, 'choisir un autre créneau');
  const later = await slotFrom(linkPage, agendaId, 9);
  await Promise.all([linkPage.waitForURL(/debut=/), later.link.click()]);
  await Promise.all([
    linkPage.waitForURL(/fait=deplace/),
    linkPage.getByRole('button', { name: 'Déplacer mon rendez-vous' }).click(),
  ]);
  expect(await linkPage.locator('body').textContent()).toContain('Votre rendez-vous est déplacé');
  await clean(linkPage, 'rendez-vous déplacé');
  await waitForMail(CAMILLE.email, 'Rendez-vous déplacé');
  await expect
    .poll(async () => (await antsAppointmentsOf(CAMILLE.ants)).map((a) => a.appointment_date))
    .toEqual([antsDate(later.startsAt)]);
  await linkContext.close();

  // Her old slot is offered to Dominique, who takes it from the mail.
  const offer = await waitForMail(DOMINIQUE.email, 'Un créneau plus tôt s’est libéré');
  const offerContext = await newContext(browser, 'téléphone');
  const offerPage = await offerContext.newPage();
  await offerPage.goto(url(manageLink(offer.text)), { waitUntil: 'load' });
  await clean(offerPage, 'proposition d’un créneau plus tôt');
  await Promise.all([
    offerPage.waitForLoadState('load'),
    offerPage.getByRole('button', { name: 'Prendre ce créneau' }).click(),
  ]);
  expect(await offerPage.getByRole('heading', { level: 1 }).textContent()).toBe('Votre rendez-vous est avancé');
  await clean(offerPage, 'rendez-vous avancé');
  await offerContext.close();
  await waitForMail(DOMINIQUE.email, 'Rendez-vous déplacé');
  await expect
    .poll(async () => (await antsAppointmentsOf(DOMINIQUE.ants)).map((a) => a.appointment_date))
    .toEqual([antsDate(first)]);

  // The état-civil agent checks Dominique in, at her new time.
  const agentContext = await newContext(browser, 'bureau');
  const agent = await agentContext.newPage();
  await signInWithPassword(agent, { email: 'agent.etat-civil@villebelle.example', password: DEMO_PASSWORD });
  await agent.goto(url(`${BASE}/agent/rendez-vous?jour=${parisDay(first)}`), { waitUntil: 'load' });
  const row = agent.getByRole('row').filter({ hasText: DOMINIQUE.name }).filter({ hasText: 'confirmé' });
  expect(await row.count()).toBe(1);
  await Promise.all([agent.waitForURL(/fait=arrivee/), row.getByRole('button', { name: /Arrivé/ }).click()]);
  expect(await agent.getByRole('row').filter({ hasText: DOMINIQUE.name }).filter({ hasText: 'arrivé' }).count()).toBe(
    1,
  );
  await clean(agent, 'journée du guichet après l’arrivée');

  // Their calendar application can show the desks' appointments: a secret address, shown once.
  await Promise.all([
    agent.waitForURL(/agenda-en-ligne/),
    agent.getByRole('link', { name: 'Dans mon agenda' }).click(),
  ]);
  await clean(agent, 'mes rendez-vous dans mon agenda');
  await agent.getByLabel('Guichets').selectOption({ label: `${PLACE}, Guichet passeports` });
  await Promise.all([agent.waitForLoadState('load'), agent.getByRole('button', { name: 'Créer l’adresse' }).click()]);
  const address = (await agent.locator('code').textContent()) ?? '';
  await clean(agent, 'adresse créée');
  const feed = await (await fetch(address)).text();
  const summaries = new ICAL.Component(ICAL.parse(feed))
    .getAllSubcomponents('vevent')
    .map((v) => new ICAL.Event(v).summary);
  expect(summaries).toEqual(expect.arrayContaining([`${MOTIF} – ${DOMINIQUE.name}`, `${MOTIF} – ${CAMILLE.name}`]));
  await agentContext.close();
});
