/**
 * Authorization matrix, generated from the route registry: every route × persona × commune gets
 * the outcome its declared policy implies, computed here from the demo people's roles — not by
 * calling the policies themselves. A route whose policy this file does not know, or a route with
 * path parameters and no sample values below, fails the test: new routes are added knowingly.
 *
 * GET and HEAD are sent as a browser would (HTML); POST with a valid CSRF token and an otherwise
 * empty body, asking for JSON so that refusals can be told apart from the handler's own 4xx by
 * their error code. POSTs are sent with sessions whose last credential is older than the step-up
 * window, so that sensitive routes (`config.stepUp`, listed below) stop at the platform's step-up
 * guard — 401 `auth.step_up_required` — and no case changes data; their GET pages are read again
 * with stale sessions and must send the person to confirm their identity.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, DEMO_PEOPLE } from './modules/demo/accounts.js';
import { seedDemo } from './modules/demo/seed.js';
import type { Role } from './platform/authz/roles.js';
import { hashApiToken } from './platform/http/api-auth.js';
import { mailDirectory } from './platform/mail/transport.js';
import { createTestApp, type TestApp } from './test/app.js';
import { TEST_ENGINES } from './test/databases.js';
import { tinyJpeg } from './test/sample-files.js';
import { demoKeyCode, usesDemoKey } from './test/sign-in.js';

const COMMUNES = ['villebelle', 'saint-aubin-les-pres'] as const;
type CommuneSlug = (typeof COMMUNES)[number];

/** The personas: an account each (signed in at its home commune), and the anonymous visitor. */
const PERSONAS = [
  { name: 'anonymous', email: null, home: 'villebelle' },
  { name: 'citizen', email: 'camille.martin@courriel.example', home: 'villebelle' },
  { name: 'agent of a service', email: 'agent.etat-civil@villebelle.example', home: 'villebelle' },
  { name: 'agent, MFA grace over, no factor', email: 'agent.enfance@villebelle.example', home: 'villebelle' },
  { name: 'councillor', email: 'elu@villebelle.example', home: 'villebelle' },
  { name: 'mayor', email: 'maire@villebelle.example', home: 'villebelle' },
  { name: 'dgs', email: 'dgs@villebelle.example', home: 'villebelle' },
  { name: 'admin of villebelle', email: 'admin@villebelle.example', home: 'villebelle' },
  { name: 'operator', email: 'operateur@opsn.example', home: 'villebelle' },
  { name: 'admin of saint-aubin', email: 'secretariat@saint-aubin-les-pres.example', home: 'saint-aubin-les-pres' },
  { name: 'mayor of saint-aubin', email: 'maire@saint-aubin-les-pres.example', home: 'saint-aubin-les-pres' },
] as const;
type Persona = (typeof PERSONAS)[number];

/** What a persona is in a commune (or at instance level), from the demo data. */
interface Standing {
  signedIn: boolean;
  staffRoles: Set<Role>;
  isOperator: boolean;
  /** Must present a second factor now: staff here (or operator) and the grace period is over. */
  mfaBlocked: boolean;
  /** Administrator of at least one commune (the demo pages are for them and for operators). */
  adminSomewhere: boolean;
}

function standing(persona: Persona, commune: CommuneSlug | null): Standing {
  if (!persona.email) {
    return { signedIn: false, staffRoles: new Set(), isOperator: false, mfaBlocked: false, adminSomewhere: false };
  }
  const everywhere = Object.values(DEMO_PEOPLE).flat();
  const entries = commune ? (DEMO_PEOPLE[commune] ?? []).filter((p) => p.email === persona.email) : [];
  const staffRoles = new Set(entries.map((p) => p.role).filter((r) => r !== 'citizen'));
  const isOperator = everywhere.some((p) => p.email === persona.email && p.isOperator);
  const graceOver = everywhere.some((p) => p.email === persona.email && p.mfaGraceOver);
  const adminSomewhere = everywhere.some((p) => p.email === persona.email && p.role === 'admin');
  return {
    signedIn: true,
    staffRoles,
    isOperator,
    mfaBlocked: graceOver && (staffRoles.size > 0 || isOperator),
    adminSomewhere,
  };
}

type Outcome = 'allowed' | 'sign_in' | 'mfa' | 'not_found' | 'api_unauthorized';

function staffOutcome(s: Standing, allowed: boolean): Outcome {
  if (!s.signedIn) return 'sign_in';
  if (!allowed) return 'not_found';
  return s.mfaBlocked ? 'mfa' : 'allowed';
}

/** Expected outcome per policy. A policy missing here fails the test. */
const EXPECTATIONS: Record<string, (s: Standing) => Outcome> = {
  public: () => 'allowed',
  infrastructure: () => 'allowed',
  anonymous: () => 'allowed',
  // The test app runs with GUICHET_DEMO=true: signed-in operators and commune admins only, 404 for anyone else.
  demo: (s) => (s.signedIn && (s.isOperator || s.adminSomewhere) ? (s.mfaBlocked ? 'mfa' : 'allowed') : 'not_found'),
  signedIn: (s) => (!s.signedIn ? 'sign_in' : s.mfaBlocked ? 'mfa' : 'allowed'),
  signedInPendingMfa: (s) => (s.signedIn ? 'allowed' : 'sign_in'),
  staff: (s) => staffOutcome(s, s.staffRoles.size > 0),
  requestsInbox: (s) =>
    staffOutcome(
      s,
      ['agent', 'mayor', 'dgs', 'admin'].some((r) => s.staffRoles.has(r as Role)),
    ),
  communeAdmin: (s) => staffOutcome(s, s.staffRoles.has('admin')),
  communeLeadership: (s) =>
    staffOutcome(
      s,
      ['admin', 'mayor', 'dgs'].some((r) => s.staffRoles.has(r as Role)),
    ),
  operator: (s) => staffOutcome(s, s.isOperator),
  apiToken: () => 'api_unauthorized', // personas carry cookies, never an API token
};

interface SampleContext {
  commune: CommuneSlug | null;
  ids: Record<string, string>;
}

interface Sample {
  /** The path to request, with every parameter filled in. */
  path: (c: SampleContext) => string;
}

/** An id no council record has (séance, item, proxy). */
const COUNCIL_ID = '01a22309-0000-7000-8000-0000000000c0';

/** An id no appointment record has (motif, booking, agenda, item). */
const APPOINTMENT_ID = '01a22309-0000-7000-8000-0000000000ab';

/** An id no courrier record has (incoming mail, scan). */
const COURRIER_ID = '01a22309-0000-7000-8000-0000000000c1';

/** Sample values of routes with path parameters (besides the commune's `:slug`). */
const SAMPLES: Record<string, Sample> = {
  '/_demo/courriels/:file': { path: () => '/_demo/courriels/matrice-demo.eml' },
  '/api/v1/communes/:slug': { path: () => '/api/v1/communes/villebelle' },
  '/theme/:file': { path: () => '/theme/villebelle.css' },
  '/static/*': { path: () => '/static/css/guichet.css' },
  '/c/:slug/services/:service': {
    path: (c) => `/c/${c.commune}/services/${c.commune === 'villebelle' ? 'etat-civil' : 'secretariat'}`,
  },
  // Commune settings: a service id unknown to the commune (the handler answers 404, see HANDLER_404).
  ...Object.fromEntries(
    ['', '/retirer', '/retablir'].map((suffix) => [
      `/c/:slug/admin/commune/services/:service${suffix}`,
      {
        path: (c: { commune: string }) =>
          `/c/${c.commune}/admin/commune/services/01a22309-0000-7000-8000-000000000009${suffix}`,
      },
    ]),
  ),
  '/c/:slug/admin/membres/:id': { path: (c) => `/c/${c.commune}/admin/membres/${c.ids[`member:${c.commune}`]}` },
  '/c/:slug/admin/membres/:id/roles': {
    path: (c) => `/c/${c.commune}/admin/membres/${c.ids[`member:${c.commune}`]}/roles`,
  },
  // Démarches (requests module): a démarche open to anyone, and its first page.
  '/c/:slug/demarches/:procedure': { path: (c) => `/c/${c.commune}/demarches/signalement-voirie` },
  '/c/:slug/demarches/:procedure/commencer': { path: (c) => `/c/${c.commune}/demarches/signalement-voirie/commencer` },
  '/c/:slug/demarches/:procedure/recommencer': {
    path: (c) => `/c/${c.commune}/demarches/signalement-voirie/recommencer`,
  },
  '/c/:slug/demarches/:procedure/refaire': { path: (c) => `/c/${c.commune}/demarches/signalement-voirie/refaire` },
  '/c/:slug/demarches/:procedure/verifier': { path: (c) => `/c/${c.commune}/demarches/signalement-voirie/verifier` },
  '/c/:slug/demarches/:procedure/envoyer': { path: (c) => `/c/${c.commune}/demarches/signalement-voirie/envoyer` },
  '/c/:slug/demarches/:procedure/:page': { path: (c) => `/c/${c.commune}/demarches/signalement-voirie/probleme` },
  // A citizen's own request (see OWNER_SCOPED), and the "mode simple" link with an unknown token.
  '/c/:slug/demandes/:number': { path: (c) => `/c/${c.commune}/demandes/2026-000001` },
  '/c/:slug/demandes/:number/repondre': { path: (c) => `/c/${c.commune}/demandes/2026-000001/repondre` },
  '/c/:slug/demandes/:number/accuse-de-reception.pdf': {
    path: (c) => `/c/${c.commune}/demandes/2026-000001/accuse-de-reception.pdf`,
  },
  '/c/:slug/demandes/:number/documents/:file': {
    path: (c) => `/c/${c.commune}/demandes/2026-000001/documents/01a22309-0000-7000-8000-000000000001`,
  },
  '/c/:slug/demandes/traitement/:token': { path: (c) => `/c/${c.commune}/demandes/traitement/${'a'.repeat(43)}` },
  // Agents' back-office: a request of the commune's first service, and one of its files.
  '/c/:slug/agent/demandes/:number': {
    path: (c) => `/c/${c.commune}/agent/demandes/${c.ids[`request:${c.commune}`]}`,
  },
  '/c/:slug/agent/demandes/:number/fichiers/:file': {
    path: (c) =>
      `/c/${c.commune}/agent/demandes/${c.ids[`request:${c.commune}`]}/fichiers/${c.ids[`file:${c.commune}`]}`,
  },
  '/c/:slug/agent/demandes/:number/fichiers/:file/apercu': {
    path: (c) =>
      `/c/${c.commune}/agent/demandes/${c.ids[`request:${c.commune}`]}/fichiers/${c.ids[`photo:${c.commune}`]}/apercu`,
  },
  ...Object.fromEntries(
    ['statut', 'message', 'note', 'attribuer', 'reorienter', 'prendre'].map((action) => [
      `/c/:slug/agent/demandes/:number/${action}`,
      { path: (c: SampleContext) => `/c/${c.commune}/agent/demandes/${c.ids[`request:${c.commune}`]}/${action}` },
    ]),
  ),
  // Démarches editor (admin): a démarche of the library, installed in both demo communes.
  ...Object.fromEntries(
    ['', '/apercu', '/export.json', '/publier', '/depublier', '/statuts', '/apres-envoi'].map((suffix) => [
      `/c/:slug/admin/demarches/:procedure${suffix}`,
      { path: (c: SampleContext) => `/c/${c.commune}/admin/demarches/acte-etat-civil${suffix}` },
    ]),
  ),
  // Notifications to citizens (admin): the receipt mail's text, and going back to its default.
  '/c/:slug/admin/notifications/:notification': {
    path: (c) => `/c/${c.commune}/admin/notifications/accuse-de-reception`,
  },
  '/c/:slug/admin/notifications/:notification/retablir': {
    path: (c) => `/c/${c.commune}/admin/notifications/accuse-de-reception/retablir`,
  },
  // Form editor (admin): the same démarche, one of its pages and one of its questions.
  ...Object.fromEntries(
    [
      '',
      '/enregistrer',
      '/abandonner',
      '/apercu',
      '/definition.json',
      '/json',
      '/presentation',
      '/nouvelle-page',
      '/pages/personne',
      '/pages/personne/deplacer',
      '/pages/personne/supprimer',
      '/pages/personne/nouvelle-question',
      '/questions/conjoint',
      '/questions/conjoint/deplacer',
      '/questions/conjoint/supprimer',
    ].map((suffix) => [
      `/c/:slug/admin/demarches/:procedure/formulaire${suffix.replace('/personne', '/:page').replace('/conjoint', '/:field')}`,
      { path: (c: SampleContext) => `/c/${c.commune}/admin/demarches/acte-etat-civil/formulaire${suffix}` },
    ]),
  ),
  '/c/:slug/admin/api/:id/revoquer': {
    path: (c) => `/c/${c.commune}/admin/api/${c.ids[`token:${c.commune}`]}/revoquer`,
  },
  // REST API of requests (apiToken: personas carry no token) and the webhooks' admin page.
  '/api/v1/demarches/:slug': { path: () => '/api/v1/demarches/signalement-voirie' },
  '/api/v1/demandes/:numero': { path: () => '/api/v1/demandes/2026-000001' },
  '/api/v1/demandes/:numero/messages': { path: () => '/api/v1/demandes/2026-000001/messages' },
  '/api/v1/demandes/:numero/statut': { path: () => '/api/v1/demandes/2026-000001/statut' },
  // Profile: a household member of nobody (see OWNER_SCOPED).
  '/c/:slug/compte/profil/foyer/:member': {
    path: (c) => `/c/${c.commune}/compte/profil/foyer/01a22309-0000-7000-8000-0000000000aa`,
  },
  '/c/:slug/compte/profil/foyer/:member/retirer': {
    path: (c) => `/c/${c.commune}/compte/profil/foyer/01a22309-0000-7000-8000-0000000000aa/retirer`,
  },
  // Document vault: a document of nobody (see OWNER_SCOPED).
  '/c/:slug/compte/justificatifs/:document/telecharger': {
    path: (c) => `/c/${c.commune}/compte/justificatifs/01a22309-0000-7000-8000-0000000000bb/telecharger`,
  },
  '/c/:slug/compte/justificatifs/:document/supprimer': {
    path: (c) => `/c/${c.commune}/compte/justificatifs/01a22309-0000-7000-8000-0000000000bb/supprimer`,
  },
  // Parapheur: a folder, document and delegation of nobody (see OWNER_SCOPED and HANDLER_404).
  ...Object.fromEntries(
    [
      '',
      '/fiche-de-preuve.pdf',
      '/viser',
      '/signer',
      '/refuser',
      '/renvoyer',
      '/annoter',
      '/remords',
      '/transferer',
    ].map((suffix) => [
      `/c/:slug/agent/parapheur/:folder${suffix}`,
      { path: (c: SampleContext) => `/c/${c.commune}/agent/parapheur/01a22309-0000-7000-8000-0000000000cc${suffix}` },
    ]),
  ),
  // Family tariffs: the commune's own first activity (seeded by the demo).
  '/c/:slug/admin/famille/activites/:activity/grille': {
    path: (c) => `/c/${c.commune}/admin/famille/activites/${c.ids[`activity:${c.commune}`]}/grille`,
  },
  ...Object.fromEntries(
    ['', '/fermeture'].map((suffix) => [
      `/c/:slug/admin/famille/activites/:activity/jours${suffix}`,
      {
        path: (c: SampleContext) =>
          `/c/${c.commune}/admin/famille/activites/${c.ids[`activity:${c.commune}`]}/jours${suffix}`,
      },
    ]),
  ),
  '/c/:slug/admin/famille/activites/:activity/inscriptions': {
    path: (c) => `/c/${c.commune}/admin/famille/activites/${c.ids[`activity:${c.commune}`]}/inscriptions`,
  },
  // Family enrolments: an enrolment of nobody (see HANDLER_404).
  '/c/:slug/admin/famille/activites/:activity/inscriptions/:enrolment/annuler': {
    path: (c) =>
      `/c/${c.commune}/admin/famille/activites/${c.ids[`activity:${c.commune}`]}/inscriptions/01a22309-0000-7000-8000-0000000000f1/annuler`,
  },
  ...Object.fromEntries(
    ['confirmer', 'annuler'].map((action) => [
      `/c/:slug/famille/inscriptions/:enrolment/${action}`,
      {
        path: (c: SampleContext) =>
          `/c/${c.commune}/famille/inscriptions/01a22309-0000-7000-8000-0000000000f1/${action}`,
      },
    ]),
  ),
  // Family days and invoices: an enrolment and an invoice of nobody (see OWNER_SCOPED and HANDLER_404).
  ...Object.fromEntries(
    ['', '/periode'].map((suffix) => [
      `/c/:slug/famille/reservations/:enrolment${suffix}`,
      {
        path: (c: SampleContext) =>
          `/c/${c.commune}/famille/reservations/01a22309-0000-7000-8000-0000000000f1${suffix}`,
      },
    ]),
  ),
  ...Object.fromEntries(
    ['', '/pdf', '/payer', '/retour'].map((suffix) => [
      `/c/:slug/famille/factures/:invoice${suffix}`,
      {
        path: (c: SampleContext) => `/c/${c.commune}/famille/factures/01a22309-0000-7000-8000-0000000000f2${suffix}`,
      },
    ]),
  ),
  '/c/:slug/famille/factures/:invoice/avoirs/:note/pdf': {
    path: (c) =>
      `/c/${c.commune}/famille/factures/01a22309-0000-7000-8000-0000000000f2/avoirs/01a22309-0000-7000-8000-0000000000f3/pdf`,
  },
  ...Object.fromEntries(
    ['', '/avoir'].map((suffix) => [
      `/c/:slug/admin/famille/factures/:invoice${suffix}`,
      {
        path: (c: SampleContext) =>
          `/c/${c.commune}/admin/famille/factures/01a22309-0000-7000-8000-0000000000f2${suffix}`,
      },
    ]),
  ),
  // PayFiP's notification: public, it only makes Guichet ask PayFiP about an operation it knows.
  '/api/paiements/payfip/:slug/notification': {
    path: () => '/api/paiements/payfip/villebelle/notification',
  },
  '/c/:slug/agent/parapheur/:folder/documents/:document': {
    path: (c) =>
      `/c/${c.commune}/agent/parapheur/01a22309-0000-7000-8000-0000000000cc/documents/01a22309-0000-7000-8000-0000000000dd`,
  },
  '/c/:slug/agent/parapheur/delegations/:delegation/retirer': {
    path: (c) => `/c/${c.commune}/agent/parapheur/delegations/01a22309-0000-7000-8000-0000000000ee/retirer`,
  },
  // Parapheur: the CRL of a commune without authority (see HANDLER_404).
  '/api/v1/parapheur/dossiers/:dossier': {
    path: () => '/api/v1/parapheur/dossiers/01a22309-0000-7000-8000-0000000000cc',
  },
  '/api/v1/parapheur/dossiers/:dossier/document': {
    path: () => '/api/v1/parapheur/dossiers/01a22309-0000-7000-8000-0000000000cc/document',
  },
  '/api/v1/parapheur/crl/:file': { path: () => '/api/v1/parapheur/crl/01a22309-0000-7000-8000-000000000099.crl' },
  '/c/:slug/admin/webhooks/:id/supprimer': {
    path: (c) => `/c/${c.commune}/admin/webhooks/01a22309-0000-7000-8000-0000000000ff/supprimer`,
  },
  // Awareness: a campaign of nobody, the training of the library, a link secret of nobody (see HANDLER_404).
  '/c/:slug/admin/sensibilisation/campagnes/:campaign': {
    path: (c) => `/c/${c.commune}/admin/sensibilisation/campagnes/01a22309-0000-7000-8000-0000000000a5`,
  },
  '/c/:slug/admin/sensibilisation/incidents/:incident': {
    path: (c) => `/c/${c.commune}/admin/sensibilisation/incidents/01a22309-0000-7000-8000-0000000000a6`,
  },
  '/c/:slug/admin/sensibilisation/incidents/:incident/etapes': {
    path: (c) => `/c/${c.commune}/admin/sensibilisation/incidents/01a22309-0000-7000-8000-0000000000a6/etapes`,
  },
  '/c/:slug/agent/sensibilisation/formations/:training': {
    path: (c) => `/c/${c.commune}/agent/sensibilisation/formations/hameconnage`,
  },
  ...Object.fromEntries(
    ['', '/image.gif', '/a-retenir'].map((suffix) => [
      `/c/:slug/lien/:token${suffix}`,
      { path: (c: SampleContext) => `/c/${c.commune}/lien/${'a'.repeat(43)}${suffix}` },
    ]),
  ),
  // Appointments: a motif, booking, agenda and link of nobody (see HANDLER_404 and OWNER_SCOPED).
  // Council: a séance, item and proxy of nobody (see HANDLER_404).
  ...Object.fromEntries(
    [
      '',
      '/en-seance',
      '/projection',
      '/points',
      '/convoquer',
      '/pouvoirs',
      '/reponses',
      '/appel',
      '/mouvements',
      '/proces-verbal',
      '/proces-verbal/projet',
      '/proces-verbal/arreter',
      '/proces-verbal/projet.pdf',
      '/envoi-postal',
      '/convocations-postales.pdf',
    ].map((suffix) => [
      `/c/:slug/agent/conseil/seances/:seance${suffix}`,
      { path: (c: SampleContext) => `/c/${c.commune}/agent/conseil/seances/${COUNCIL_ID}${suffix}` },
    ]),
  ),
  '/c/:slug/agent/conseil/seances/:seance/pouvoirs/:proxy/retirer': {
    path: (c) => `/c/${c.commune}/agent/conseil/seances/${COUNCIL_ID}/pouvoirs/${COUNCIL_ID}/retirer`,
  },
  '/c/:slug/agent/conseil/seances/:seance/points/:item/deliberation.pdf': {
    path: (c) => `/c/${c.commune}/agent/conseil/seances/${COUNCIL_ID}/points/${COUNCIL_ID}/deliberation.pdf`,
  },
  ...Object.fromEntries(
    ['/vote', '/parapheur', '/publier', '/actes', '/candidats', '/tours'].map((suffix) => [
      `/c/:slug/agent/conseil/seances/:seance/points/:item${suffix}`,
      {
        path: (c: SampleContext) => `/c/${c.commune}/agent/conseil/seances/${COUNCIL_ID}/points/${COUNCIL_ID}${suffix}`,
      },
    ]),
  ),
  '/c/:slug/conseil/seances/:seance/reponse': {
    path: (c) => `/c/${c.commune}/conseil/seances/${COUNCIL_ID}/reponse`,
  },
  '/c/:slug/conseil/seances/:seance/pouvoir': {
    path: (c) => `/c/${c.commune}/conseil/seances/${COUNCIL_ID}/pouvoir`,
  },
  '/c/:slug/conseil/seances/:seance/seance.ics': {
    path: (c) => `/c/${c.commune}/conseil/seances/${COUNCIL_ID}/seance.ics`,
  },
  '/c/:slug/conseil/pouvoirs/:proxy/retirer': {
    path: (c) => `/c/${c.commune}/conseil/pouvoirs/${COUNCIL_ID}/retirer`,
  },
  // Council: a convocation link, an item and a private note of nobody (see HANDLER_404).
  '/c/:slug/conseil/convocations/:token': {
    path: (c) => `/c/${c.commune}/conseil/convocations/aucun-jeton-de-convocation-connu-0000000000`,
  },
  '/c/:slug/conseil/points/:item/notes': { path: (c) => `/c/${c.commune}/conseil/points/${COUNCIL_ID}/notes` },
  '/c/:slug/conseil/notes/:note': { path: (c) => `/c/${c.commune}/conseil/notes/${COUNCIL_ID}` },
  '/c/:slug/conseil/notes/:note/supprimer': { path: (c) => `/c/${c.commune}/conseil/notes/${COUNCIL_ID}/supprimer` },
  // Council's public acts: a délibération number and a séance that nothing published (see HANDLER_404).
  '/c/:slug/deliberations/:numero': { path: (c) => `/c/${c.commune}/deliberations/1999-000001` },
  '/c/:slug/deliberations/proces-verbaux/:seance': {
    path: (c) => `/c/${c.commune}/deliberations/proces-verbaux/${COUNCIL_ID}`,
  },
  '/c/:slug/rendez-vous/:motif': { path: (c) => `/c/${c.commune}/rendez-vous/${APPOINTMENT_ID}` },
  '/c/:slug/rendez-vous/:motif/reserver': { path: (c) => `/c/${c.commune}/rendez-vous/${APPOINTMENT_ID}/reserver` },
  ...Object.fromEntries(
    ['', '/annuler', '/attente', '/deplacer'].map((suffix) => [
      `/c/:slug/rendez-vous/gerer/:token${suffix}`,
      { path: (c: SampleContext) => `/c/${c.commune}/rendez-vous/gerer/${'a'.repeat(43)}${suffix}` },
    ]),
  ),
  '/c/:slug/rendez-vous/offre/:token': { path: (c) => `/c/${c.commune}/rendez-vous/offre/${'a'.repeat(43)}` },
  '/c/:slug/rendez-vous/ants/:booking': { path: (c) => `/c/${c.commune}/rendez-vous/ants/${APPOINTMENT_ID}` },
  '/c/:slug/rendez-vous/agenda/:file': { path: (c) => `/c/${c.commune}/rendez-vous/agenda/${'a'.repeat(43)}.ics` },
  '/c/:slug/agent/rendez-vous/agenda-en-ligne/:feed/revoquer': {
    path: (c) => `/c/${c.commune}/agent/rendez-vous/agenda-en-ligne/${APPOINTMENT_ID}/revoquer`,
  },
  ...Object.fromEntries(
    ['', '/etat', '/quitter'].map((suffix) => [
      `/c/:slug/accueil/ticket/:token${suffix}`,
      { path: (c: SampleContext) => `/c/${c.commune}/accueil/ticket/${'a'.repeat(43)}${suffix}` },
    ]),
  ),
  ...Object.fromEntries(
    ['servi', 'absent'].map((outcome) => [
      `/c/:slug/agent/file-d-attente/:ticket/${outcome}`,
      { path: (c: SampleContext) => `/c/${c.commune}/agent/file-d-attente/${APPOINTMENT_ID}/${outcome}` },
    ]),
  ),
  '/c/:slug/mes-rendez-vous/:booking': { path: (c) => `/c/${c.commune}/mes-rendez-vous/${APPOINTMENT_ID}` },
  '/c/:slug/mes-rendez-vous/:booking/annuler': {
    path: (c) => `/c/${c.commune}/mes-rendez-vous/${APPOINTMENT_ID}/annuler`,
  },
  ...Object.fromEntries(
    ['arrivee', 'absence', 'annulation', 'retablir'].map((action) => [
      `/c/:slug/agent/rendez-vous/:booking/${action}`,
      { path: (c: SampleContext) => `/c/${c.commune}/agent/rendez-vous/${APPOINTMENT_ID}/${action}` },
    ]),
  ),
  ...Object.fromEntries(
    ['retirer', 'proposer'].map((action) => [
      `/c/:slug/admin/rendez-vous/motifs/:motif/${action}`,
      { path: (c: SampleContext) => `/c/${c.commune}/admin/rendez-vous/motifs/${APPOINTMENT_ID}/${action}` },
    ]),
  ),
  ...Object.fromEntries(
    ['', '/horaires', '/fermetures', '/lieu', '/fermer', '/ouvrir'].map((suffix) => [
      `/c/:slug/admin/rendez-vous/agendas/:agenda${suffix}`,
      { path: (c: SampleContext) => `/c/${c.commune}/admin/rendez-vous/agendas/${APPOINTMENT_ID}${suffix}` },
    ]),
  ),
  ...Object.fromEntries(
    ['horaires', 'fermetures'].map((kind) => [
      `/c/:slug/admin/rendez-vous/agendas/:agenda/${kind}/:item/retirer`,
      {
        path: (c: SampleContext) =>
          `/c/${c.commune}/admin/rendez-vous/agendas/${APPOINTMENT_ID}/${kind}/${APPOINTMENT_ID}/retirer`,
      },
    ]),
  ),
  // Courrier reply templates: a template no commune has (the handler answers 404, see HANDLER_404).
  ...Object.fromEntries(
    ['', '/retablir'].map((suffix) => [
      `/c/:slug/admin/courrier/modeles/:modele${suffix}`,
      { path: (c: SampleContext) => `/c/${c.commune}/admin/courrier/modeles/${COURRIER_ID}${suffix}` },
    ]),
  ),
  // Courrier absences: an absence no commune has (the handler answers 404, see HANDLER_404).
  '/c/:slug/agent/courrier/absences/:absence/retirer': {
    path: (c: SampleContext) => `/c/${c.commune}/agent/courrier/absences/${COURRIER_ID}/retirer`,
  },
  // Courrier: a mail no commune has (the handler answers 404, see HANDLER_404; forms answer 422 first).
  ...Object.fromEntries(
    [
      '',
      '/documents/:document',
      '/attribuer',
      '/reorienter',
      '/completer',
      '/proposition',
      '/reponse',
      '/reponses/:reply/parapheur',
      '/reponses/:reply/envoyer',
      '/reponses/:reply/suivi',
      '/reponses/:reply/lettre.pdf',
      '/reponses/:reply/preuves/:proof',
      '/avis',
      '/avis/:avis/reponse',
    ].map((suffix) => [
      `/c/:slug/agent/courrier/:mail${suffix}`,
      {
        path: (c: SampleContext) =>
          `/c/${c.commune}/agent/courrier/${COURRIER_ID}${suffix.replace(/:(document|reply|proof|avis)/g, COURRIER_ID)}`,
      },
    ]),
  ),
};

/**
 * Routes whose handler itself answers 404, with this error code, to a person the policy lets
 * through: an empty POST naming no resource, or a feature the test app leaves unconfigured.
 * Any other 404 to an allowed persona fails the test.
 */
const HANDLER_404: Record<string, string> = {
  'POST /c/:slug/compte/sessions/fermer': 'session.not_found',
  // The survey without its signed link (`jeton`): « ce lien n’est pas valable ».
  'GET /c/:slug/avis': 'satisfaction.link_invalid',
  'POST /c/:slug/avis': 'satisfaction.link_invalid',
  'POST /_demo/taches/relancer': 'job.not_found',
  'GET /c/:slug/connexion/franceconnect': 'oidc.not_configured',
  'GET /c/:slug/connexion/franceconnect/retour': 'oidc.not_configured',
  'GET /c/:slug/deconnexion/franceconnect/retour': 'oidc.not_configured',
  'GET /c/:slug/connexion/proconnect': 'oidc.not_configured',
  'GET /c/:slug/connexion/proconnect/retour': 'oidc.not_configured',
  'GET /c/:slug/deconnexion/proconnect/retour': 'oidc.not_configured',
  'POST /c/:slug/demarches/:procedure/refaire': 'request.not_found',
  'POST /c/:slug/demandes/:number/repondre': 'request.not_found',
  'POST /c/:slug/compte/profil/foyer/:member': 'household.member_not_found',
  'POST /c/:slug/compte/profil/foyer/:member/retirer': 'household.member_not_found',
  'POST /c/:slug/compte/justificatifs/:document/supprimer': 'vault.document_not_found',
  'GET /c/:slug/admin/commune/services/:service': 'service.not_found',
  'POST /c/:slug/admin/commune/services/:service': 'service.not_found',
  'POST /c/:slug/admin/commune/services/:service/retirer': 'service.not_found',
  'POST /c/:slug/admin/commune/services/:service/retablir': 'service.not_found',
  ...Object.fromEntries(
    ['/viser', '/refuser', '/renvoyer', '/annoter', '/remords', '/transferer'].map((suffix) => [
      `POST /c/:slug/agent/parapheur/:folder${suffix}`,
      'signature.folder_not_found',
    ]),
  ),
  'POST /c/:slug/agent/parapheur/delegations/:delegation/retirer': 'signature.delegation_not_found',
  'POST /c/:slug/famille/inscriptions/:enrolment/confirmer': 'family.enrolment_not_found',
  'POST /c/:slug/famille/inscriptions/:enrolment/annuler': 'family.enrolment_not_found',
  'POST /c/:slug/admin/famille/activites/:activity/inscriptions/:enrolment/annuler': 'family.enrolment_not_found',
  'POST /c/:slug/famille/reservations/:enrolment': 'family.enrolment_not_found',
  'POST /c/:slug/famille/reservations/:enrolment/periode': 'family.enrolment_not_found',
  'POST /c/:slug/famille/factures/:invoice/payer': 'family.invoice_not_found',
  // A month with no rôle emitted (the sample sends none), an invoice of nobody.
  'GET /c/:slug/admin/famille/facturation/role': 'family.role_not_found',
  'GET /c/:slug/admin/famille/facturation/role/signature': 'family.role_not_found',
  'GET /c/:slug/admin/famille/factures/:invoice': 'family.invoice_not_found',
  'POST /c/:slug/admin/famille/factures/:invoice/avoir': 'family.invoice_not_found',
  'POST /c/:slug/admin/famille/relances/lettre': 'family.invoice_not_found',
  'GET /api/v1/parapheur/crl/:file': 'signature.crl_not_found',
  // The sample communes never signed: no authority yet, no certificate to publish.
  'GET /c/:slug/verifier-signature/autorite.pem': 'signature.authority_not_found',
  // Council: unknown séance or proxy.
  ...Object.fromEntries(
    [
      'GET ',
      'GET /en-seance',
      'GET /projection',
      'POST /points',
      'POST /convoquer',
      'POST /pouvoirs',
      'POST /reponses',
      'POST /appel',
      'POST /mouvements',
      'POST /pouvoirs/:proxy/retirer',
      'POST /points/:item/vote',
      'POST /points/:item/parapheur',
      'POST /points/:item/publier',
      'POST /points/:item/actes',
      'POST /points/:item/candidats',
      'POST /points/:item/tours',
      'POST /proces-verbal',
      'POST /proces-verbal/projet',
      'POST /proces-verbal/arreter',
      'GET /proces-verbal/projet.pdf',
      'POST /envoi-postal',
      'GET /convocations-postales.pdf',
      'GET /points/:item/deliberation.pdf',
    ].map((entry) => {
      const [method, suffix] = entry.split(' ');
      return [`${method} /c/:slug/agent/conseil/seances/:seance${suffix}`, 'council.seance_not_found'];
    }),
  ),
  'POST /c/:slug/conseil/pouvoirs/:proxy/retirer': 'council.proxy_not_found',
  'GET /c/:slug/conseil/convocations/:token': 'council.convocation_not_found',
  'POST /c/:slug/conseil/points/:item/notes': 'council.item_not_found',
  'POST /c/:slug/conseil/notes/:note': 'council.note_not_found',
  'POST /c/:slug/conseil/notes/:note/supprimer': 'council.note_not_found',
  'GET /c/:slug/conseil/seances/:seance/seance.ics': 'council.seance_not_found',
  'GET /c/:slug/deliberations/:numero': 'council.deliberation_not_found',
  'GET /c/:slug/deliberations/proces-verbaux/:seance': 'council.minutes_not_found',
  // No SIRET in the demo: no open-data file yet.
  'GET /c/:slug/deliberations/donnees-ouvertes.csv': 'council.open_data_unavailable',
  // Appointments: unknown motif, booking, link or agenda.
  // Awareness: an unknown campaign or link secret; no staff notice published in the demo.
  'GET /c/:slug/admin/sensibilisation/campagnes/:campaign': 'awareness.campaign_not_found',
  'GET /c/:slug/agent/sensibilisation/note': 'awareness.notice_not_found',
  // Nobody in the demo has passed the five trainings: no certificate yet.
  'GET /c/:slug/agent/sensibilisation/attestation.pdf': 'awareness.certificate_not_found',
  'GET /c/:slug/admin/sensibilisation/incidents/:incident': 'awareness.incident_not_found',
  'POST /c/:slug/admin/sensibilisation/incidents/:incident/etapes': 'awareness.incident_not_found',
  'GET /c/:slug/lien/:token': 'awareness.link_not_found',
  'POST /c/:slug/lien/:token': 'awareness.link_not_found',
  'GET /c/:slug/lien/:token/image.gif': 'awareness.link_not_found',
  'GET /c/:slug/lien/:token/a-retenir': 'awareness.link_not_found',
  'GET /c/:slug/rendez-vous/:motif': 'appointments.motif_not_found',
  'GET /c/:slug/rendez-vous/:motif/reserver': 'appointments.motif_not_found',
  // An empty form is shown again, on the page of the unknown motif, link or agenda: 404.
  'POST /c/:slug/rendez-vous/:motif/reserver': 'appointments.motif_not_found',
  'POST /c/:slug/rendez-vous/gerer/:token/deplacer': 'appointments.booking_not_found',
  'POST /c/:slug/admin/rendez-vous/agendas/:agenda/horaires': 'appointments.agenda_not_found',
  'POST /c/:slug/admin/rendez-vous/agendas/:agenda/fermetures': 'appointments.agenda_not_found',
  'POST /c/:slug/admin/rendez-vous/agendas/:agenda/lieu': 'appointments.agenda_not_found',
  'GET /c/:slug/rendez-vous/gerer/:token': 'appointments.booking_not_found',
  'GET /c/:slug/rendez-vous/gerer/:token/deplacer': 'appointments.booking_not_found',
  'POST /c/:slug/rendez-vous/gerer/:token/annuler': 'appointments.booking_not_found',
  'POST /c/:slug/rendez-vous/gerer/:token/attente': 'appointments.booking_not_found',
  'GET /c/:slug/rendez-vous/offre/:token': 'appointments.booking_not_found',
  'POST /c/:slug/rendez-vous/offre/:token': 'appointments.booking_not_found',
  'POST /c/:slug/mes-rendez-vous/:booking/annuler': 'appointments.booking_not_found',
  ...Object.fromEntries(
    ['arrivee', 'absence', 'annulation', 'retablir'].map((action) => [
      `POST /c/:slug/agent/rendez-vous/:booking/${action}`,
      'appointments.booking_not_found',
    ]),
  ),
  'POST /c/:slug/admin/rendez-vous/motifs/:motif/retirer': 'appointments.motif_not_found',
  'POST /c/:slug/admin/rendez-vous/motifs/:motif/proposer': 'appointments.motif_not_found',
  'GET /c/:slug/admin/rendez-vous/agendas/:agenda': 'appointments.agenda_not_found',
  'POST /c/:slug/admin/rendez-vous/agendas/:agenda/fermer': 'appointments.agenda_not_found',
  'POST /c/:slug/admin/rendez-vous/agendas/:agenda/ouvrir': 'appointments.agenda_not_found',
  'POST /c/:slug/admin/rendez-vous/agendas/:agenda/horaires/:item/retirer': 'appointments.agenda_not_found',
  'POST /c/:slug/admin/rendez-vous/agendas/:agenda/fermetures/:item/retirer': 'appointments.agenda_not_found',
  'GET /c/:slug/rendez-vous/ants/:booking': 'appointments.booking_not_found',
  'POST /c/:slug/rendez-vous/ants/:booking': 'appointments.booking_not_found',
  'GET /c/:slug/rendez-vous/agenda/:file': 'appointments.feed_not_found',
  'POST /c/:slug/agent/rendez-vous/agenda-en-ligne/:feed/revoquer': 'appointments.feed_not_found',
  // The walk-in queue: an unknown ticket's secret, or a ticket of no motif of the agent's services.
  'GET /c/:slug/accueil/ticket/:token': 'appointments.ticket_not_found',
  'GET /c/:slug/accueil/ticket/:token/etat': 'appointments.ticket_not_found',
  'POST /c/:slug/accueil/ticket/:token/quitter': 'appointments.ticket_not_found',
  'POST /c/:slug/agent/file-d-attente/:ticket/servi': 'appointments.ticket_not_found',
  'POST /c/:slug/agent/file-d-attente/:ticket/absent': 'appointments.ticket_not_found',
  'GET /c/:slug/admin/courrier/modeles/:modele': 'courrier.template_not_found',
  'POST /c/:slug/admin/courrier/modeles/:modele': 'courrier.template_not_found',
  'POST /c/:slug/admin/courrier/modeles/:modele/retablir': 'courrier.template_not_found',
  'POST /c/:slug/agent/courrier/absences/:absence/retirer': 'courrier.absence_not_found',
  // The courrier: an unknown mail (or one the person may not see: a confidential mail not named to them).
  ...Object.fromEntries(
    [
      'GET ',
      'GET /documents/:document',
      'POST /attribuer',
      'POST /reorienter',
      'POST /completer',
      'POST /proposition',
      'GET /reponse',
      'POST /reponses/:reply/parapheur',
      'POST /reponses/:reply/envoyer',
      'POST /reponses/:reply/suivi',
      'GET /reponses/:reply/lettre.pdf',
      'GET /reponses/:reply/preuves/:proof',
      'POST /avis',
      'POST /avis/:avis/reponse',
    ].map((entry) => {
      const [method, suffix] = entry.split(' ');
      return [`${method} /c/:slug/agent/courrier/:mail${suffix}`, 'courrier.mail_not_found'];
    }),
  ),
};

/**
 * Pages of one person's own resource (a citizen's request, household member, vault document): the policy lets every signed-in
 * person through, and the handler answers 404 to all but the owner — whom no persona is here.
 */
const OWNER_SCOPED = new Set([
  '/c/:slug/demandes/:number',
  '/c/:slug/demandes/:number/accuse-de-reception.pdf',
  '/c/:slug/demandes/:number/documents/:file',
  '/c/:slug/compte/profil/foyer/:member',
  '/c/:slug/compte/profil/foyer/:member/retirer',
  '/c/:slug/compte/justificatifs/:document/telecharger',
  '/c/:slug/compte/justificatifs/:document/supprimer',
  // A parapheur folder is seen by its author, the people of its circuit and the leadership only.
  '/c/:slug/agent/parapheur/:folder',
  '/c/:slug/agent/parapheur/:folder/documents/:document',
  '/c/:slug/agent/parapheur/:folder/fiche-de-preuve.pdf',
  // A citizen's own appointment.
  '/c/:slug/mes-rendez-vous/:booking',
  // A family's own bookings calendar and invoices.
  '/c/:slug/famille/reservations/:enrolment',
  '/c/:slug/famille/factures/:invoice',
  '/c/:slug/famille/factures/:invoice/pdf',
  '/c/:slug/famille/factures/:invoice/retour',
  '/c/:slug/famille/factures/:invoice/avoirs/:note/pdf',
]);

/** Sensitive routes: personal-data exports, staff and roles, credentials, API tokens, publication. */
const STEP_UP_ROUTES = [
  'GET /c/:slug/admin/journal/export.csv',
  'HEAD /c/:slug/admin/journal/export.csv',
  'GET /c/:slug/admin/membres/inviter',
  'HEAD /c/:slug/admin/membres/inviter',
  'POST /c/:slug/admin/membres/inviter',
  'POST /c/:slug/admin/membres/:id/roles',
  'POST /c/:slug/compte/cles-d-acces/options',
  'POST /c/:slug/compte/cles-d-acces/supprimer',
  'POST /c/:slug/admin/api',
  'GET /c/:slug/compte/donnees/export.json',
  'HEAD /c/:slug/compte/donnees/export.json',
  'GET /c/:slug/compte/donnees/lisible',
  'HEAD /c/:slug/compte/donnees/lisible',
  'POST /c/:slug/compte/donnees/supprimer',
  'GET /c/:slug/agent/demandes/export.csv',
  'HEAD /c/:slug/agent/demandes/export.csv',
  'GET /c/:slug/agent/demandes/export.xlsx',
  'HEAD /c/:slug/agent/demandes/export.xlsx',
  'GET /c/:slug/agent/courrier/export.csv',
  'HEAD /c/:slug/agent/courrier/export.csv',
  'GET /c/:slug/agent/courrier/export.xlsx',
  'HEAD /c/:slug/agent/courrier/export.xlsx',
  'GET /c/:slug/agent/courrier/depart/export.csv',
  'HEAD /c/:slug/agent/courrier/depart/export.csv',
  'GET /c/:slug/agent/courrier/depart/export.xlsx',
  'HEAD /c/:slug/agent/courrier/depart/export.xlsx',
  'POST /c/:slug/admin/courrier/boite',
  'POST /c/:slug/admin/courrier/boite/supprimer',
  'POST /c/:slug/admin/webhooks',
  'GET /c/:slug/compte/securite/codes-de-secours',
  'HEAD /c/:slug/compte/securite/codes-de-secours',
  'POST /c/:slug/compte/securite/codes-de-secours',
  'POST /c/:slug/compte/securite/desactiver-application',
  'POST /c/:slug/admin/demarches/importer',
  'POST /c/:slug/admin/demarches/:procedure/publier',
  'POST /c/:slug/admin/demarches/:procedure/depublier',
  'POST /c/:slug/agent/parapheur/:folder/signer',
  'POST /c/:slug/agent/parapheur/lot',
  'POST /c/:slug/agent/parapheur/certificat',
  'POST /c/:slug/agent/parapheur/certificat/retirer',
];

/** A cookie-keeping client (one per persona, reused for every case). */
class Client {
  readonly cookies = new Map<string, string>();
  csrf = '';
  constructor(
    private readonly app: FastifyInstance,
    readonly remoteAddress: string,
  ) {}

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async request(
    method: string,
    url: string,
    options: { accept?: string; form?: Record<string, string> } = {},
  ): Promise<LightMyRequestResponse> {
    const res = await this.app.inject({
      method: method as 'GET',
      url,
      remoteAddress: this.remoteAddress,
      headers: {
        cookie: this.cookieHeader(),
        accept: options.accept ?? 'text/html,application/xhtml+xml',
        'user-agent': 'Matrice/1.0',
        ...(options.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(options.form ? { payload: new URLSearchParams(options.form).toString() } : {}),
    });
    const set = res.headers['set-cookie'];
    for (const line of Array.isArray(set) ? set : set ? [set] : []) {
      const [pair, ...attrs] = line.split(';');
      const [name, ...value] = pair!.split('=');
      const expired = attrs.some((a) => /^\s*(max-age=0|expires=thu, 01 jan 1970)/i.test(a));
      if (expired || value.join('=') === '') this.cookies.delete(name!.trim());
      else this.cookies.set(name!.trim(), value.join('='));
    }
    const token = /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1];
    if (token) this.csrf = token;
    return res;
  }

  /** Signs in (if an account) and loads a page with a CSRF token. */
  async start(persona: Persona): Promise<void> {
    await this.request('GET', `/c/${persona.home}/connexion`);
    if (!persona.email) return;
    const res = await this.request('POST', `/c/${persona.home}/connexion`, {
      form: { _csrf: this.csrf, email: persona.email, password: DEMO_PASSWORD },
    });
    if (res.statusCode !== 303) throw new Error(`sign-in of ${persona.email} failed: ${res.statusCode}`);
    if (usesDemoKey(persona.email)) {
      // Administrators and the operator hold the demo key (decision 0029): pass the second factor.
      await this.request('GET', `/c/${persona.home}/compte/double-authentification`);
      const passed = await this.request('POST', `/c/${persona.home}/compte/double-authentification`, {
        form: { _csrf: this.csrf, code: await demoKeyCode(this.app, persona.email) },
      });
      if (passed.statusCode !== 303) throw new Error(`second factor of ${persona.email}: ${passed.statusCode}`);
    }
    await this.request('GET', `/c/${persona.home}/connexion`);
  }
}

interface Case {
  method: string;
  route: string;
  policy: string;
  persona: Persona;
  commune: CommuneSlug | null;
  url: string;
  expected: Outcome;
  /** The error code with which the handler may answer 404 although the policy allows. */
  handler404: string | undefined;
  /** The route asks for a recent authentication (`config.stepUp`). */
  stepUp: boolean;
}

function errorCode(res: LightMyRequestResponse): string | undefined {
  if (!String(res.headers['content-type'] ?? '').includes('application/json')) return undefined;
  try {
    return (res.json() as { error?: { code?: string } }).error?.code;
  } catch {
    return undefined;
  }
}

/** Why the response does not match the expected outcome, or null when it does. */
function mismatch(c: Case, res: LightMyRequestResponse, jsonCode?: string): string | null {
  const status = res.statusCode;
  const location = String(res.headers.location ?? '');
  const base = c.commune ? `/c/${c.commune}` : '';
  const back = `?retour=${encodeURIComponent(c.url)}`;
  const code = jsonCode ?? errorCode(res);
  const browserGet = c.method === 'GET' && c.route !== '/api/v1/moi' && !c.url.startsWith('/api/');
  const signInRedirect = status === 303 && location === `${base}/connexion${back}`;
  const mfaRedirect = status === 303 && location === `${base}/compte/double-authentification${back}`;
  if (status >= 500) return `server error ${status}`;
  switch (c.expected) {
    case 'sign_in':
      if (browserGet)
        return signInRedirect ? null : `expected 303 to ${base}/connexion${back}, got ${status} ${location}`;
      return status === 401 && (c.method === 'HEAD' || code === 'auth.required') ? null : `expected 401, got ${status}`;
    case 'mfa':
      if (browserGet) return mfaRedirect ? null : `expected 303 to the second-factor page, got ${status} ${location}`;
      return status === 401 && (c.method === 'HEAD' || code === 'auth.mfa_required')
        ? null
        : `expected 401, got ${status}`;
    case 'not_found':
      return status === 404 && (c.method !== 'POST' || code === 'not_found') ? null : `expected 404, got ${status}`;
    case 'api_unauthorized':
      return status === 401 && (c.method === 'HEAD' || code === 'api.unauthorized')
        ? null
        : `expected 401, got ${status}`;
    case 'allowed': {
      if (signInRedirect || mfaRedirect) return `refused by redirect to ${location}`;
      // Writes are sent with stale sessions: a step-up route stops at its guard.
      if (c.stepUp && c.method === 'POST') {
        return status === 401 && code === 'auth.step_up_required'
          ? null
          : `expected 401 auth.step_up_required, got ${status} (${code ?? 'html'})`;
      }
      // Staff who hold only the app (the demo's administrators and operator, decision 0029) must
      // keep it: the page of disabling it answers 403 with the explanation, past the policy.
      if (status === 403 && c.route === '/c/:slug/compte/securite/desactiver-application' && c.method !== 'POST') {
        return null;
      }
      if (status === 403) return `403 (${code ?? 'html'})`;
      if (status === 401 && (c.method !== 'POST' || code === 'auth.required' || code === 'auth.mfa_required')) {
        return `401 (${code ?? 'html'})`;
      }
      if (status === 404 && c.method !== 'POST' && OWNER_SCOPED.has(c.route)) return null;
      if (status === 404 && !(c.handler404 && code === c.handler404)) return `404 (${code ?? 'html'})`;
      return null;
    }
  }
}

describe.each(TEST_ENGINES)('authorization matrix on %s', (engine) => {
  let t: TestApp;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestApp(engine, { env: { GUICHET_RATE_LIMIT_PER_MINUTE: '100000' } });
    await seedDemo(t.runtime.database, t.runtime.queue, t.config.publicUrl, t.config.secret!);
    await t.runtime.communes.reload();
    const member = async (email: string) =>
      (await t.testDb.asSuperuser<{ id: string }>('SELECT id FROM account WHERE email = $1', [email])).rows[0]!.id;
    ids['member:villebelle'] = await member('elu@villebelle.example');
    ids['member:saint-aubin-les-pres'] = await member('maire@saint-aubin-les-pres.example');
    for (const slug of COMMUNES) {
      const { rows } = await t.testDb.asSuperuser<{ id: string }>('SELECT id FROM commune WHERE slug = $1', [slug]);
      const tokenId = randomUUID();
      await t.testDb.asSuperuser(
        `INSERT INTO api_token (id, commune_id, name, token_hash, scopes, expires_at)
         VALUES ($1, $2, 'matrice', $3, '{communes:read}', now() + interval '1 day')`,
        [tokenId, rows[0]!.id, hashApiToken(`gch_matrice_${slug}`)],
      );
      ids[`token:${slug}`] = tokenId;
      const activity = await t.testDb.asSuperuser<{ id: string }>(
        'SELECT id FROM family_activity WHERE commune_id = $1 ORDER BY position LIMIT 1',
        [rows[0]!.id],
      );
      ids[`activity:${slug}`] = activity.rows[0]!.id;
      // A request (État civil / Secrétariat) and a file of it, for the back-office routes.
      const requestId = randomUUID();
      const number = `${new Date().getFullYear()}-990001`;
      await t.testDb.asSuperuser(
        `INSERT INTO citizen_request (id, commune_id, number, service_id, requester_name, requester_email, subject, due_at)
         SELECT $1, $2, $3, id, 'Matrice', 'matrice@courriel.example', 'Matrice', now() + interval '30 days'
           FROM service WHERE commune_id = $2 AND slug = $4`,
        [requestId, rows[0]!.id, number, slug === 'villebelle' ? 'etat-civil' : 'secretariat'],
      );
      const fileId = randomUUID();
      await t.testDb.asSuperuser(
        `WITH b AS (
           INSERT INTO blob (scope, sha256, size_bytes, content)
           VALUES ('communes/' || $2::uuid, encode(sha256('\\x25504446'::bytea), 'hex'), 4, '\\x25504446'::bytea)
           RETURNING sha256)
         INSERT INTO stored_file (id, commune_id, request_id, name, mime_type, size_bytes, sha256)
         SELECT $1::uuid, $2::uuid, $3::uuid, 'matrice.pdf', 'application/pdf', 4, sha256 FROM b`,
        [fileId, rows[0]!.id, requestId],
      );
      // A photo (a real JPEG: its thumbnail is served only when the bytes are an image).
      const photoId = randomUUID();
      await t.testDb.asSuperuser(
        `WITH b AS (
           INSERT INTO blob (scope, sha256, size_bytes, content)
           VALUES ('communes/' || $2::uuid, encode(sha256($4::bytea), 'hex'), length($4::bytea), $4::bytea)
           RETURNING sha256, size_bytes)
         INSERT INTO stored_file (id, commune_id, request_id, name, mime_type, size_bytes, sha256)
         SELECT $1::uuid, $2::uuid, $3::uuid, 'matrice.jpg', 'image/jpeg', size_bytes, sha256 FROM b`,
        [photoId, rows[0]!.id, requestId, tinyJpeg()],
      );
      ids[`request:${slug}`] = number;
      ids[`file:${slug}`] = fileId;
      ids[`photo:${slug}`] = photoId;
    }
    const mailDir = mailDirectory(t.config);
    fs.mkdirSync(mailDir, { recursive: true });
    fs.writeFileSync(
      path.join(mailDir, 'matrice-demo.eml'),
      'From: mairie@villebelle.example\r\nTo: test@example.org\r\nSubject: Matrice\r\n\r\nBonjour.\r\n',
    );
  });
  afterAll(() => t?.close());

  it('gives every route the outcome of its policy, for every persona in both communes', async () => {
    const failures: string[] = [];
    const cases: Case[] = [];
    for (const route of t.app.routeRegistry) {
      const expectation = EXPECTATIONS[route.policy];
      if (!expectation) {
        failures.push(`${route.method} ${route.url}: policy « ${route.policy} » unknown to the matrix`);
        continue;
      }
      const inCommune = route.url === '/c/:slug' || route.url.startsWith('/c/:slug/');
      const rest = inCommune ? route.url.slice('/c/:slug'.length) : route.url;
      const sample = SAMPLES[route.url];
      if (!sample && /[:*]/.test(rest)) {
        failures.push(`${route.method} ${route.url}: no sample values for its path parameters`);
        continue;
      }
      for (const commune of inCommune ? COMMUNES : [null]) {
        const url = sample ? sample.path({ commune, ids }) : route.url.replace('/c/:slug', `/c/${commune}`);
        for (const persona of PERSONAS) {
          cases.push({
            method: route.method,
            route: route.url,
            policy: route.policy,
            persona,
            commune,
            url,
            expected: expectation(standing(persona, commune)),
            handler404: HANDLER_404[`${route.method === 'HEAD' ? 'GET' : route.method} ${route.url}`],
            stepUp: route.stepUp,
          });
        }
      }
    }

    const clients = new Map<Persona, Client>();
    let address = 1;
    for (const persona of PERSONAS) {
      const client = new Client(t.app, `192.0.2.${address++}`);
      await client.start(persona);
      clients.set(persona, client);
    }
    const staleSessions = () =>
      t.testDb.asSuperuser(
        `UPDATE session SET reauthenticated_at = now() - interval '1 hour' WHERE revoked_at IS NULL`,
      );

    const reads = cases.filter((c) => c.method !== 'POST');
    const writes = cases.filter((c) => c.method === 'POST');
    for (const c of reads) {
      const client = clients.get(c.persona)!;
      const res = await client.request(c.method, c.url);
      // A 404 to an allowed persona: ask again for JSON to read the handler's error code.
      const jsonCode =
        res.statusCode === 404 && c.expected === 'allowed' && c.handler404
          ? errorCode(await client.request('GET', c.url, { accept: 'application/json' }))
          : undefined;
      const problem = mismatch(c, res, jsonCode);
      if (problem) failures.push(`${c.method} ${c.url} as ${c.persona.name} (${c.policy}): ${problem}`);
    }
    await staleSessions();
    for (const c of writes) {
      const client = clients.get(c.persona)!;
      const res = await client.request('POST', c.url, { accept: 'application/json', form: { _csrf: client.csrf } });
      const problem = mismatch(c, res);
      if (problem) failures.push(`POST ${c.url} as ${c.persona.name} (${c.policy}): ${problem}`);
      if (c.persona.email && !client.cookies.has('guichet_session')) {
        // Signed out by the case (déconnexion): sign in again for the next ones.
        await client.start(c.persona);
        await staleSessions();
      }
    }

    // Step-up pages read with a stale session: sent to confirm their identity, then back.
    await staleSessions();
    for (const c of reads.filter((r) => r.stepUp && r.method === 'GET' && r.expected === 'allowed')) {
      const res = await clients.get(c.persona)!.request('GET', c.url);
      const expected = `/c/${c.commune}/compte/confirmer-identite?retour=${encodeURIComponent(c.url)}`;
      if (res.statusCode !== 303 || res.headers.location !== expected) {
        failures.push(
          `GET ${c.url} as ${c.persona.name}, stale session: expected 303 to ${expected}, got ${res.statusCode}`,
        );
      }
    }

    console.info(
      `Matrice d’autorisation (${engine}) : ${cases.length} cas — ${t.app.routeRegistry.length} routes ` +
        `(GET, HEAD, POST) × ${PERSONAS.length} personas, chaque route /c/:slug/ dans ${COMMUNES.length} communes`,
    );
    expect(failures).toEqual([]);
    expect(cases.length).toBeGreaterThan(1000);
    // The routes that ask for a recent authentication, listed: a route loses (or gains) it knowingly.
    expect(
      t.app.routeRegistry
        .filter((r) => r.stepUp)
        .map((r) => `${r.method} ${r.url}`)
        .sort(),
    ).toEqual([...STEP_UP_ROUTES].sort());
    // Thousands of requests, growing with every route: a guard against a hang, not a speed check.
  }, 600_000);
});
