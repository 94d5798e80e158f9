/**
 * The short trainings (issue 17): five minutes of plain French and a few quiz questions each;
 * passed when every answer is right. Plain data, no database: one file per training under
 * trainings/, listed here in the order they are shown.
 */
import type { TrainingKey } from './scenarios.js';
import { DOUBLE_AUTHENTIFICATION } from './trainings/double-authentification.js';
import { HAMECONNAGE } from './trainings/hameconnage.js';
import { INCIDENT } from './trainings/incident.js';
import { MOTS_DE_PASSE } from './trainings/mots-de-passe.js';
import { SAUVEGARDES } from './trainings/sauvegardes.js';

export interface QuizQuestion {
  key: string;
  question: string;
  choices: ReadonlyArray<{ value: string; label: string }>;
  answer: string;
  /** Shown after a wrong answer. */
  explanation: string;
}

export interface TrainingSection {
  heading: string;
  paragraphs: readonly string[];
  /**
   * Links shown under the section: `path` is either inside the commune's Guichet
   * (`compte/cles-d-acces` → `/c/<slug>/compte/cles-d-acces`) or an https address.
   */
  links?: ReadonlyArray<{ label: string; path: string }>;
}

export interface Training {
  key: TrainingKey;
  title: string;
  minutes: number;
  sections: readonly TrainingSection[];
  quiz: readonly QuizQuestion[];
}

export const TRAININGS: readonly Training[] = [
  MOTS_DE_PASSE,
  DOUBLE_AUTHENTIFICATION,
  HAMECONNAGE,
  SAUVEGARDES,
  INCIDENT,
];

export function findTraining(key: string): Training | undefined {
  return TRAININGS.find((t) => t.key === key);
}

/** The address of a section's link for a commune. */
export function trainingLinkHref(path: string, slug: string): string {
  return path.startsWith('https://') ? path : `/c/${slug}/${path}`;
}

/** The number of right answers of a quiz, and whether every question was answered right. */
export function scoreQuiz(
  training: Training,
  answers: Record<string, unknown>,
): { score: number; passed: boolean; wrong: QuizQuestion[] } {
  const wrong = training.quiz.filter((q) => answers[q.key] !== q.answer);
  return { score: training.quiz.length - wrong.length, passed: wrong.length === 0, wrong };
}

/** Completions of a person (training key → date passed), and whether all trainings are passed. */
export function trainingProgress(completions: ReadonlyArray<{ training: string; completedAt: Date }>): {
  passed: Map<string, Date>;
  complete: boolean;
  remaining: Training[];
} {
  const passed = new Map(
    completions.filter((c) => findTraining(c.training)).map((c) => [c.training, c.completedAt] as const),
  );
  const remaining = TRAININGS.filter((t) => !passed.has(t.key));
  return { passed, complete: remaining.length === 0, remaining };
}
