/**
 * Issue 4, "Done when", in a real browser: in the demo, Camille (citizen) files the street report
 * démarche "Signaler un problème sur la voie publique" with her name and e-mail prefilled from
 * her account and a photo attached, gets the receipt by e-mail, the mayor (who sees every
 * service; the démarche goes to the Services techniques, which have no demo agent) finds it in
 * the agents' inbox, writes an internal note, writes to Camille and accepts it with a closing
 * message; Camille then sees the whole history (never the internal note) and downloads the
 * receipt PDF.
 *
 * axe finds nothing on every page of the journey: desktop with our scripts for everyone, and for
 * the citizen pages also a phone with our scripts blocked (Camille files a second report there,
 * which shows the forms work without JavaScript). No console error, no failed request, no CSP
 * violation, no request to another origin; no sideways scrolling on the phone.
 *
 * The demo accounts are shared with the other e2e files: this file only adds requests (and the
 * mails they cause); it changes no account.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEMO_PASSWORD } from '../src/modules/demo/accounts.js';
import {
  axeViolations,
  blockScripts,
  horizontalOverflow,
  launchBrowser,
  type Monitor,
  monitor,
  newContext,
  openStaffPage,
  signInWithPassword,
  squash,
  url,
  type ViewportName,
} from './support.js';

const BASE = '/c/villebelle';
const CITIZEN = 'camille.martin@courriel.example';
const MAYOR = 'maire@villebelle.example';
const PROCEDURE = 'Signaler un problème sur la voie publique';
const FLOW = `${BASE}/demarches/signalement-voirie`;
const PHOTO = 'nid-de-poule.jpg';
const DESCRIPTION = 'Un nid-de-poule profond devant le numéro 12, les vélos font un écart.';
// A plausible postcode: the demo commune's own, 00100, is refused by the address field.
const ADDRESS = { line1: '12 rue des Tilleuls', postcode: '01100', city: 'Villebelle' };
const NOTE = 'Voir avec l’entreprise Durand, qui a refait la chaussée en mars.';
const MESSAGE = 'Bonjour, une équipe des services techniques passe cette semaine.';
const CLOSING = 'Le trou a été rebouché ce matin. Merci pour votre signalement.';
const MAIL_TIMEOUT_MS = 10_000;
const NUMBER = /^\d{4}-\d{6}$/;

let browser: Browser;
let photoDir: string;
let photoPath: string;
/** Number of the request Camille files on the desktop (set by the first test). */
let requestNumber = '';

beforeAll(async () => {
  browser = await launchBrowser();
  // A small real JPEG, encoded by Chromium's canvas.
  const scratch = await browser.newPage();
  const dataUrl = await scratch.evaluate(() => {
    const canvas = document.createElement('canvas');
    canvas.width = 16;
    canvas.height = 12;
    const g = canvas.getContext('2d')!;
    g.fillStyle = '#5a5a5a';
    g.fillRect(0, 0, 16, 12);
    g.fillStyle = '#2b2b2b';
    g.fillRect(5, 4, 6, 4);
    return canvas.toDataURL('image/jpeg', 0.8);
  });
  await scratch.close();
  photoDir = await mkdtemp(path.join(tmpdir(), 'guichet-e2e-photo-'));
  photoPath = path.join(photoDir, PHOTO);
  await writeFile(photoPath, Buffer.from(dataUrl.replace(/^data:image\/jpeg;base64,/, ''), 'base64'));
});

afterAll(async () => {
  await browser?.close();
  if (photoDir) await rm(photoDir, { recursive: true, force: true });
});

interface Session {
  context: BrowserContext;
  page: Page;
  watch: Monitor;
  viewport: ViewportName;
}

/** A context signed in as `email` through the real form, with a monitor on its page. */
async function signedIn(email: string, viewport: ViewportName, { withScripts = true } = {}): Promise<Session> {
  const context = await newContext(browser, viewport);
  if (!withScripts) await blockScripts(context);
  const page = await context.newPage();
  const watch = await monitor(page, { scriptsBlocked: !withScripts });
  const landing = await signInWithPassword(page, { email, password: DEMO_PASSWORD });
  // Issue 19: staff land on their workspace (the inbox), a citizen on their own space.
  expect(landing, `connexion de ${email}`).toBe(email === CITIZEN ? `${BASE}/mon-espace` : `${BASE}/agent/demandes`);
  return { context, page, watch, viewport };
}

/**
 * What every page of the journey must be: axe finds nothing, no sideways scrolling on a phone,
 * no CSP violation, console error, failed request or request to another origin since the last
 * check. Then forgets what the monitor saw.
 */
async function expectClean({ page, watch, viewport }: Session, what: string): Promise<void> {
  expect(await axeViolations(page), `axe : ${what}`).toEqual([]);
  if (viewport === 'téléphone') expect(await horizontalOverflow(page), `défilement horizontal : ${what}`).toEqual([]);
  expect(watch.cspViolations, `violations CSP : ${what}`).toEqual([]);
  expect(watch.problems, `erreurs de console ou requêtes en échec : ${what}`).toEqual([]);
  expect(watch.foreignRequests(), `requêtes vers un autre site : ${what}`).toEqual([]);
  watch.reset();
}

/** Clicks a button (or a link) and waits for the page the server sends the browser to. */
async function clickAndWait(page: Page, role: 'button' | 'link', name: string, target: string): Promise<void> {
  await Promise.all([
    page.waitForURL((u) => `${u.pathname}${u.search}` === target),
    page.getByRole(role, { name, exact: true }).click(),
  ]);
  await page.waitForLoadState('load');
}

const continueTo = (page: Page, pageId: string) => clickAndWait(page, 'button', 'Continuer', `${FLOW}/${pageId}`);

/** The rows (key → value) of the summary lists of the main content. */
async function summaryRows(page: Page): Promise<Array<[string, string]>> {
  const rows = await page
    .locator('main .govuk-summary-list__row')
    .evaluateAll((divs) =>
      divs.map((div) => [
        div.querySelector('.govuk-summary-list__key')?.textContent ?? '',
        div.querySelector('.govuk-summary-list__value')?.textContent ?? '',
      ]),
    );
  return rows.map(([key, value]) => [squash(key ?? ''), squash(value ?? '')]);
}

/** Waits until the demo mailbox holds a mail to `to` with each subject; returns their links. */
async function waitForMails(context: BrowserContext, to: string, subjects: string[]): Promise<Map<string, string>> {
  const mailbox = await openStaffPage(context.browser()!); // the mailbox is for staff
  const found = new Map<string, string>();
  try {
    const deadline = Date.now() + MAIL_TIMEOUT_MS;
    while (Date.now() < deadline) {
      await mailbox.goto(url('/_demo/courriels'), { waitUntil: 'load' });
      const rows = await mailbox
        .getByRole('table', { name: 'Courriels envoyés' })
        .getByRole('row')
        .evaluateAll((trs) =>
          trs.map((tr) => {
            const cells = tr.querySelectorAll('td');
            return {
              to: (cells[1]?.textContent ?? '').trim(),
              subject: (cells[2]?.textContent ?? '').replace(/[\s\u00a0\u202f]+/g, ' ').trim(),
              href: cells[2]?.querySelector('a')?.getAttribute('href') ?? '',
            };
          }),
        );
      for (const row of rows) if (row.to === to && subjects.includes(row.subject)) found.set(row.subject, row.href);
      if (found.size === subjects.length) break;
      await mailbox.waitForTimeout(300);
    }
  } finally {
    await mailbox.close();
  }
  expect([...found.keys()].sort(), `courriels à ${to} dans /_demo/courriels`).toEqual([...subjects].sort());
  return found;
}

/** The text of a mail of the demo mailbox. */
async function mailText(context: BrowserContext, href: string): Promise<string> {
  const mailbox = await openStaffPage(context.browser()!);
  try {
    await mailbox.goto(url(href), { waitUntil: 'load' });
    return squash(await mailbox.locator('.guichet-mail-body').textContent());
  } finally {
    await mailbox.close();
  }
}

/**
 * Fills the démarche from its start page to the confirmation, checking each page: the first page
 * also once sent empty (422, French error), « Vos coordonnées » prefilled from the account, the
 * review page showing the answers and the photo. Returns the request's number.
 */
async function fileStreetReport(session: Session): Promise<string> {
  const { page, watch } = session;
  await clickAndWait(page, 'button', 'Commencer', `${FLOW}/probleme`);
  expect(await page.title()).toBe(`Type de problème – ${PROCEDURE} – Villebelle`);
  expect(squash(await page.locator('.govuk-caption-l').first().textContent())).toBe('Étape 1 sur 5');
  await expectClean(session, 'étape « Type de problème »');

  // Sent empty: the same page, 422, with the French message in the summary and at the field.
  watch.expectDocumentStatus(url(`${FLOW}/probleme`), 422);
  const [empty] = await Promise.all([
    page.waitForResponse((r) => r.request().isNavigationRequest() && r.request().method() === 'POST'),
    page.waitForEvent('load'),
    page.getByRole('button', { name: 'Continuer', exact: true }).click(),
  ]);
  expect(empty.status()).toBe(422);
  expect(await page.title()).toBe(`Erreur\u00a0: Type de problème – ${PROCEDURE} – Villebelle`);
  const summary = page.locator('.govuk-error-summary');
  expect(await summary.getByRole('link').allTextContents()).toEqual(['Sélectionnez le type de problème']);
  expect(squash(await page.locator('.govuk-error-message').textContent())).toBe(
    'Erreur : Sélectionnez le type de problème',
  );
  await expectClean(session, 'étape « Type de problème » en erreur');

  await page.getByRole('radio', { name: 'Trou ou chaussée abîmée', exact: true }).check();
  await continueTo(page, 'danger');
  await expectClean(session, 'étape « Danger »');

  await page.getByRole('radio', { name: 'Non', exact: true }).check();
  await continueTo(page, 'lieu');
  await expectClean(session, 'étape « Lieu du problème »');

  // With our scripts the street field is an address combobox (local suggestions, see
  // road-report.e2e.ts); without them, a plain text field.
  await page
    .getByRole('combobox', { name: 'Numéro et voie' })
    .or(page.getByRole('textbox', { name: 'Numéro et voie' }))
    .fill(ADDRESS.line1);
  await page.getByRole('textbox', { name: 'Code postal' }).fill(ADDRESS.postcode);
  await page.getByRole('textbox', { name: 'Commune', exact: true }).fill(ADDRESS.city);
  await continueTo(page, 'description');
  await expectClean(session, 'étape « Description »');

  await page.getByRole('textbox', { name: 'Décrivez le problème' }).fill(DESCRIPTION);
  await page.getByLabel('Une photo du problème (facultatif)').setInputFiles(photoPath);
  await continueTo(page, 'suivi');
  await expectClean(session, 'étape « Suivi de votre signalement »');

  await page.getByRole('radio', { name: 'Oui', exact: true }).check();
  await continueTo(page, 'coordonnees');
  // Told once: her name and e-mail come from her account.
  expect(await page.getByRole('textbox', { name: 'Votre nom' }).inputValue()).toBe('Martin');
  expect(await page.getByRole('textbox', { name: 'Votre adresse e-mail' }).inputValue()).toBe(CITIZEN);
  expect(squash(await page.locator('.govuk-caption-l').first().textContent())).toBe('Étape 6 sur 6');
  await expectClean(session, 'étape « Vos coordonnées »');

  await continueTo(page, 'verifier');
  expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain(
    'Vérifiez vos réponses avant d’envoyer votre demande',
  );
  const rows = await summaryRows(page);
  expect(rows).toEqual(
    expect.arrayContaining([
      ['Quel problème voulez-vous signaler ?', 'Trou ou chaussée abîmée'],
      ['Le problème présente-t-il un danger immédiat ?', 'Non'],
      ['L’adresse la plus proche', `${ADDRESS.line1}, ${ADDRESS.postcode} ${ADDRESS.city}`],
      ['Décrivez le problème', DESCRIPTION],
      ['Une photo du problème', expect.stringMatching(/^nid-de-poule\.jpg \(\d+ (octets|ko)\)$/)],
      ['Votre nom', 'Martin'],
      ['Votre adresse e-mail', CITIZEN],
    ]),
  );
  await expectClean(session, 'page de vérification');

  await clickAndWait(page, 'button', 'Envoyer ma demande', `${BASE}/demande-envoyee`);
  expect(await page.title()).toBe('Demande envoyée – Villebelle');
  const panel = page.locator('.govuk-panel--confirmation');
  expect(squash(await panel.getByRole('heading', { level: 1 }).textContent())).toBe('Demande envoyée');
  const number = squash(await panel.locator('strong').textContent());
  expect(number).toMatch(NUMBER);
  expect(squash(await page.locator('main').textContent())).toContain(
    `Nous vous avons envoyé un accusé de réception par courriel à ${CITIZEN}`,
  );
  expect(await page.getByRole('link', { name: 'Suivre ma demande' }).getAttribute('href')).toBe(
    `${BASE}/demandes/${number}`,
  );
  await expectClean(session, 'confirmation');
  return number;
}

/** The cells of the row of `number` in the table of the page. */
async function rowCells(page: Page, number: string): Promise<string[]> {
  const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: number, exact: true }) });
  expect(await row.count(), `ligne de la demande ${number}`).toBe(1);
  return (await row.getByRole('cell').allTextContents()).map(squash);
}

/** The cells of the row of `number` in « Mes demandes » (its link is the démarche's title). */
async function citizenRowCells(page: Page, number: string): Promise<string[]> {
  const row = page.getByRole('row').filter({ has: page.locator(`a[href="${BASE}/demandes/${number}"]`) });
  expect(await row.count(), `ligne de la demande ${number}`).toBe(1);
  return (await row.getByRole('cell').allTextContents()).map(squash);
}

describe('issue 4 de bout en bout : un signalement de voirie, de Camille au maire et retour (bureau, avec JavaScript)', () => {
  let citizen: Session;
  let mayor: Session;

  beforeAll(async () => {
    citizen = await signedIn(CITIZEN, 'bureau');
  });

  afterAll(async () => {
    await citizen?.context.close();
    await mayor?.context.close();
  });

  test('Camille trouve la démarche depuis l’accueil, la remplit (pré-remplie, avec une photo) et obtient un numéro', async () => {
    const { page } = citizen;
    await page.goto(url(`${BASE}/`), { waitUntil: 'load' });
    citizen.watch.reset();
    const widget = page.getByRole('region', { name: 'Démarches en ligne' });
    await Promise.all([
      page.waitForURL((u) => u.pathname === `${BASE}/demarches`),
      widget.getByRole('link', { name: 'Faire une démarche', exact: true }).click(),
    ]);
    await page.waitForLoadState('load');
    expect(await page.title()).toBe('Démarches en ligne – Villebelle');
    expect(await page.getByRole('link', { name: PROCEDURE, exact: true }).isVisible()).toBe(true);
    await expectClean(citizen, 'catalogue des démarches');

    // The search (accent-insensitive, with everyday synonyms: voirie → voie publique, trottoir…)
    // finds the street report, and says how many démarches it found.
    await page.getByRole('searchbox', { name: 'Rechercher une démarche' }).fill('voirie');
    await clickAndWait(page, 'button', 'Rechercher', `${BASE}/demarches?q=voirie`);
    const found = (await page.locator('main section li > a').allTextContents()).map(squash);
    expect(found).toContain(PROCEDURE);
    expect(squash(await page.getByRole('status').textContent())).toBe(
      `${found.length} démarche${found.length > 1 ? 's' : ''} pour « voirie ». Voir toutes les démarches`,
    );
    await expectClean(citizen, 'catalogue, recherche « voirie »');

    await clickAndWait(page, 'link', PROCEDURE, FLOW);
    expect(await page.title()).toBe(`${PROCEDURE} – Villebelle`);
    expect(squash(await page.locator('main').textContent())).toContain(
      'Votre demande est transmise au service Services techniques.',
    );
    await expectClean(citizen, 'page de présentation de la démarche');

    requestNumber = await fileStreetReport(citizen);
  });

  test('l’accusé de réception arrive par courriel à Camille, avec le numéro', async () => {
    expect(requestNumber).toMatch(NUMBER);
    const subject = `Demande n° ${requestNumber} bien reçue – Villebelle`;
    const mails = await waitForMails(citizen.context, CITIZEN, [subject]);
    const text = await mailText(citizen.context, mails.get(subject)!);
    expect(text).toContain(`« ${PROCEDURE} »`);
    expect(text).toContain(`Son numéro est le ${requestNumber}`);
    expect(text).toContain(url(`${BASE}/demandes/${requestNumber}`));
  });

  test('« Mes demandes » la montre « Nouvelle » ; « Contacter la mairie » est pré-rempli', async () => {
    expect(requestNumber).toMatch(NUMBER);
    const { page } = citizen;
    await page.goto(url(`${BASE}/`), { waitUntil: 'load' });
    // « Mes demandes » is in the menu (issue 19).
    await Promise.all([
      page.waitForURL((u) => u.pathname === `${BASE}/demandes`),
      page.getByRole('navigation', { name: 'Menu principal' }).getByRole('link', { name: 'Mes demandes' }).click(),
    ]);
    await page.waitForLoadState('load');
    expect(await page.title()).toBe('Mes demandes – Villebelle');
    const cells = await citizenRowCells(page, requestNumber);
    expect([cells[0], cells[2]]).toEqual([`${PROCEDURE} N° ${requestNumber}`, 'Nouvelle']);
    await expectClean(citizen, 'Mes demandes');

    await page.goto(url(`${BASE}/contacter-la-mairie`), { waitUntil: 'load' });
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Contacter la mairie');
    expect(await page.getByRole('textbox', { name: 'Votre nom' }).inputValue()).toBe('Camille Martin');
    expect(await page.getByRole('textbox', { name: 'Votre adresse électronique' }).inputValue()).toBe(CITIZEN);
    await expectClean(citizen, 'contacter la mairie');
  });

  test('le maire la trouve aux services techniques, écrit une note interne et un message, puis l’accepte', async () => {
    expect(requestNumber).toMatch(NUMBER);
    mayor = await signedIn(MAYOR, 'bureau');
    const { page } = mayor;
    const detail = `${BASE}/agent/demandes/${requestNumber}`;

    await page.goto(url(`${BASE}/agent`), { waitUntil: 'load' });
    // The tile of the espace agent (the workspace's navigation has the same link).
    await Promise.all([
      page.waitForURL((u) => u.pathname === `${BASE}/agent/demandes`),
      page.getByRole('main').getByRole('link', { name: 'Demandes des usagers', exact: true }).click(),
    ]);
    await page.waitForLoadState('load');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Demandes des usagers');
    const cells = await rowCells(page, requestNumber);
    // The triage columns: the place of the report, not only the démarche's title.
    expect(cells).toEqual(
      expect.arrayContaining([
        'Services techniques',
        `${ADDRESS.line1}, ${ADDRESS.postcode} ${ADDRESS.city}`,
        'Nouvelle',
      ]),
    );
    await expectClean(mayor, 'boîte des demandes des agents');

    await clickAndWait(page, 'link', requestNumber, detail);
    expect(await page.title()).toBe(`Demande n° ${requestNumber} – Villebelle`);
    const facts = await summaryRows(page);
    expect(facts).toEqual(
      expect.arrayContaining([
        ['Démarche', PROCEDURE],
        ['Service', 'Services techniques'],
        ['Adresse électronique', CITIZEN],
        ['Décrivez le problème', DESCRIPTION],
      ]),
    );
    expect(await page.locator('#fichiers + ul').getByRole('link', { name: PHOTO, exact: true }).count()).toBe(1);
    await expectClean(mayor, 'demande, côté agent');

    // The actions are folded in one panel: open the one to use.
    await page.locator('#action-note > summary').click();
    await page.getByRole('textbox', { name: 'Note', exact: true }).fill(NOTE);
    await clickAndWait(page, 'button', 'Ajouter la note interne', `${detail}?fait=note`);
    expect(squash(await page.locator('.govuk-notification-banner').textContent())).toContain(
      'La note interne a été ajoutée. Elle n’est visible que des agents.',
    );

    await page.locator('#action-message > summary').click();
    await page.getByRole('textbox', { name: 'Message', exact: true }).fill(MESSAGE);
    await clickAndWait(page, 'button', 'Envoyer le message', `${detail}?fait=message`);
    expect(squash(await page.locator('.govuk-notification-banner').textContent())).toContain(
      'Votre message a été envoyé à l’usager.',
    );

    await page.locator('#action-statut > summary').click();
    await page.getByRole('radio', { name: 'Intervention réalisée', exact: true }).check();
    await page
      .getByRole('textbox', { name: 'Message à l’usager (facultatif, obligatoire en cas de refus)' })
      .fill(CLOSING);
    await clickAndWait(page, 'button', 'Changer le statut', `${detail}?fait=statut`);
    expect(squash(await page.locator('.govuk-notification-banner').textContent())).toContain(
      'Le statut de la demande a été modifié. L’usager a été prévenu par courriel.',
    );
    expect(squash(await page.locator('main p > .govuk-tag').first().textContent())).toBe('Intervention réalisée');
    // The agents' history: newest first, the note marked as internal.
    const history = page.locator('#historique + ol > li');
    expect((await history.locator('h3').allTextContents()).map(squash)).toEqual([
      'Statut : Nouvelle → Intervention réalisée',
      'Message à l’usager',
      'Note interne — visible des agents seulement',
      'Demande déposée',
    ]);
    expect(squash(await history.nth(2).textContent())).toContain(NOTE);
    await expectClean(mayor, 'demande acceptée, côté agent');
  });

  test('le guichet : la page d’enregistrement d’une demande par un agent', async () => {
    expect(mayor, 'le maire est connecté (test précédent)').toBeDefined();
    const { page } = mayor;
    await page.goto(url(`${BASE}/agent/demandes`), { waitUntil: 'load' });
    await clickAndWait(page, 'button', 'Enregistrer une demande au guichet', `${BASE}/agent/demandes/nouvelle`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Enregistrer une demande au guichet');
    expect(await page.getByRole('combobox', { name: 'Démarche' }).locator('option').allTextContents()).toContain(
      PROCEDURE,
    );
    await expectClean(mayor, 'enregistrer une demande au guichet');
  });

  test('Camille voit la demande acceptée, tout l’historique sans la note interne, et télécharge l’accusé (PDF)', async () => {
    expect(requestNumber).toMatch(NUMBER);
    const { page, context } = citizen;
    const own = `${BASE}/demandes/${requestNumber}`;
    await page.goto(url(own), { waitUntil: 'load' });
    expect(await page.title()).toBe(`Demande n° ${requestNumber} – Villebelle`);
    expect(await summaryRows(page)).toEqual(
      expect.arrayContaining([
        ['Statut', 'Intervention réalisée'],
        ['Service', 'Services techniques'],
      ]),
    );
    const timeline = page.locator('.guichet-timeline > li');
    expect((await timeline.locator('h3').allTextContents()).map(squash)).toEqual([
      'Demande envoyée',
      'Message de la mairie',
      'Statut : intervention réalisée',
    ]);
    expect(squash(await timeline.nth(0).textContent())).toContain(PHOTO);
    expect(squash(await timeline.nth(1).textContent())).toContain(MESSAGE);
    expect(squash(await timeline.nth(2).textContent())).toContain(CLOSING);
    const content = squash(await page.locator('body').textContent());
    expect(content, 'la note interne n’est pas montrée à l’usager').not.toContain(NOTE);
    expect(content).not.toContain('Note interne');
    expect(content).toContain('Cette demande est close.');
    await expectClean(citizen, 'demande acceptée, côté usager');

    // The receipt (PDF) and her photo are downloads, served with their own type.
    const receiptHref = await page
      .getByRole('link', { name: 'Télécharger l’accusé de réception (PDF)' })
      .getAttribute('href');
    expect(receiptHref).toBe(`${own}/accuse-de-reception.pdf`);
    const receipt = await page.request.get(url(receiptHref!));
    expect(receipt.status()).toBe(200);
    expect(receipt.headers()['content-type']).toMatch(/^application\/pdf/);
    expect(receipt.headers()['content-disposition']).toMatch(/^attachment/);
    expect((await receipt.body()).subarray(0, 5).toString('latin1')).toBe('%PDF-');

    const photoHref = await page
      .locator('h2:text-is("Documents") + ul')
      .getByRole('link', { name: PHOTO, exact: true })
      .getAttribute('href');
    const photo = await page.request.get(url(photoHref!));
    expect(photo.status()).toBe(200);
    expect(photo.headers()['content-type']).toMatch(/^image\/jpeg/);
    expect(photo.headers()['content-disposition']).toMatch(/^attachment/);

    // She was told of the message and of the decision by e-mail.
    const messageSubject = `Nouveau message de la mairie sur votre demande n° ${requestNumber} – Villebelle`;
    const statusSubject = `Votre demande n° ${requestNumber} : intervention réalisée – Villebelle`;
    const mails = await waitForMails(context, CITIZEN, [messageSubject, statusSubject]);
    expect(await mailText(context, mails.get(statusSubject)!)).toContain(`« ${CLOSING} »`);

    await page.goto(url(`${BASE}/demandes`), { waitUntil: 'load' });
    expect((await citizenRowCells(page, requestNumber))[2]).toBe('Intervention réalisée');
  });
});

describe('pages de l’usager sur un téléphone, sans nos scripts', () => {
  let citizen: Session;

  beforeAll(async () => {
    citizen = await signedIn(CITIZEN, 'téléphone', { withScripts: false });
  });

  afterAll(async () => {
    await citizen?.context.close();
  });

  test('catalogue, démarche, chaque étape (et une en erreur), vérification, confirmation : axe ne trouve rien', async () => {
    const { page } = citizen;
    await page.goto(url(`${BASE}/demarches`), { waitUntil: 'load' });
    await expectClean(citizen, 'catalogue des démarches');
    await page.goto(url(FLOW), { waitUntil: 'load' });
    await expectClean(citizen, 'page de présentation de la démarche');
    const number = await fileStreetReport(citizen);
    expect(number).not.toBe(requestNumber);
  });

  test('« Mes demandes », la demande acceptée et « Contacter la mairie » : axe ne trouve rien', async () => {
    expect(requestNumber).toMatch(NUMBER);
    const { page } = citizen;
    await page.goto(url(`${BASE}/demandes`), { waitUntil: 'load' });
    expect((await citizenRowCells(page, requestNumber))[2]).toBe('Intervention réalisée');
    await expectClean(citizen, 'Mes demandes');
    await page.goto(url(`${BASE}/demandes/${requestNumber}`), { waitUntil: 'load' });
    expect(await page.getByRole('heading', { level: 2, name: 'Historique' }).isVisible()).toBe(true);
    await expectClean(citizen, 'demande acceptée');
    await page.goto(url(`${BASE}/contacter-la-mairie`), { waitUntil: 'load' });
    await expectClean(citizen, 'contacter la mairie');
  });
});
