/**
 * Issue 15 in a real browser on the demo: the secretariat prepares a séance with one item (its
 * ACTES matière) and sends the convocations in time; an élu on a tablet opens the agenda and
 * answers present; the session screen records the roll call and the vote; the numbered
 * délibération is published and shows on the commune's public page, opened by a visitor without
 * an account (and without JavaScript). axe finds nothing on each page visited; no console error,
 * failed request or CSP violation. The e2e suite shares one demo database: this file's séance
 * and item carry names of their own.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEMO_PASSWORD } from '../src/modules/demo/accounts.js';
import {
  axeViolations,
  horizontalOverflow,
  launchBrowser,
  type Monitor,
  monitor,
  newContext,
  screenshot,
  signInWithPassword,
  squash,
  url,
} from './support.js';

const BASE = '/c/villebelle';
const AGENT = 'agent.etat-civil@villebelle.example';
const ELU = 'elu@villebelle.example';
const PLACE = 'Salle Jean-Moulin (essai e2e du conseil)';
const ITEM = 'Création d’un jardin partagé rue des Tilleuls (e2e)';
const ELECTION = 'Élection d’un adjoint au maire (e2e)';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

interface Session {
  context: BrowserContext;
  page: Page;
  watch: Monitor;
  narrow: boolean;
}

async function expectClean({ page, watch, narrow }: Session, what: string): Promise<void> {
  expect(await axeViolations(page), `axe : ${what}`).toEqual([]);
  if (narrow) expect(await horizontalOverflow(page), `défilement horizontal : ${what}`).toEqual([]);
  expect(watch.cspViolations, `violations CSP : ${what}`).toEqual([]);
  expect(watch.problems, `erreurs de console ou requêtes en échec : ${what}`).toEqual([]);
  watch.reset();
}

async function submit(page: Page, name: string | RegExp): Promise<void> {
  await Promise.all([
    page.waitForNavigation(),
    page.getByRole('button', { name, exact: typeof name === 'string' }).click(),
  ]);
  await page.waitForLoadState('load');
}

/** A Paris date `days` from today, as the date fields want it. */
function dayFields(days: number): { day: string; month: string; year: string } {
  const iso = new Date(Date.now() + days * 86_400_000).toLocaleDateString('fr-CA', { timeZone: 'Europe/Paris' });
  const [year, month, day] = iso.split('-') as [string, string, string];
  return { day: String(Number(day)), month: String(Number(month)), year };
}

describe('conseil municipal', () => {
  test('a séance from its convocation to the délibération published on the public page', async () => {
    // The secretariat, on a desktop.
    const context = await newContext(browser, 'bureau');
    const page = await context.newPage();
    const secretariat: Session = { context, page, watch: await monitor(page), narrow: false };
    await signInWithPassword(page, { email: AGENT, password: DEMO_PASSWORD });
    await page.goto(url(`${BASE}/agent/conseil`), { waitUntil: 'load' });
    await expectClean(secretariat, 'liste des séances');
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Préparer une séance' }).click()]);
    await expectClean(secretariat, 'nouvelle séance');
    const when = dayFields(20);
    await page.getByLabel('Jour').fill(when.day);
    await page.getByLabel('Mois').fill(when.month);
    await page.getByLabel('Année').fill(when.year);
    await page.getByLabel('Heure').fill('19:00');
    await page.getByLabel('Lieu').fill(PLACE);
    await submit(page, 'Créer la séance');
    const seancePath = new URL(page.url()).pathname;
    await page.getByLabel('Objet').fill(ITEM);
    await page.getByLabel('Matière (nomenclature ACTES)').selectOption('8.8');
    await page
      .getByLabel('Note explicative de synthèse')
      .fill('Mise à disposition d’une parcelle communale à une association de quartier.');
    await submit(page, 'Ajouter le point');
    await expectClean(secretariat, 'séance avec son point');
    await submit(page, 'Envoyer les convocations');
    expect(squash(await page.locator('main').textContent())).toContain('Les convocations sont envoyées');
    await expectClean(secretariat, 'séance convoquée');
    await screenshot(page, 'conseil-seance-1280');

    // An élu on a tablet opens the agenda and answers.
    const tabletContext = await newContext(browser, 'téléphone', {
      viewport: { width: 820, height: 1180 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    const tablet = await tabletContext.newPage();
    const elu: Session = { context: tabletContext, page: tablet, watch: await monitor(tablet), narrow: true };
    await signInWithPassword(tablet, { email: ELU, password: DEMO_PASSWORD });
    await tablet.goto(url(`${BASE}/conseil`), { waitUntil: 'load' });
    const section = tablet.locator('section', { hasText: PLACE });
    await expect.poll(() => section.count()).toBe(1);
    expect(squash(await section.textContent())).toContain(ITEM);
    await expectClean(elu, 'espace de l’élu (tablette)');
    await section.getByLabel('Je serai présent').check();
    await Promise.all([
      tablet.waitForNavigation(),
      section.getByRole('button', { name: 'Envoyer ma réponse' }).click(),
    ]);
    await tablet.waitForLoadState('load');
    expect(squash(await tablet.locator('main').textContent())).toContain('Votre présence est notée.');
    await expectClean(elu, 'réponse de l’élu');
    await screenshot(tablet, 'conseil-elu-820');

    // In session: everyone present at the roll call, the item adopted unanimously.
    await page.goto(url(`${seancePath}/en-seance`), { waitUntil: 'load' });
    await expectClean(secretariat, 'écran de séance');
    const boxes = page.locator('input[name="present"]');
    const count = await boxes.count();
    for (let i = 0; i < count; i++) await boxes.nth(i).check();
    await submit(page, 'Enregistrer l’appel');
    await page.getByRole('textbox', { name: 'Pour', exact: true }).fill(String(count));
    await page.getByRole('textbox', { name: 'Contre', exact: true }).fill('0');
    await submit(page, 'Enregistrer le vote du point 1');
    const screen = squash(await page.locator('main').textContent());
    const number = /Adopté Délibération n° (\d{4}-\d+)/.exec(screen)?.[1];
    expect(number, screen.slice(0, 800)).toBeDefined();
    await expectClean(secretariat, 'vote enregistré');
    await submit(page, `Publier la délibération n° ${number}`);
    expect(squash(await page.locator('main').textContent())).toMatch(
      /Publiée Mise en ligne le .+ : exécutoire depuis cette date/,
    );
    await expectClean(secretariat, 'délibération publiée');

    // A visitor without an account, without JavaScript, finds it on the public page.
    const visitorContext = await newContext(browser, 'téléphone', { javaScriptEnabled: false });
    const visitor = await visitorContext.newPage();
    const watchVisitor = await monitor(visitor, { javaScriptEnabled: false });
    await visitor.goto(url(`${BASE}/deliberations`), { waitUntil: 'load' });
    const list = squash(await visitor.locator('main').textContent());
    expect(list).toContain(ITEM);
    expect(list).toContain(number!);
    await visitor.getByLabel('Mot-clé ou numéro').fill('jardin partagé');
    await Promise.all([visitor.waitForNavigation(), visitor.getByRole('button', { name: 'Rechercher' }).click()]);
    expect(squash(await visitor.locator('main').textContent())).toContain('1 délibération publiée');
    expect(await horizontalOverflow(visitor), 'défilement horizontal : actes publiés').toEqual([]);
    expect(watchVisitor.problems).toEqual([]);
    await screenshot(visitor, 'conseil-actes-390');
    const pdf = await visitor.request.get(url(`${BASE}/deliberations/${number}`));
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    // axe needs JavaScript: the same page in a scripted context.
    const axeContext = await newContext(browser, 'bureau');
    const axePage = await axeContext.newPage();
    const axeSession: Session = { context: axeContext, page: axePage, watch: await monitor(axePage), narrow: false };
    await axePage.goto(url(`${BASE}/deliberations?q=${encodeURIComponent('jardin partagé')}`), { waitUntil: 'load' });
    await expectClean(axeSession, 'actes publiés');
    await screenshot(axePage, 'conseil-actes-1280');
    for (const c of [context, tabletContext, visitorContext, axeContext]) await c.close();
  });

  test('an election in three rounds, the eldest elected on a tie, on the projector view', async () => {
    const context = await newContext(browser, 'bureau');
    const page = await context.newPage();
    const secretariat: Session = { context, page, watch: await monitor(page), narrow: false };
    await signInWithPassword(page, { email: AGENT, password: DEMO_PASSWORD });
    await page.goto(url(`${BASE}/agent/conseil/seances/nouvelle`), { waitUntil: 'load' });
    const when = dayFields(21);
    await page.getByLabel('Jour').fill(when.day);
    await page.getByLabel('Mois').fill(when.month);
    await page.getByLabel('Année').fill(when.year);
    await page.getByLabel('Heure').fill('20:00');
    await page.getByLabel('Lieu').fill(`${PLACE} – élection`);
    await submit(page, 'Créer la séance');
    const seancePath = new URL(page.url()).pathname;
    await page.getByLabel('Objet').fill(ELECTION);
    await page.getByLabel(/Élection du maire, d’un adjoint ou nomination/).check();
    await submit(page, 'Ajouter le point');
    expect(squash(await page.locator('main').textContent())).toContain('Nomination – scrutin secret');
    await submit(page, 'Envoyer les convocations');

    // Before the roll call the projector (a second window) waits. Without script it would reload
    // itself (a <noscript> refresh); with the project's own script it follows the séance live.
    const screenPage = await context.newPage();
    const projector: Session = { context, page: screenPage, watch: await monitor(screenPage), narrow: false };
    const projection = await screenPage.goto(url(`${seancePath}/projection`), { waitUntil: 'load' });
    expect(projection?.headers().refresh).toBeUndefined();
    expect(await screenPage.locator('noscript').innerHTML()).toContain('http-equiv="refresh"');
    expect(squash(await screenPage.locator('main').textContent())).toContain('La séance va commencer');
    expect(squash(await screenPage.locator('main').textContent())).toContain('Écran actualisé en direct.');
    await screenPage.evaluate(() => {
      (window as unknown as { sameWindow: boolean }).sameWindow = true;
    });
    await expectClean(projector, 'projection avant l’appel');

    await page.goto(url(`${seancePath}/en-seance`), { waitUntil: 'load' });
    const boxes = page.locator('input[name="present"]');
    const count = await boxes.count();
    for (let i = 0; i < count; i++) await boxes.nth(i).check();
    await submit(page, 'Enregistrer l’appel');
    for (const [name, born] of [
      ['Nadia Benali', ['14', '7', '1965']],
      ['Thomas Lefèvre', ['3', '2', '1971']],
    ] as const) {
      await page.getByLabel('Candidat', { exact: true }).selectOption({ label: name });
      const group = page.getByRole('group', { name: 'Date de naissance' });
      await group.getByLabel('Jour').fill(born[0]);
      await group.getByLabel('Mois').fill(born[1]);
      await group.getByLabel('Année').fill(born[2]);
      await submit(page, 'Déclarer le candidat');
    }
    await expectClean(secretariat, 'élection : candidats déclarés');
    // Nine voters, 4 – 4 and a blank ballot at each round: no absolute majority (5 of 8), then a tie.
    for (const round of ['premier', 'deuxième', 'troisième']) {
      await page.getByLabel('Voix de Nadia Benali').fill('4');
      await page.getByLabel('Voix de Thomas Lefèvre').fill('4');
      await page.getByLabel('Bulletins blancs').fill('1');
      await submit(page, `Enregistrer le ${round} tour`);
    }
    const screen = squash(await page.locator('main').textContent());
    expect(screen).toContain('aucun candidat n’a la majorité absolue (5 voix sur 8 suffrages exprimés)');
    expect(screen).toContain('Nadia Benali, candidat le plus âgé, est élu(e) (article L2122-7 du CGCT)');
    await expectClean(secretariat, 'élection : résultat');

    // The projector followed without reloading: same window, the result in its region.
    await screenPage.waitForFunction(() =>
      document.querySelector('main')?.textContent?.includes('candidat le plus âgé, est élu(e)'),
    );
    expect(await screenPage.evaluate(() => (window as unknown as { sameWindow?: boolean }).sameWindow)).toBe(true);
    const shown = squash(await screenPage.locator('main').textContent());
    expect(shown).toContain(`Point 1 : ${ELECTION}`);
    expect(shown).toContain(`${count} présents`);
    expect(shown).toContain('Quorum : Atteint');
    expect(shown).toContain('Nadia Benali, candidat le plus âgé, est élu(e)');
    await expectClean(projector, 'projection du résultat');
    await screenshot(screenPage, 'conseil-projection-1280');
    await context.close();
  });
});
