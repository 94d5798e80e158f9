/**
 * Ready démarches for a French commune, offered to every commune (and installed in the demo
 * communes): JSON definitions next to this file, checked by `parseFormDefinition` when the module
 * loads (a broken file stops the application at start-up, and fails the tests).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type FormDefinition, parseFormDefinition } from '../definition.js';

export type FormCategory = 'etat-civil' | 'urbanisme' | 'voirie' | 'enfance' | 'elections' | 'salles' | 'contact';

/** Category names shown in the catalogue of démarches. */
export const FORM_CATEGORIES: Record<FormCategory, string> = {
  'etat-civil': 'État civil',
  urbanisme: 'Urbanisme et travaux',
  voirie: 'Voirie et cadre de vie',
  enfance: 'Enfance et écoles',
  elections: 'Élections',
  salles: 'Salles et équipements',
  contact: 'Contacter la mairie',
};

/** Silence vaut accord / rejet: the decision that the law infers when the commune does not answer. */
export interface SilenceRule {
  kind: 'accord' | 'rejet';
  /** Delay in days (an approximation when the text counts in months: see `months`). */
  days: number;
  /** Legal delay in months when the text counts in months: add months to the date of receipt. */
  months?: number;
  /** The texts it rests on, in French. */
  legalBasis: string;
}

export interface LibraryForm {
  slug: string;
  title: string;
  category: FormCategory;
  /** Slug of the service that receives it by default in the demo communes. */
  serviceSlug: 'etat-civil' | 'urbanisme' | 'services-techniques' | 'enfance-scolaire' | 'accueil';
  /** Who may submit: anyone (no account needed) or signed-in citizens only. */
  audience: 'anyone' | 'signedIn';
  silence?: SilenceRule;
  /**
   * The delay the commune commits to, in days, when the law sets one (the electoral roll: five
   * days, code électoral art. L. 18); otherwise the library's default (30 days, or the silence
   * delay when shorter).
   */
  processingDays?: number;
  definition: FormDefinition;
}

type LibraryMeta = Omit<LibraryForm, 'title' | 'definition'>;

const ENTRIES: LibraryMeta[] = [
  {
    slug: 'occupation-domaine-public',
    category: 'urbanisme',
    serviceSlug: 'urbanisme',
    audience: 'signedIn',
    silence: {
      kind: 'rejet',
      days: 60,
      months: 2,
      legalBasis:
        'Nul ne peut occuper le domaine public sans titre (code général de la propriété des personnes publiques, art. L. 2122-1) et une autorisation d’occupation du domaine public ne peut pas naître du silence de l’administration (Conseil d’État, 21 mars 2003, n° 189191, SIPPEREC)\u00a0: le silence gardé pendant deux mois vaut décision de rejet (code des relations entre le public et l’administration, art. L. 231-4).',
    },
  },
  { slug: 'signalement-voirie', category: 'voirie', serviceSlug: 'services-techniques', audience: 'anyone' },
  {
    slug: 'inscription-liste-electorale',
    category: 'elections',
    serviceSlug: 'etat-civil',
    audience: 'signedIn',
    processingDays: 5,
  },
  { slug: 'acte-etat-civil', category: 'etat-civil', serviceSlug: 'etat-civil', audience: 'anyone' },
  { slug: 'reservation-salle', category: 'salles', serviceSlug: 'accueil', audience: 'signedIn' },
  { slug: 'contact', category: 'contact', serviceSlug: 'accueil', audience: 'anyone' },
];

function readDefinitionFile(slug: string): unknown {
  // Next to this file when run from src/ (tsx, vitest); from dist/, `tsc` does not copy the
  // .json files, so fall back to src/ (both are four levels below the root).
  const name = `${slug}.json`;
  const candidates = [
    path.join(import.meta.dirname, name),
    path.resolve(import.meta.dirname, '../../../../src/modules/forms/library', name),
  ];
  const file = candidates.find((candidate) => existsSync(candidate));
  if (file === undefined) throw new Error(`Démarche de la bibliothèque introuvable : ${candidates.join(', ')}`);
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** Loads and checks one démarche of the library; throws with every error when it is invalid. */
export function loadLibraryDefinition(slug: string): FormDefinition {
  const result = parseFormDefinition(readDefinitionFile(slug));
  if (!result.ok) throw new Error(`Démarche « ${slug} » invalide :\n${result.errors.join('\n')}`);
  return result.definition;
}

export const FORM_LIBRARY: LibraryForm[] = ENTRIES.map((entry) => {
  const definition = loadLibraryDefinition(entry.slug);
  return { ...entry, title: definition.title, definition };
});

export function findLibraryForm(slug: string): LibraryForm | undefined {
  return FORM_LIBRARY.find((form) => form.slug === slug);
}
