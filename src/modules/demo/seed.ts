/**
 * The demo instance: two fictional communes — a town (Villebelle, ~16 000 inhabitants) and a
 * village (Saint-Aubin-les-Prés, ~900, in "mode simple") — with their services. Created on the
 * first start of the embedded mode, or explicitly by `guichet demo`; never otherwise.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Database } from '../../platform/db/client.js';
import { type Tx, withInstance } from '../../platform/db/tenant.js';
import type { JobQueue } from '../../platform/jobs/queue.js';
import { queueMail } from '../../platform/mail/outbox.js';
import { countCommunes, findCommuneBySlug } from '../../platform/tenancy/communes.js';
import { addCalendarDays, parisDateOf } from '../../platform/time/calendar.js';
import { importAddresses } from '../addresses/index.js';
import { seedAppointments } from '../appointments/index.js';
import { createCommune, type NewCommune } from '../communes/index.js';
import { seedCouncil } from '../council/index.js';
import { type SeedActivity, seedFamilyDays, seedFamilyTariffs } from '../family/index.js';
import { activeAccountIdByEmail, hashPassword } from '../identity/index.js';
import { installLibrary, type Workflow } from '../procedures/index.js';
import { seedHouseholdChild, seedPostalAddress } from '../profile/index.js';
import { type SeededFunctionHolder, seedCircuits, seedFunctionHolders } from '../signature/index.js';
import { DEMO_PASSWORD, seedDemoAccounts } from './accounts.js';
import { DEMO_MAILS } from './mail-templates.js';

/** Démarches of the demo whose status workflow is not the default one (see procedures/workflow.ts). */
const DEMO_WORKFLOWS: Record<string, Workflow> = {
  'occupation-domaine-public': {
    statuses: ['nouvelle', 'en_cours', 'attente_usager', 'acceptee', 'refusee', 'classee'],
    labels: { en_cours: 'En instruction', acceptee: 'Autorisation accordée', refusee: 'Autorisation refusée' },
    steps: [
      { key: 'instruction-technique', label: 'Instruction technique' },
      { key: 'avis-de-la-police-municipale', label: 'Avis de la police municipale' },
      { key: 'arrete-a-la-signature', label: 'Arrêté à la signature' },
    ],
  },
  'signalement-voirie': {
    statuses: ['nouvelle', 'en_cours', 'attente_usager', 'acceptee', 'classee'],
    labels: { acceptee: 'Intervention réalisée', classee: 'Classé sans suite' },
    steps: [{ key: 'intervention-programmee', label: 'Intervention programmée' }],
  },
};

/**
 * Villebelle's demo family: Camille Martin's daughter Léa eats at the school canteen; last month
 * is booked, pointed and invoiced, the coming Mondays and Thursdays are booked. Camille gave her
 * postal address in her profile, so the month's rôle for the Trésorerie names her with it.
 */
async function seedDemoFamily(tx: Tx, communeId: string): Promise<void> {
  const accountId = await activeAccountIdByEmail(tx, 'camille.martin@courriel.example');
  if (!accountId) return;
  await seedPostalAddress(tx, accountId, { line1: '12 rue des Lilas', postcode: '44150', city: 'Villebelle' });
  const child = await seedHouseholdChild(tx, accountId, {
    givenName: 'Léa',
    familyName: 'Martin',
    birthDate: '2018-03-14',
  });
  await seedFamilyDays(tx, communeId, {
    accountId,
    child: { id: child.id, name: 'Léa Martin', birthDate: child.birthDate },
    activitySlug: 'restauration-scolaire',
    qf: 1047,
    today: parisDateOf(new Date()),
  });
}

/** The demo communes' family-portal activities and grids (fictional délibérations). */
const DEMO_TARIFFS: Record<string, SeedActivity[]> = {
  villebelle: [
    {
      slug: 'restauration-scolaire',
      name: 'Restauration scolaire',
      unit: 'repas',
      grid: {
        validFrom: '2026-09-01',
        source: 'Délibération n° 2026-041 du 12 juin 2026 (démonstration)',
        rules: {
          model: {
            kind: 'brackets',
            brackets: [
              { fromQf: 0, toQf: 622, priceCents: 100 },
              { fromQf: 623, toQf: 1000, priceCents: 330 },
              { fromQf: 1001, toQf: 1500, priceCents: 340 },
              { fromQf: 1501, toQf: null, priceCents: 350 },
            ],
          },
          nonResidentPriceCents: 520,
          missingQf: 'highest',
          siblingReductionPercent: 10,
          costPerUserCents: 780,
          oneEuroCanteen: true,
        },
      },
    },
    {
      slug: 'accueil-du-soir',
      name: 'Accueil périscolaire du soir',
      unit: 'soir',
      grid: {
        validFrom: '2026-09-01',
        source: 'Délibération n° 2026-042 du 12 juin 2026 (démonstration)',
        rules: {
          model: { kind: 'effort', ratePpm: 3600, floorCents: 260, ceilingCents: 450 },
          nonResidentPriceCents: null,
          missingQf: 'highest',
          siblingReductionPercent: 0,
          costPerUserCents: 690,
          oneEuroCanteen: false,
        },
      },
    },
  ],
  'saint-aubin-les-pres': [
    {
      slug: 'cantine',
      name: 'Cantine',
      unit: 'repas',
      grid: {
        validFrom: '2026-09-01',
        source: 'Délibération du conseil municipal du 3 juillet 2026 (démonstration)',
        rules: {
          model: {
            kind: 'brackets',
            brackets: [
              { fromQf: 0, toQf: 800, priceCents: 250 },
              { fromQf: 801, toQf: null, priceCents: 380 },
            ],
          },
          nonResidentPriceCents: null,
          missingQf: 'highest',
          siblingReductionPercent: 0,
          costPerUserCents: 650,
          oneEuroCanteen: false,
        },
      },
    },
  ],
};

/** Who holds the parapheur's functions in each demo commune (a village's secretary acts as DGS). */
const DEMO_FUNCTIONS: Record<string, SeededFunctionHolder[]> = {
  villebelle: [
    { function: 'maire', email: 'maire@villebelle.example' },
    { function: 'dgs', email: 'dgs@villebelle.example' },
    { function: 'adjoint_finances', email: 'elu@villebelle.example' },
    { function: 'chef_service', email: 'agent.finances@villebelle.example', serviceSlug: 'finances' },
    { function: 'chef_service', email: 'agent.etat-civil@villebelle.example', serviceSlug: 'etat-civil' },
    { function: 'chef_service', email: 'agent.etat-civil@villebelle.example', serviceSlug: 'accueil' },
    { function: 'chef_service', email: 'agent.urbanisme@villebelle.example', serviceSlug: 'urbanisme' },
    { function: 'chef_service', email: 'agent.technique@villebelle.example', serviceSlug: 'services-techniques' },
    { function: 'chef_service', email: 'agent.enfance@villebelle.example', serviceSlug: 'enfance-scolaire' },
  ],
  'saint-aubin-les-pres': [
    { function: 'maire', email: 'maire@saint-aubin-les-pres.example' },
    { function: 'dgs', email: 'secretariat@saint-aubin-les-pres.example' },
    { function: 'adjoint_finances', email: 'maire@saint-aubin-les-pres.example' },
    { function: 'chef_service', email: 'secretariat@saint-aubin-les-pres.example', serviceSlug: 'secretariat' },
    { function: 'chef_service', email: 'secretariat@saint-aubin-les-pres.example', serviceSlug: 'ecole-cantine' },
  ],
};

export const DEMO_COMMUNES: NewCommune[] = [
  {
    slug: 'villebelle',
    name: 'Villebelle',
    population: 16_240,
    hostname: 'villebelle.localhost',
    brandColour: '#1d4f91',
    address: '1 place de la Mairie, 44150 Villebelle',
    phone: '01 00 00 00 00',
    email: 'accueil@villebelle.example',
    openingHours: 'du lundi au vendredi de 8 h 30 à 17 h 30, le samedi de 9 h à 12 h',
    // What people come for most; « Signaler un problème » first (issue 19, item 7).
    topTasks: ['demarche:signalement-voirie', 'demarche:acte-etat-civil', 'demarche:reservation-salle', 'contact'],
    services: [
      {
        slug: 'accueil',
        name: 'Accueil',
        description: 'Premier contact avec la mairie : renseignements et orientation.',
        email: 'accueil@villebelle.example',
      },
      {
        slug: 'etat-civil',
        name: 'État civil',
        description: 'Actes de naissance, de mariage et de décès, livrets de famille, recensement citoyen.',
        email: 'etat-civil@villebelle.example',
      },
      {
        slug: 'urbanisme',
        name: 'Urbanisme',
        description: 'Permis de construire, déclarations préalables, certificats d’urbanisme.',
        email: 'urbanisme@villebelle.example',
      },
      {
        slug: 'enfance-scolaire',
        name: 'Enfance et vie scolaire',
        description: 'Inscriptions scolaires, restauration, accueil périscolaire et centres de loisirs.',
        email: 'enfance@villebelle.example',
      },
      {
        slug: 'services-techniques',
        name: 'Services techniques',
        description: 'Voirie, éclairage public, propreté, espaces verts.',
        email: 'technique@villebelle.example',
      },
      {
        slug: 'finances',
        name: 'Finances',
        description: 'Budget, facturation des services municipaux et paiements.',
        email: null,
      },
    ],
  },
  {
    slug: 'saint-aubin-les-pres',
    name: 'Saint-Aubin-les-Prés',
    population: 912,
    brandColour: '#2e7d32',
    address: '2 rue de l’Église, 44200 Saint-Aubin-les-Prés',
    phone: '02 00 00 00 00',
    email: 'mairie@saint-aubin-les-pres.example',
    openingHours: 'le mardi et le jeudi de 14 h à 18 h, le samedi de 9 h à 12 h',
    simpleMode: true,
    topTasks: ['demarche:signalement-voirie', 'demarche:acte-etat-civil', 'contact'],
    services: [
      {
        slug: 'secretariat',
        name: 'Secrétariat de mairie',
        description: 'Toutes les démarches de la commune : état civil, urbanisme, listes électorales.',
        email: 'mairie@saint-aubin-les-pres.example',
      },
      {
        slug: 'ecole-cantine',
        name: 'École et cantine',
        description: 'Inscriptions à l’école communale et à la cantine.',
        email: null,
      },
    ],
  },
];

/**
 * Villebelle's council: the maire and the demo élu sign in to their space; a séance ten days
 * ahead, convened today, with its agenda (so the secretariat's and the élus' pages show a séance).
 */
async function seedVillebelleCouncil(tx: Tx, communeId: string) {
  const now = new Date();
  const people: Array<[string, 'maire' | 'adjoint' | 'conseiller_delegue' | 'conseiller', string, string | null]> = [
    ['Sophie Moreau', 'maire', 'Villebelle ensemble', 'maire@villebelle.example'],
    ['Paul Girard', 'conseiller', 'Villebelle ensemble', 'elu@villebelle.example'],
    ['Nadia Benali', 'adjoint', 'Villebelle ensemble', null],
    ['Thomas Lefèvre', 'adjoint', 'Villebelle ensemble', null],
    ['Élise Marchand', 'conseiller_delegue', 'Villebelle ensemble', null],
    ['Karim Haddad', 'conseiller', 'Villebelle ensemble', null],
    ['Lucie Perrot', 'conseiller', 'Agir pour Villebelle', null],
    ['Jacques Bernier', 'conseiller', 'Agir pour Villebelle', null],
    ['Camille Roussel', 'conseiller', 'Agir pour Villebelle', null],
  ];
  const members = [];
  for (const [fullName, role, politicalGroup, account] of people) {
    const slug = fullName
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z]+/g, '.');
    members.push({
      fullName,
      role,
      politicalGroup,
      email: account ?? `${slug}@elus.villebelle.example`,
      accountId: account ? await activeAccountIdByEmail(tx, account) : null,
    });
  }
  await seedCouncil(tx, communeId, members, [
    {
      date: addCalendarDays(parisDateOf(now), 10),
      time: '18:30',
      place: 'Salle du conseil, mairie de Villebelle',
      convenedAt: now,
      items: [
        {
          title: 'Approbation du procès-verbal de la séance précédente',
          rapporteur: 0,
        },
        {
          title: 'Budget supplémentaire 2026 : décision modificative n° 2',
          rapporteur: 3,
          summary:
            'La décision modificative ajuste les crédits de la section d’investissement : +48 000 € pour la réfection de la toiture de l’école Jules-Ferry, financés par une subvention départementale et un prélèvement sur les dépenses imprévues.',
        },
        {
          title: 'Tarifs de la restauration scolaire au 1er janvier 2027',
          rapporteur: 2,
          summary:
            'Il est proposé de maintenir la grille au quotient familial et de relever de 2 % les tarifs des deux dernières tranches.',
        },
        { title: 'Acquisition amiable de la parcelle AB 112', rapporteur: 4, closedSession: true },
      ],
    },
  ]);
}

const WEEKDAYS_8_30 = [1, 2, 3, 4, 5].flatMap((weekday) => [
  { weekday, start: '8:30', end: '12:00' },
  { weekday, start: '13:30', end: '17:30' },
]);

/**
 * Villebelle's accueil: two état-civil desks (identity cards and passports by appointment, checked
 * with ANTS when it is configured; other état-civil matters as a ticket at the accueil) and the
 * urbanisme office's advice slots, so the booking pages, the agent's day and the walk-in queue
 * show a real commune's week from the first start.
 */
async function seedVillebelleAppointments(tx: Tx, communeId: string) {
  const place = 'Mairie de Villebelle';
  const address = '1 place de la Mairie, 44150 Villebelle';
  // Where the (fictional) town hall stands, for the ANTS national search.
  const coordinates = { latitude: 47.3656, longitude: -1.1772 };
  await seedAppointments(
    tx,
    communeId,
    [
      {
        serviceSlug: 'etat-civil',
        place,
        desk: 'Guichet 1',
        address,
        coordinates,
        openings: [...WEEKDAYS_8_30, { weekday: 6, start: '9:00', end: '12:00' }],
      },
      { serviceSlug: 'etat-civil', place, desk: 'Guichet 2', address, coordinates, openings: WEEKDAYS_8_30 },
      {
        serviceSlug: 'urbanisme',
        place,
        desk: 'Bureau de l’urbanisme',
        address,
        openings: [
          { weekday: 2, start: '14:00', end: '17:00' },
          { weekday: 4, start: '9:00', end: '12:00' },
        ],
      },
    ],
    [
      {
        serviceSlug: 'etat-civil',
        name: 'Carte d’identité ou passeport',
        kind: 'guichet',
        durationMinutes: 20,
        minDelayHours: 2,
        maxDelayDays: 90,
        bookableBy: 'public',
        antsRequired: true,
        documents:
          'Le numéro de pré-demande ANTS (faite sur ants.gouv.fr)\nUne photo d’identité de moins de six mois\nUn justificatif de domicile de moins d’un an\nL’ancien titre, s’il y en a un\nUn timbre fiscal pour un passeport (en ligne sur timbres.impots.gouv.fr)',
      },
      {
        serviceSlug: 'etat-civil',
        name: 'Remise d’une carte d’identité ou d’un passeport',
        kind: 'guichet',
        durationMinutes: 10,
        minDelayHours: 2,
        maxDelayDays: 60,
        bookableBy: 'public',
        documents: 'Le récépissé de la demande\nL’ancien titre, s’il y en a un',
      },
      {
        serviceSlug: 'etat-civil',
        name: 'Démarche d’état civil à l’accueil',
        kind: 'guichet',
        durationMinutes: 15,
        minDelayHours: 2,
        maxDelayDays: 30,
        bookableBy: 'public',
        walkIn: true,
        documents: 'Une pièce d’identité\nLe livret de famille, s’il s’agit d’un acte de la famille',
      },
      {
        serviceSlug: 'urbanisme',
        name: 'Conseil avant un permis de construire',
        kind: 'guichet',
        durationMinutes: 30,
        bufferMinutes: 10,
        minDelayHours: 48,
        maxDelayDays: 60,
        bookableBy: 'signed_in',
        documents: 'Le plan de situation et les croquis du projet\nLa référence cadastrale de la parcelle',
      },
      {
        serviceSlug: 'urbanisme',
        name: 'Échange téléphonique avec l’urbanisme',
        kind: 'telephone',
        durationMinutes: 15,
        minDelayHours: 24,
        maxDelayDays: 30,
        bookableBy: 'public',
      },
    ],
  );
}

export interface DemoResult {
  created: string[];
  skipped: string[];
}

/** Creates the demo communes that do not exist yet; each queues a welcome mail. */
export async function seedDemo(
  database: Database,
  queue: JobQueue,
  publicUrl: string,
  appSecret: string,
): Promise<DemoResult> {
  const result: DemoResult = { created: [], skipped: [] };
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  for (const input of DEMO_COMMUNES) {
    const exists = await withInstance(database, (tx) => findCommuneBySlug(tx, input.slug));
    if (exists) {
      result.skipped.push(input.slug);
      continue;
    }
    await createCommune(database, input, { type: 'system', id: 'demo' }, async (tx, commune) => {
      await seedDemoAccounts(tx, commune.slug, passwordHash, appSecret);
      await installLibrary(tx, commune, DEMO_WORKFLOWS);
      // Routing needs no seed examples: the standard competence map trains the classifier and
      // each demo commune's services get their competences by default (requests/competence-map.ts).
      await seedFunctionHolders(tx, DEMO_FUNCTIONS[commune.slug] ?? []);
      await seedFamilyTariffs(tx, commune.id, DEMO_TARIFFS[commune.slug] ?? []);
      if (commune.slug === 'villebelle') {
        await seedVillebelleCouncil(tx, commune.id);
        await seedDemoFamily(tx, commune.id);
        await seedVillebelleAppointments(tx, commune.id);
        // The finance software's PES bordereaux: visa of the adjoint aux finances, then the maire
        // (the ordonnateur) signs.
        await seedCircuits(
          tx,
          (['bordereau_mandats', 'bordereau_titres'] as const).map((documentType) => ({
            documentType,
            name: documentType === 'bordereau_mandats' ? 'Bordereau de mandats' : 'Bordereau de titres',
            steps: [
              { kind: 'visa', mode: 'all', actors: [{ function: 'adjoint_finances' }] },
              { kind: 'signature', mode: 'all', actors: [{ function: 'maire' }] },
            ],
          })),
        );
        // The courrier's replies: the DGS visas, the maire signs (issue 14's walk-through).
        await seedCircuits(tx, [
          {
            documentType: 'courrier_sortant',
            name: 'Courrier signé par le maire',
            steps: [
              { kind: 'visa', mode: 'all', actors: [{ function: 'dgs' }] },
              { kind: 'signature', mode: 'all', actors: [{ function: 'maire' }] },
            ],
          },
        ]);
      }
      await queueMail(tx, queue, {
        to: commune.email ?? `mairie@${commune.slug}.example`,
        template: DEMO_MAILS.demoWelcome,
        variables: { communeName: commune.name, homeUrl: `${publicUrl}/c/${commune.slug}/` },
      });
    });
    // The fictional streets' addresses (generated by scripts/generate-demo-addresses.mjs).
    const created = await withInstance(database, (tx) => findCommuneBySlug(tx, input.slug));
    const addresses = demoAddressFile(input.slug);
    if (created && addresses) {
      await importAddresses(database, created, readFileSync(addresses, 'utf8'), { type: 'system', accountId: null });
    }
    result.created.push(input.slug);
  }
  return result;
}

/** The demo commune's generated address file (data/ beside this file, or under src/ when run from dist/). */
function demoAddressFile(slug: string): string | undefined {
  const name = `adresses-${slug}.csv`;
  return [
    path.join(import.meta.dirname, 'data', name),
    path.resolve(import.meta.dirname, '../../../src/modules/demo/data', name),
  ].find((candidate) => existsSync(candidate));
}

/** True when the instance has no commune at all (first start). */
export function isEmptyInstance(database: Database): Promise<boolean> {
  return withInstance(database, async (tx) => (await countCommunes(tx)) === 0);
}
