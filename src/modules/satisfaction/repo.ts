/**
 * The survey's answers (migration 0049): written without anything of the requester, read only as
 * counts and as anonymous comments. Every query filters by commune (RLS applies as well). Periods
 * are Paris dates; an answer is dated by its month only, so a period takes every month it touches.
 */
import type { Tx } from '../../platform/db/tenant.js';
import type { AnswerCounts } from './survey.js';
import type { SurveyMoment } from './token.js';

export interface NewAnswer {
  procedureId: string | null;
  serviceId: string | null;
  moment: SurveyMoment;
  /** First day of the Paris month, `YYYY-MM-01`. */
  month: string;
  satisfaction: number;
  ease: number | null;
  clarity: number | null;
  comment: string | null;
  keyHash: string;
}

/** Records an answer; false when the request already has one (the uniqueness key is taken). */
export async function insertAnswer(tx: Tx, communeId: string, a: NewAnswer): Promise<boolean> {
  const { rows } = await tx.client.query(
    `INSERT INTO satisfaction_answer
       (commune_id, procedure_id, service_id, moment, answered_month, satisfaction, ease, clarity, comment, key_hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT (commune_id, key_hash) DO NOTHING
     RETURNING 1`,
    [communeId, a.procedureId, a.serviceId, a.moment, a.month, a.satisfaction, a.ease, a.clarity, a.comment, a.keyHash],
  );
  return rows.length === 1;
}

export async function hasAnswer(tx: Tx, communeId: string, keyHash: string): Promise<boolean> {
  const { rows } = await tx.client.query('SELECT 1 FROM satisfaction_answer WHERE commune_id = $1 AND key_hash = $2', [
    communeId,
    keyHash,
  ]);
  return rows.length > 0;
}

/** Which answers a read covers: Paris dates (both included) and the services seen (null: all). */
export interface AnswerScope {
  from: string;
  to: string;
  serviceIds: readonly string[] | null;
}

const SCOPE = `commune_id = $1
   AND answered_month >= date_trunc('month', $2::date)::date AND answered_month <= $3::date
   AND ($4::uuid[] IS NULL OR service_id = ANY ($4::uuid[]))`;

const scopeParams = (communeId: string, s: AnswerScope) => [communeId, s.from, s.to, s.serviceIds];

const COUNTS = `count(*)::int AS answers,
  count(*) FILTER (WHERE satisfaction = 1)::int AS s1, count(*) FILTER (WHERE satisfaction = 2)::int AS s2,
  count(*) FILTER (WHERE satisfaction = 3)::int AS s3,
  count(*) FILTER (WHERE ease = 1)::int AS e1, count(*) FILTER (WHERE ease = 2)::int AS e2,
  count(*) FILTER (WHERE ease = 3)::int AS e3,
  count(*) FILTER (WHERE clarity = 1)::int AS c1, count(*) FILTER (WHERE clarity = 2)::int AS c2,
  count(*) FILTER (WHERE clarity = 3)::int AS c3,
  count(comment)::int AS comments`;

interface CountRow {
  answers: number;
  s1: number;
  s2: number;
  s3: number;
  e1: number;
  e2: number;
  e3: number;
  c1: number;
  c2: number;
  c3: number;
  comments: number;
}

function countsOf(r: CountRow): AnswerCounts {
  const n = (v: number) => Number(v);
  return {
    answers: n(r.answers),
    satisfaction: [n(r.s1), n(r.s2), n(r.s3)],
    ease: [n(r.e1), n(r.e2), n(r.e3)],
    clarity: [n(r.c1), n(r.c2), n(r.c3)],
    comments: n(r.comments),
  };
}

/** The marks given over a scope, counted. */
export async function countAnswers(tx: Tx, communeId: string, scope: AnswerScope): Promise<AnswerCounts> {
  const { rows } = await tx.client.query<CountRow>(
    `SELECT ${COUNTS} FROM satisfaction_answer WHERE ${SCOPE}`,
    scopeParams(communeId, scope),
  );
  return countsOf(rows[0]!);
}

/** The same, per démarche (null: « Écrire à la mairie »), most answered first. */
export async function countAnswersByProcedure(
  tx: Tx,
  communeId: string,
  scope: AnswerScope,
): Promise<Array<{ procedureId: string | null; counts: AnswerCounts }>> {
  const { rows } = await tx.client.query<CountRow & { procedure_id: string | null }>(
    `SELECT procedure_id, ${COUNTS} FROM satisfaction_answer WHERE ${SCOPE}
      GROUP BY procedure_id ORDER BY count(*) DESC, procedure_id`,
    scopeParams(communeId, scope),
  );
  return rows.map((r) => ({ procedureId: r.procedure_id, counts: countsOf(r) }));
}

export interface CommentRow {
  month: string;
  procedureId: string | null;
  serviceId: string | null;
  satisfaction: number;
  comment: string;
}

/**
 * The free comments of a scope, the latest months first (inside a month, in no meaningful order:
 * ids are random, nothing tells which came first).
 */
export async function listComments(tx: Tx, communeId: string, scope: AnswerScope, limit = 200): Promise<CommentRow[]> {
  const { rows } = await tx.client.query<{
    month: string;
    procedure_id: string | null;
    service_id: string | null;
    satisfaction: number;
    comment: string;
  }>(
    `SELECT to_char(answered_month, 'YYYY-MM') AS month, procedure_id, service_id, satisfaction, comment
       FROM satisfaction_answer WHERE ${SCOPE} AND comment IS NOT NULL
      ORDER BY answered_month DESC, id
      LIMIT $5`,
    [...scopeParams(communeId, scope), limit],
  );
  return rows.map((r) => ({
    month: r.month,
    procedureId: r.procedure_id,
    serviceId: r.service_id,
    satisfaction: Number(r.satisfaction),
    comment: r.comment,
  }));
}
