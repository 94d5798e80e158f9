/**
 * The survey itself, without I/O (decision 0056): the three questions of the State's « Je donne mon
 * avis » (JDMA) with its three-mark scale — « Pas bien », « Moyen », « Très bien », stored 1 to 3 —
 * and how answers add up: JDMA's note out of 10 (Très bien 10, Moyen 5, Pas bien 0, averaged) and
 * the share of « Très bien » for each question, over those who answered it.
 */

/** A mark: 1 « Pas bien », 2 « Moyen », 3 « Très bien ». */
export type Mark = 1 | 2 | 3;

/** The scale as JDMA shows it, from the worst to the best. */
export const MARKS: ReadonlyArray<{ value: Mark; label: string }> = [
  { value: 1, label: 'Pas bien' },
  { value: 2, label: 'Moyen' },
  { value: 3, label: 'Très bien' },
];

export function markLabel(mark: number): string {
  return MARKS.find((m) => m.value === mark)?.label ?? '—';
}

/** The questions, by form field (French names, as the page posts them). */
export const QUESTIONS = {
  satisfaction: {
    field: 'satisfaction',
    legend: 'De façon générale, comment s’est passée cette démarche pour vous ?',
    required: true,
  },
  ease: { field: 'facilite', legend: 'Était-ce facile à utiliser ?', required: false },
  clarity: { field: 'clarte', legend: 'Le langage employé était-il facile à comprendre ?', required: false },
} as const;

/** Longest free comment (JDMA's verbatim is short: a few sentences). */
export const MAX_COMMENT_LENGTH = 1000;

/** How many answers gave each mark, index 0 for « Pas bien » to 2 for « Très bien ». */
export type MarkCounts = readonly [number, number, number];

export interface AnswerCounts {
  answers: number;
  satisfaction: MarkCounts;
  ease: MarkCounts;
  clarity: MarkCounts;
  comments: number;
}

export const NO_ANSWERS: AnswerCounts = {
  answers: 0,
  satisfaction: [0, 0, 0],
  ease: [0, 0, 0],
  clarity: [0, 0, 0],
  comments: 0,
};

export interface AnswerSummary {
  answers: number;
  /** JDMA's note out of 10; null without answers. */
  score: number | null;
  /** Shares of « Très bien » in percent, over those who answered the question; null: nobody did. */
  satisfiedShare: number | null;
  easyShare: number | null;
  clearShare: number | null;
  comments: number;
}

const POINTS = [0, 5, 10] as const;

const total = (c: MarkCounts) => c[0] + c[1] + c[2];

function bestShare(c: MarkCounts): number | null {
  const n = total(c);
  return n === 0 ? null : (c[2] * 100) / n;
}

/** What the counts say, as pilotage and the service's page show it. */
export function summarize(c: AnswerCounts): AnswerSummary {
  const n = total(c.satisfaction);
  return {
    answers: c.answers,
    score:
      n === 0
        ? null
        : (c.satisfaction[0] * POINTS[0] + c.satisfaction[1] * POINTS[1] + c.satisfaction[2] * POINTS[2]) / n,
    satisfiedShare: bestShare(c.satisfaction),
    easyShare: bestShare(c.ease),
    clearShare: bestShare(c.clarity),
    comments: c.comments,
  };
}
