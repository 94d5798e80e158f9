/**
 * The standard map of municipal competences: what a French commune is asked about, whatever the
 * names of its services. The classifier predicts a competence; each commune's competence map
 * (requests module) turns it into one of its services. The labelled messages are data files,
 * `competences/<slug>.txt` (one message per line, `#` starts a comment line), written for
 * Guichet after the labelling guide `docs/routing-labelling-guide.md`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { TrainingExample } from './model.js';

export interface Competence {
  slug: string;
  /** French label, as shown to administrators and agents. */
  label: string;
  /**
   * Words that, in a service's name or slug (normalised, without accents), make that service the
   * default for this competence. Empty: the accueil by default.
   */
  serviceWords: readonly string[];
}

export const COMPETENCES: readonly Competence[] = Object.freeze([
  { slug: 'accueil', label: 'Accueil et information', serviceWords: ['accueil', 'secretariat'] },
  {
    slug: 'etat-civil',
    label: 'État civil et titres d’identité',
    serviceWords: ['etat civil', 'etat-civil', 'population', 'formalites'],
  },
  {
    slug: 'elections',
    label: 'Élections',
    serviceWords: ['election', 'electoral', 'etat civil', 'etat-civil', 'population'],
  },
  {
    slug: 'cimetiere',
    label: 'Cimetière et funéraire',
    serviceWords: ['cimetiere', 'funeraire', 'etat civil', 'etat-civil'],
  },
  { slug: 'urbanisme', label: 'Urbanisme', serviceWords: ['urbanisme', 'amenagement', 'habitat'] },
  {
    slug: 'voirie-stationnement',
    label: 'Voirie et stationnement',
    serviceWords: ['voirie', 'stationnement', 'technique', 'travaux'],
  },
  {
    slug: 'proprete-dechets',
    label: 'Propreté et déchets',
    serviceWords: ['proprete', 'dechet', 'environnement', 'technique'],
  },
  {
    slug: 'eclairage-public',
    label: 'Éclairage public',
    serviceWords: ['eclairage', 'technique', 'voirie', 'travaux'],
  },
  {
    slug: 'espaces-verts',
    label: 'Espaces verts',
    serviceWords: ['espaces verts', 'espaces-verts', 'jardin', 'environnement', 'technique'],
  },
  {
    slug: 'enfance-scolaire',
    label: 'Enfance, scolaire et périscolaire',
    serviceWords: ['scolaire', 'ecole', 'enfance', 'education', 'cantine', 'periscolaire'],
  },
  {
    slug: 'petite-enfance',
    label: 'Petite enfance',
    serviceWords: ['petite enfance', 'petite-enfance', 'creche', 'enfance'],
  },
  {
    slug: 'action-sociale',
    label: 'Action sociale (CCAS)',
    serviceWords: ['ccas', 'social', 'solidarite', 'action sociale'],
  },
  {
    slug: 'police-tranquillite',
    label: 'Police municipale et tranquillité publique',
    serviceWords: ['police', 'tranquillite', 'securite'],
  },
  {
    slug: 'vie-associative-salles',
    label: 'Vie associative et salles',
    serviceWords: ['association', 'vie associative', 'salle', 'vie locale'],
  },
  { slug: 'sport', label: 'Sport', serviceWords: ['sport', 'piscine'] },
  { slug: 'culture', label: 'Culture', serviceWords: ['culture', 'mediatheque', 'bibliotheque', 'patrimoine'] },
  {
    slug: 'finances-facturation',
    label: 'Finances et facturation',
    serviceWords: ['finance', 'facturation', 'comptabilite'],
  },
  { slug: 'eau-assainissement', label: 'Eau et assainissement', serviceWords: ['eau', 'assainissement'] },
]);

export type CompetenceSlug = string;

export const COMPETENCE_SLUGS: readonly string[] = Object.freeze(COMPETENCES.map((c) => c.slug));

export function competenceLabel(slug: string): string {
  return COMPETENCES.find((c) => c.slug === slug)?.label ?? slug;
}

/** The data files' folder (the same path from `src/` and from `dist/`: both are one level under the root). */
export const COMPETENCE_DATA_DIR = path.resolve(import.meta.dirname, '../../../src/platform/classifier/competences');

/** The messages of one data file: one a line, blank lines and `#` comments skipped. */
export function parseCompetenceFile(content: string): string[] {
  return content
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith('#'));
}

let cached: readonly TrainingExample[] | null = null;

/** Every labelled message of the standard map (`serviceSlug` holds the competence), read once. */
export function competenceExamples(): readonly TrainingExample[] {
  if (cached) return cached;
  const out: TrainingExample[] = [];
  for (const { slug } of COMPETENCES) {
    const content = readFileSync(path.join(COMPETENCE_DATA_DIR, `${slug}.txt`), 'utf8');
    for (const text of parseCompetenceFile(content)) out.push({ text, serviceSlug: slug });
  }
  cached = Object.freeze(out);
  return cached;
}

/**
 * Temperature of the competence model's softmax, fitted on held-out data (a calibration split of
 * the training part, bench/classifier.bench.ts prints the value it refits on every run).
 */
export const COMPETENCE_TEMPERATURE = 0.55;

/** Routed without a human when the chosen service's probability reaches this (bench: the threshold sweep). */
export const COMPETENCE_THRESHOLD = 0.85;

/**
 * Two competences are "close" when the second has at least this share of the first's
 * probability: if their services differ, the request goes to triage with both suggested.
 */
export const CLOSE_RATIO = 0.5;
