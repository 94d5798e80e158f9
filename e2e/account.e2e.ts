/**
 * Every signed-in page, as an administrator of Villebelle signed in through the real form: the
 * account pages, the espace agent, the administration pages (members, one member, invitation
 * form, security journal, cyber-hygiene, API tokens, webhooks, démarches, their status workflow and
 * the pages of the form editor, notifications to citizens and their edit pages) and the step-up
 * page. On a desktop with our
 * scripts and on a phone with and without them: status 200, the expected heading, axe finds
 * nothing, no sideways scrolling on the phone, no console error, failed request or CSP violation.
 *
 * Then the invitation form as an administrator uses it: sent empty, it shows the French error
 * summary (422); filled for a new agent of the Urbanisme service, it sends the invitation, which
 * reaches the demo mailbox. Finally a citizen who opens the espace agent gets "Page introuvable".
 *
 * The demo accounts are shared with the other e2e files: this file changes none of them (the
 * invitation creates a new account).
 */
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
  pageBasics,
  signInWithPassword,
  url,
  type ViewportName,
} from './support.js';

const BASE = '/c/villebelle';
/** The form editor of a démarche of the library. */
const EDITOR = `${BASE}/admin/demarches/acte-etat-civil/formulaire`;
const ADMIN = 'admin@villebelle.example';
const CITIZEN = 'camille.martin@courriel.example';

interface SignedInPage {
  path: string;
  h1: string;
  /** Reached through this link (accessible name) of `path`, by its href. */
  followLink?: string;
}

const SIGNED_IN_PAGES: SignedInPage[] = [
  { path: `${BASE}/compte`, h1: 'Mon compte' },
  { path: `${BASE}/mon-espace`, h1: 'Mon espace' },
  { path: `${BASE}/compte/securite`, h1: 'Sécurité du compte' },
  { path: `${BASE}/compte/sessions`, h1: 'Mes sessions ouvertes' },
  { path: `${BASE}/compte/historique`, h1: 'Historique de mes connexions' },
  { path: `${BASE}/compte/donnees`, h1: 'Mes données personnelles' },
  { path: `${BASE}/compte/donnees/lisible`, h1: 'Mes données personnelles' },
  { path: `${BASE}/compte/cles-d-acces`, h1: 'Mes clés d’accès' },
  { path: `${BASE}/compte/profil`, h1: 'Mon profil' },
  { path: `${BASE}/compte/profil/coordonnees`, h1: 'Mes coordonnées' },
  { path: `${BASE}/compte/profil/foyer/ajouter`, h1: 'Ajouter une personne à mon foyer' },
  { path: `${BASE}/compte/justificatifs`, h1: 'Mes justificatifs' },
  { path: `${BASE}/compte/justificatifs/ajouter`, h1: 'Ajouter un document à mes justificatifs' },
  { path: `${BASE}/agent`, h1: 'Espace agent' },
  { path: `${BASE}/admin`, h1: 'Administration de Villebelle' },
  { path: `${BASE}/admin/membres`, h1: 'Membres de la commune' },
  { path: `${BASE}/admin/membres/inviter`, h1: 'Inviter une personne' },
  { path: `${BASE}/admin/membres`, followLink: 'Hugo Lefèvre', h1: 'Hugo Lefèvre' },
  { path: `${BASE}/admin/journal`, h1: 'Journal de sécurité' },
  { path: `${BASE}/admin/cyber`, h1: 'Cyber-hygiène' },
  { path: `${BASE}/admin/api`, h1: 'Jetons d’API' },
  { path: `${BASE}/admin/webhooks`, h1: 'Webhooks' },
  { path: `${BASE}/admin/notifications`, h1: 'Notifications aux usagers' },
  { path: `${BASE}/admin/notifications/accuse-de-reception`, h1: 'Accusé de réception' },
  { path: `${BASE}/admin/notifications/statut-acceptee`, h1: 'Statut « Acceptée »' },
  { path: `${BASE}/admin/notifications/sms-changement-de-statut`, h1: 'SMS de changement de statut' },
  { path: `${BASE}/admin/demarches`, h1: 'Démarches' },
  { path: `${BASE}/admin/demarches/nouvelle`, h1: 'Créer une démarche' },
  { path: `${BASE}/admin/demarches/importer`, h1: 'Importer une démarche' },
  { path: `${BASE}/admin/demarches/acte-etat-civil`, h1: 'Demander un acte d’état civil' },
  { path: `${BASE}/admin/demarches/occupation-domaine-public/statuts`, h1: 'Statuts de la démarche' },
  { path: `${EDITOR}`, h1: 'Demander un acte d’état civil' },
  { path: `${EDITOR}/pages/personne`, h1: 'Modifier la page' },
  { path: `${EDITOR}/pages/personne/nouvelle-question`, h1: 'Ajouter une question' },
  { path: `${EDITOR}/pages/personne/supprimer`, h1: 'Supprimer la page « La personne concernée par l’acte » ?' },
  { path: `${EDITOR}/questions/typeActe`, h1: 'Quel acte demandez-vous ?' },
  { path: `${EDITOR}/questions/introduction`, h1: 'Texte explicatif' },
  {
    path: `${EDITOR}/questions/conjoint/supprimer`,
    h1: 'Supprimer la question « Le nom et les prénoms de l’autre époux ou épouse » ?',
  },
  { path: `${EDITOR}/nouvelle-page`, h1: 'Ajouter une page' },
  { path: `${EDITOR}/presentation`, h1: 'Titre et présentation du formulaire' },
  { path: `${EDITOR}/json`, h1: 'Mode avancé : la définition en JSON' },
  { path: `${EDITOR}/abandonner`, h1: 'Abandonner les modifications ?' },
  { path: `${EDITOR}/apercu?page=type-document`, h1: 'Quel document souhaitez-vous ?' },
  { path: `${BASE}/compte/confirmer-identite`, h1: 'Confirmez votre identité' },
];

const INVITATION_SUBJECT = 'Invitation à rejoindre le guichet numérique – Villebelle';
const MAIL_TIMEOUT_MS = 10_000;

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

function pathOf(page: Page): string {
  const current = new URL(page.url());
  return `${current.pathname}${current.search}`;
}

function pageName(spec: SignedInPage): string {
  return spec.followLink ? `${spec.path} → « ${spec.followLink} »` : spec.path;
}

/** A context signed in as `email`, with a monitor on its page. */
async function signedIn(
  email: string,
  viewport: ViewportName,
  { withScripts = true } = {},
): Promise<{ context: BrowserContext; page: Page; watch: Monitor }> {
  const context = await newContext(browser, viewport);
  if (!withScripts) await blockScripts(context);
  const page = await context.newPage();
  const watch = await monitor(page, { scriptsBlocked: !withScripts });
  const landing = await signInWithPassword(page, { email, password: DEMO_PASSWORD });
  // Issue 19: staff land on their workspace (the inbox), a citizen on their own space.
  expect(landing, `connexion de ${email}`).toBe(email === ADMIN ? `${BASE}/agent/demandes` : `${BASE}/mon-espace`);
  return { context, page, watch };
}

/**
 * Desktop with our scripts, phone with and without them (without scripts, the desktop layout
 * adds nothing the phone does not check, and the suite must stay short).
 */
describe.each([
  { viewport: 'bureau' as const, withScripts: true, label: 'bureau, avec JavaScript' },
  { viewport: 'téléphone' as const, withScripts: true, label: 'téléphone, avec JavaScript' },
  { viewport: 'téléphone' as const, withScripts: false, label: 'téléphone, sans nos scripts' },
])('pages connectées de l’administratrice ($label)', ({ viewport, withScripts }) => {
  let context: BrowserContext;
  let page: Page;
  let watch: Monitor;

  beforeAll(async () => {
    ({ context, page, watch } = await signedIn(ADMIN, viewport, { withScripts }));
  });

  afterAll(async () => {
    await context?.close();
  });

  test.each(SIGNED_IN_PAGES.map((spec) => ({ ...spec, name: pageName(spec) })))(
    '$name : 200, titre, axe sans violation, sans erreur',
    async (spec) => {
      let target = spec.path;
      if (spec.followLink) {
        await page.goto(url(spec.path), { waitUntil: 'load' });
        const href = await page.getByRole('link', { name: spec.followLink, exact: true }).getAttribute('href');
        expect(href, `lien « ${spec.followLink} »`).toMatch(/^\/c\/villebelle\/admin\/membres\/[0-9a-f-]{36}$/);
        target = href!;
      }
      watch.reset();
      const response = await page.goto(url(target), { waitUntil: 'load' });
      expect(response?.status(), `statut de ${target} (arrivé sur ${pathOf(page)})`).toBe(200);
      expect(pathOf(page), 'pas de redirection').toBe(target);

      const basics = await pageBasics(page);
      expect(basics.lang).toBe('fr');
      expect(basics.h1).toEqual([spec.h1]);
      expect(basics.title).toMatch(/^\S.* – Villebelle$/);
      expect(await page.getByRole('heading', { level: 1 }).isVisible()).toBe(true);

      expect(await axeViolations(page), 'axe').toEqual([]);
      if (viewport === 'téléphone') expect(await horizontalOverflow(page), 'défilement horizontal').toEqual([]);
      expect(watch.cspViolations, 'violations CSP').toEqual([]);
      expect(watch.problems, 'erreurs de console ou requêtes en échec').toEqual([]);
      expect(watch.foreignRequests(), 'requêtes vers un autre site').toEqual([]);
    },
  );
});

describe('formulaire d’invitation', () => {
  let context: BrowserContext;
  let page: Page;
  let watch: Monitor;
  const invitee = { email: 'jeanne.collin@villebelle.example', givenName: 'Jeanne', familyName: 'Collin' };
  const invitePath = `${BASE}/admin/membres/inviter`;

  beforeAll(async () => {
    ({ context, page, watch } = await signedIn(ADMIN, 'bureau'));
  });

  afterAll(async () => {
    await context?.close();
  });

  test('envoyé vide, il affiche le résumé des erreurs en français (422)', async () => {
    await page.goto(url(invitePath), { waitUntil: 'load' });
    watch.reset();
    watch.expectDocumentStatus(url(invitePath), 422);
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().isNavigationRequest() && r.request().method() === 'POST'),
      page.waitForEvent('load'),
      page.getByRole('button', { name: 'Envoyer l’invitation' }).click(),
    ]);
    expect(response.status()).toBe(422);
    expect(await page.title()).toBe('Erreur\u00a0: Inviter une personne – Villebelle');

    const summary = page.locator('.govuk-error-summary');
    expect(await summary.getByRole('heading').textContent()).toContain('Il y a un problème');
    const links = await summary
      .getByRole('link')
      .evaluateAll((as) => as.map((a) => [a.textContent?.trim(), a.getAttribute('href')]));
    expect(links).toEqual([
      ['Saisissez l’adresse électronique de la personne.', '#email'],
      ['Choisissez le rôle de la personne.', expect.stringMatching(/^#role/)],
    ]);
    // The same messages next to the fields.
    expect(await page.locator('#email-error').textContent()).toContain(
      'Saisissez l’adresse électronique de la personne.',
    );
    expect(await axeViolations(page), 'axe, formulaire en erreur').toEqual([]);
    expect(watch.cspViolations, 'violations CSP').toEqual([]);
    expect(watch.problems, 'erreurs de console ou requêtes en échec').toEqual([]);
  });

  test('rempli pour un nouvel agent de l’urbanisme, il envoie l’invitation, qui arrive dans la boîte aux lettres', async () => {
    await page.goto(url(invitePath), { waitUntil: 'load' });
    watch.reset();
    await page.getByLabel('Adresse électronique professionnelle').fill(invitee.email);
    await page.getByLabel('Prénom', { exact: true }).fill(invitee.givenName);
    await page.getByLabel('Nom', { exact: true }).fill(invitee.familyName);
    await page.getByRole('radio', { name: 'Agent', exact: true }).check();
    await page.getByRole('checkbox', { name: 'Urbanisme', exact: true }).check();
    await Promise.all([
      page.waitForURL((u) => u.pathname === `${BASE}/admin/membres` && u.search === '?invite=1'),
      page.getByRole('button', { name: 'Envoyer l’invitation' }).click(),
    ]);
    await page.waitForLoadState('load');
    expect(await page.getByText('L’invitation a été envoyée.').isVisible()).toBe(true);
    const row = page.getByRole('row').filter({ hasText: invitee.email });
    const cells = (await row.getByRole('cell').allTextContents()).map((c) => c.trim());
    expect(cells).toEqual([
      `${invitee.givenName} ${invitee.familyName}`,
      invitee.email,
      'agent',
      'Urbanisme',
      'Non',
      'invitation en attente',
    ]);
    expect(watch.cspViolations, 'violations CSP').toEqual([]);
    expect(watch.problems, 'erreurs de console ou requêtes en échec').toEqual([]);

    // The mail is sent by the in-process worker: look in the demo mailbox for a few seconds.
    const mailbox = await context.newPage();
    const deadline = Date.now() + MAIL_TIMEOUT_MS;
    let subjects: string[] = [];
    while (Date.now() < deadline) {
      await mailbox.goto(url('/_demo/courriels'), { waitUntil: 'load' });
      subjects = await mailbox
        .getByRole('table', { name: 'Courriels envoyés' })
        .getByRole('row')
        .filter({ hasText: invitee.email })
        .evaluateAll((trs) => trs.map((tr) => (tr.querySelectorAll('td')[2]?.textContent ?? '').trim()));
      if (subjects.length > 0) break;
      await mailbox.waitForTimeout(300);
    }
    expect(subjects, `courriel à ${invitee.email} dans /_demo/courriels`).toEqual([INVITATION_SUBJECT]);

    await mailbox.getByRole('link', { name: INVITATION_SUBJECT, exact: true }).click();
    await mailbox.waitForURL(/\/_demo\/courriels\/[A-Za-z0-9-]+\.eml$/);
    const text = (await mailbox.locator('.guichet-mail-body').textContent()) ?? '';
    expect(text).toContain('Inès Garnier vous invite à rejoindre le guichet numérique de Villebelle');
    expect(text).toContain(url(`${BASE}/invitation`).replace(/\/$/, ''));
  });
});

describe('un usager dans l’espace agent', () => {
  let context: BrowserContext;

  afterAll(async () => {
    await context?.close();
  });

  test('Camille (usagère) reçoit « Page introuvable » (404) sur /c/villebelle/agent', async () => {
    const signed = await signedIn(CITIZEN, 'téléphone');
    context = signed.context;
    const { page, watch } = signed;
    watch.reset();
    watch.expectDocumentStatus(url(`${BASE}/agent`), 404);
    const response = await page.goto(url(`${BASE}/agent`), { waitUntil: 'load' });
    expect(response?.status()).toBe(404);
    expect(response?.headers()['content-type']).toMatch(/^text\/html/);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Page introuvable');
    expect(await page.getByText('Espace agent').count()).toBe(0);
    expect(await axeViolations(page), 'axe, page 404').toEqual([]);
    expect(watch.problems, 'erreurs de console ou requêtes en échec').toEqual([]);
  });
});
