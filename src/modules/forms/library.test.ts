import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type Answers, type FileRef, missingRequired, prefillAnswers, readPageAnswers } from './answers.js';
import { nextPageId, visiblePages } from './conditions.js';
import { allFields, type FormDefinition, parseFormDefinition } from './definition.js';
import { FORM_CATEGORIES, FORM_LIBRARY, findLibraryForm } from './library/index.js';
import { renderStandalonePage } from './render.js';
import { summarize } from './summary.js';

const now = new Date('2026-03-12T09:00:00Z');

function form(slug: string): FormDefinition {
  const entry = findLibraryForm(slug);
  if (entry === undefined) throw new Error(`missing ${slug}`);
  return entry.definition;
}

const pdf = (id: string, name = `${id}.pdf`): FileRef => ({ id, name, size: 120_000, type: 'application/pdf' });
const jpeg = (id: string): FileRef => ({ id, name: `${id}.jpg`, size: 800_000, type: 'image/jpeg' });

/**
 * Fills a démarche page by page as a citizen would (next page computed from the answers), with
 * the body given for each page; every page must be accepted. Returns the answers and the path.
 */
function fillIn(def: FormDefinition, bodies: Record<string, Record<string, unknown>>, start: Answers = {}) {
  let answers = start;
  let pageId: string | null = visiblePages(def, answers)[0]?.id ?? null;
  const visited: string[] = [];
  while (pageId !== null) {
    visited.push(pageId);
    const body = bodies[pageId] ?? {};
    let result = readPageAnswers(def, pageId, body, answers, { now });
    // A question revealed by the page's own answers: the page comes back once, then continues.
    if (result.outcome === 'redisplay' && Object.keys(result.errors).length === 0) {
      result = readPageAnswers(def, pageId, body, result.answers, { now });
    }
    expect(result.errors, `page ${pageId}`).toEqual({});
    expect(result.outcome, `page ${pageId}`).toBe('continue');
    answers = result.answers;
    pageId = nextPageId(def, pageId, answers);
  }
  return { answers, visited };
}

function date(prefix: string, day: number, month: number, year: number) {
  return { [`${prefix}-day`]: String(day), [`${prefix}-month`]: String(month), [`${prefix}-year`]: String(year) };
}

function address(prefix: string, line1: string, postcode: string, city: string) {
  return { [`${prefix}-line1`]: line1, [`${prefix}-postcode`]: postcode, [`${prefix}-city`]: city };
}

function row(def: FormDefinition, answers: Answers, fieldId: string): string | undefined {
  for (const section of summarize(def, answers)) {
    const found = section.rows.find((candidate) => candidate.fieldId === fieldId);
    if (found) return found.value.replace(/[\u00a0\u202f]/g, ' ');
  }
  return undefined;
}

describe('FORM_LIBRARY', () => {
  it('holds the six démarches, each valid and described', () => {
    expect(FORM_LIBRARY.map((entry) => entry.slug)).toEqual([
      'occupation-domaine-public',
      'signalement-voirie',
      'inscription-liste-electorale',
      'acte-etat-civil',
      'reservation-salle',
      'contact',
    ]);
    const services = ['etat-civil', 'urbanisme', 'services-techniques', 'enfance-scolaire', 'accueil'];
    for (const entry of FORM_LIBRARY) {
      const json = JSON.parse(readFileSync(new URL(`./library/${entry.slug}.json`, import.meta.url), 'utf8'));
      const result = parseFormDefinition(json);
      expect(result.ok ? [] : result.errors, entry.slug).toEqual([]);
      expect(entry.title).toBe(entry.definition.title);
      expect(Object.keys(FORM_CATEGORIES)).toContain(entry.category);
      expect(services).toContain(entry.serviceSlug);
      expect(entry.definition.summary, entry.slug).toBeTruthy();
    }
  });

  it('declares silence vaut rejet only for the occupation of the public domain, with its legal basis', () => {
    const withSilence = FORM_LIBRARY.filter((entry) => entry.silence !== undefined);
    expect(withSilence.map((entry) => entry.slug)).toEqual(['occupation-domaine-public']);
    expect(withSilence[0]?.silence).toMatchObject({ kind: 'rejet', days: 60, months: 2 });
    expect(withSilence[0]?.silence?.legalBasis).toContain('L. 231-4');
    expect(withSilence[0]?.silence?.legalBasis).toContain('L. 2122-1');
  });

  it('prefills the citizen’s details in every démarche that asks for them', () => {
    for (const entry of FORM_LIBRARY) {
      const emails = allFields(entry.definition).filter(({ field }) => field.type === 'email');
      for (const { field } of emails) expect(field.prefill, `${entry.slug}.${field.id}`).toBe('email');
    }
  });

  it('renders every page of every démarche, with and without errors, with labelled inputs and no inline style', () => {
    for (const entry of FORM_LIBRARY) {
      for (const page of entry.definition.pages) {
        const clean = renderStandalonePage(entry.definition, page.id);
        const { answers, errors } = readPageAnswers(entry.definition, page.id, {}, {}, { now });
        const withErrors = renderStandalonePage(entry.definition, page.id, { answers, errors });
        for (const html of [clean, withErrors]) {
          const where = `${entry.slug}/${page.id}`;
          expect(html, where).not.toMatch(/\sstyle=/);
          expect(html.match(/<h1[\s>]/g) ?? [], where).toHaveLength(1);
          const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((match) => match[1]);
          expect(new Set(ids).size, where).toBe(ids.length);
          const fors = new Set([...html.matchAll(/<label[^>]*\sfor="([^"]+)"/g)].map((match) => match[1]));
          for (const control of html.matchAll(
            /<(?:input|select|textarea)\b(?![^>]*type="hidden")[^>]*\sid="([^"]+)"/g,
          )) {
            expect(fors.has(control[1]), `${where}: #${control[1]}`).toBe(true);
          }
          for (const link of html.matchAll(/<li><a href="#([^"]+)">/g)) expect(ids, where).toContain(link[1]);
        }
      }
    }
  });
});

describe('filling in the library démarches', () => {
  it('contact: two pages, a file, prefilled details', () => {
    const def = form('contact');
    const start = prefillAnswers(def, { givenName: 'Camille', familyName: 'Martin', email: 'camille@exemple.fr' }, {});
    const { answers, visited } = fillIn(
      def,
      {
        message: {
          objet: 'Horaires de la déchetterie',
          message: 'Bonjour,\nquels sont les horaires ?',
          pieceJointe: [pdf('f1', 'plan.pdf')],
        },
        coordonnees: { prenom: 'Camille', nom: 'Martin', email: 'camille@exemple.fr', telephone: '' },
      },
      start,
    );
    expect(visited).toEqual(['message', 'coordonnees']);
    expect(missingRequired(def, answers, { now })).toEqual([]);
    expect(row(def, answers, 'pieceJointe')).toBe('plan.pdf (117 Ko)');
    expect(row(def, answers, 'telephone')).toBe('Non renseigné');
  });

  it('acte d’état civil: a birth certificate with parents, sent by post', () => {
    const def = form('acte-etat-civil');
    const { answers, visited } = fillIn(def, {
      'avant-de-commencer': { typeActe: 'naissance' },
      'type-document': { formatActe: 'copie-integrale' },
      personne: { nomPersonne: 'Martin', prenomsPersonne: 'Léa Anne', ...date('dateNaissance', 29, 2, 2012) },
      parents: { parent1: 'Martin Camille', parent2: '' },
      demandeur: { qualiteDemandeur: 'ascendant' },
      coordonnees: { prenom: 'Camille', nom: 'Martin', email: 'camille@exemple.fr' },
      reception: { modeReception: 'courrier', exemplaires: '2' },
      'adresse-envoi': address('adresseEnvoi', '3 rue des Lilas', '01000', 'Bourg-en-Bresse'),
    });
    expect(visited).toEqual([
      'avant-de-commencer',
      'type-document',
      'personne',
      'parents',
      'demandeur',
      'coordonnees',
      'reception',
      'adresse-envoi',
    ]);
    expect(missingRequired(def, answers, { now })).toEqual([]);
    expect(row(def, answers, 'dateNaissance')).toBe('29 février 2012');
    expect(row(def, answers, 'adresseEnvoi')).toBe('3 rue des Lilas, 01000 Bourg-en-Bresse');
  });

  it('acte d’état civil: a death certificate skips the document type and the parents, and warns no one', () => {
    const def = form('acte-etat-civil');
    const { visited } = fillIn(def, {
      'avant-de-commencer': { typeActe: 'deces' },
      personne: { nomPersonne: 'Martin', prenomsPersonne: 'Paul', ...date('dateDeces', 3, 1, 2026) },
      demandeur: { qualiteDemandeur: 'autre' },
      coordonnees: { prenom: 'Camille', nom: 'Martin', email: 'camille@exemple.fr' },
      reception: { modeReception: 'accueil', exemplaires: '1' },
    });
    expect(visited).toEqual(['avant-de-commencer', 'personne', 'demandeur', 'coordonnees', 'reception']);
  });

  it('acte d’état civil: someone else asking for a full copy is warned', () => {
    const def = form('acte-etat-civil');
    const { visited } = fillIn(def, {
      'avant-de-commencer': { typeActe: 'mariage' },
      'type-document': { formatActe: 'extrait-filiation' },
      personne: {
        nomPersonne: 'Martin',
        prenomsPersonne: 'Paul',
        ...date('dateMariage', 14, 7, 1990),
        conjoint: 'Durand Marie',
      },
      parents: { parent1: 'Martin Jean' },
      demandeur: { qualiteDemandeur: 'autre' },
      coordonnees: { prenom: 'Camille', nom: 'Martin', email: 'camille@exemple.fr' },
      reception: { modeReception: 'accueil', exemplaires: '1' },
    });
    expect(visited).toContain('acces-restreint');
  });

  it('réservation de salle: equipment as a repeatable group', () => {
    const def = form('reservation-salle');
    const { answers, visited } = fillIn(def, {
      salle: { salle: 'salle-des-fetes' },
      evenement: {
        ...date('dateEvenement', 27, 3, 2026),
        creneau: 'soiree',
        nombrePersonnes: '80',
        usage: 'associatif',
      },
      organisateur: {
        prenom: 'Camille',
        nom: 'Martin',
        structure: 'Comité des fêtes',
        email: 'camille@exemple.fr',
        telephone: '06 12 34 56 78',
        ...address('adresse', '3 rue des Lilas', '01000', 'Bourg-en-Bresse'),
      },
      besoins: { besoinMateriel: 'oui' },
      materiel: {
        'materiel-count': '2',
        'materiel-0-equipement': 'tables',
        'materiel-0-quantite': '10',
        'materiel-1-equipement': 'sonorisation',
        'materiel-1-quantite': '1',
      },
      engagements: { attestationAssurance: [pdf('assurance')], reglement: 'accepte' },
    });
    expect(visited).toContain('materiel');
    expect(missingRequired(def, answers, { now })).toEqual([]);
    expect(row(def, answers, 'materiel-1')).toBe('Le matériel : Sonorisation\nLa quantité : 1');
  });

  it('réservation de salle: less than 15 days ahead is refused', () => {
    const def = form('reservation-salle');
    const result = readPageAnswers(
      def,
      'evenement',
      { ...date('dateEvenement', 20, 3, 2026), creneau: 'soiree', nombrePersonnes: '80', usage: 'familial' },
      {},
      { now },
    );
    expect(result.errors.dateEvenement?.replace(/\u00a0/g, ' ')).toBe(
      'La date de l’événement doit être entre le 27 mars 2026 et le 12 mars 2027',
    );
  });

  it('occupation du domaine public: a café terrace', () => {
    const def = form('occupation-domaine-public');
    const { answers, visited } = fillIn(def, {
      'avant-de-commencer': { qualite: 'entreprise' },
      coordonnees: {
        prenom: 'Camille',
        nom: 'Martin',
        raisonSociale: 'Café de la Place',
        siret: '12345678901234',
        email: 'cafe@exemple.fr',
        telephone: '04 74 00 00 00',
      },
      nature: { nature: 'terrasse' },
      lieu: {
        ...address('adresseOccupation', '1 place de la Mairie', '01000', 'Bourg-en-Bresse'),
        emplacement: ['trottoir', 'place'],
        surface: '12,5',
      },
      dates: { ...date('dateDebut', 1, 4, 2026), ...date('dateFin', 30, 9, 2026) },
      terrasse: { enseigne: 'Café de la Place', mobilier: ['tables', 'parasols'], licence: 'oui' },
      pieces: { plan: [pdf('plan')], photos: [jpeg('photo')] },
    });
    expect(visited).toEqual(['avant-de-commencer', 'coordonnees', 'nature', 'lieu', 'dates', 'terrasse', 'pieces']);
    expect(missingRequired(def, answers, { now })).toEqual([]);
    expect(row(def, answers, 'surface')).toBe('12,5');
  });

  it('occupation du domaine public: an invalid SIRET number is refused with its own message', () => {
    const def = form('occupation-domaine-public');
    const result = readPageAnswers(def, 'coordonnees', { siret: '123 456' }, { qualite: 'entreprise' }, { now });
    expect(result.errors.siret).toBe('Le numéro SIRET doit comporter 14 chiffres, sans espace');
  });

  it('signalement voirie: a dangerous problem, reported anonymously', () => {
    const def = form('signalement-voirie');
    const { answers, visited } = fillIn(def, {
      probleme: { typeProbleme: 'eclairage' },
      danger: { dangerImmediat: 'oui' },
      lieu: address('adresseProbleme', 'Rue des Écoles', '01000', 'Bourg-en-Bresse'),
      description: { description: 'Lampadaire arraché, câbles à nu.', photo: [jpeg('p1')] },
      suivi: { etreInforme: 'non' },
    });
    expect(visited).toEqual(['probleme', 'danger', 'urgence', 'lieu', 'description', 'suivi']);
    expect(missingRequired(def, answers, { now })).toEqual([]);
  });

  it('inscription sur la liste électorale: a European citizen who lived elsewhere', () => {
    const def = form('inscription-liste-electorale');
    const { answers, visited } = fillIn(def, {
      nationalite: { nationalite: 'europeenne' },
      'citoyen-europeen': { paysNationalite: 'Belgique', listesComplementaires: ['municipales', 'europeennes'] },
      attache: { attache: 'domicile' },
      identite: {
        nomNaissance: 'Peeters',
        prenoms: 'Anna',
        sexe: 'F',
        ...date('dateNaissance', 2, 5, 1990),
        lieuNaissance: 'Gand',
        departementNaissance: 'Belgique',
      },
      adresse: {
        ...address('adresse', '3 rue des Lilas', '01000', 'Bourg-en-Bresse'),
        email: 'anna@exemple.be',
        telephone: '+32 470 12 34 56',
      },
      'inscription-precedente': { dejaInscrit: 'oui', ancienneCommune: 'Lyon' },
      justificatifs: { pieceIdentite: [pdf('id')], justificatifDomicile: [pdf('edf')] },
      declaration: { certification: 'oui' },
    });
    expect(visited).toContain('citoyen-europeen');
    expect(missingRequired(def, answers, { now })).toEqual([]);
    expect(answers.justificatifContribuable).toBeUndefined();
    expect(row(def, answers, 'telephone')).toBe('+32470123456');
  });
});
