/**
 * Answering the survey (decision 0056), with no account: the signed link is the permission. The
 * answer is stored without the requester — no request, no account, no exact time, no journal entry
 * (its time would undo the month bucket) — with only the commune, the démarche and service, the
 * Paris month, the marks, the comment, and the hashed uniqueness key that refuses a second answer.
 */
import { z } from 'zod';
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { AppError } from '../../../platform/errors.js';
import { type Commune, findServiceById } from '../../../platform/tenancy/communes.js';
import { parisDateOf } from '../../../platform/time/calendar.js';
import { parseInput } from '../../../platform/validation.js';
import { formString } from '../../../platform/views/page-kit.js';
import { findProcedureById } from '../../procedures/index.js';
import { hasAnswer, insertAnswer } from '../repo.js';
import { MAX_COMMENT_LENGTH, type Mark } from '../survey.js';
import { answerKeyHash, readSurveyToken, type SurveyLink } from '../token.js';

export function surveyLinkInvalid(): AppError {
  return new AppError('satisfaction.link_invalid', 'survey token missing, forged or of another commune', 404, {
    userMessage:
      'Ce lien pour donner votre avis n’est pas valable. Copiez l’adresse complète depuis le courriel ou la page de confirmation de votre demande.',
  });
}

export function alreadyAnswered(): AppError {
  return new AppError('satisfaction.already_answered', 'survey already answered for this request', 409, {
    userMessage: 'Votre avis sur cette demande a déjà été reçu. Merci de nous l’avoir donné !',
  });
}

export interface OpenedSurvey {
  link: SurveyLink;
  /** The démarche's title; null for a message written to the mairie. */
  procedureTitle: string | null;
  answered: boolean;
}

/** The survey a link opens (404 for a bad link), and whether its request was already answered. */
export async function openSurvey(ctx: AppContext, commune: Commune, token: string): Promise<OpenedSurvey> {
  const link = readSurveyToken(ctx.config, commune.id, token);
  if (!link) throw surveyLinkInvalid();
  return withTenant(ctx.database, commune.id, async (tx) => ({
    link,
    procedureTitle: link.procedureId
      ? ((await findProcedureById(tx, commune.id, link.procedureId))?.title ?? null)
      : null,
    answered: await hasAnswer(tx, commune.id, answerKeyHash(ctx.config, commune.id, link.requestId)),
  }));
}

const MARKS_WORDS = '« Pas bien », « Moyen » ou « Très bien »';
const optionalMark = z
  .enum(['', '1', '2', '3'], { error: `Choisissez ${MARKS_WORDS}, ou ne répondez pas à cette question.` })
  .transform((v) => (v === '' ? null : (Number(v) as Mark)));

/** Control characters (except line breaks and tabs) are dropped: nothing the database would refuse. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: that is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

export const answerSchema = z.object({
  satisfaction: z
    .enum(['1', '2', '3'], { error: `Dites comment s’est passée cette démarche pour vous : ${MARKS_WORDS}.` })
    .transform((v) => Number(v) as Mark),
  facilite: optionalMark,
  clarte: optionalMark,
  commentaire: z
    .string()
    .transform((v) => v.replace(/\r\n?/g, '\n').replace(CONTROL, '').trim())
    .refine((v) => v.length <= MAX_COMMENT_LENGTH, {
      error: `Votre commentaire doit faire au plus ${MAX_COMMENT_LENGTH.toLocaleString('fr-FR')} caractères.`,
    }),
});

/** The form's fields as the page posts them (a field sent twice counts once). */
export function answerFields(body: unknown) {
  return {
    satisfaction: formString(body, 'satisfaction'),
    facilite: formString(body, 'facilite'),
    clarte: formString(body, 'clarte'),
    commentaire: formString(body, 'commentaire'),
  };
}

/** Records the answer of a link (`jeton` in the body): 404 bad link, 409 already answered, 422 bad marks. */
export async function answerSurvey(ctx: AppContext, commune: Commune, body: unknown, now = new Date()): Promise<void> {
  const link = readSurveyToken(ctx.config, commune.id, formString(body, 'jeton'));
  if (!link) throw surveyLinkInvalid();
  const keyHash = answerKeyHash(ctx.config, commune.id, link.requestId);
  await withTenant(ctx.database, commune.id, async (tx) => {
    if (await hasAnswer(tx, commune.id, keyHash)) throw alreadyAnswered();
    const answer = parseInput(answerSchema, answerFields(body), 'satisfaction.invalid');
    // A démarche or service removed since the link was made: the answer still counts for the commune.
    const procedure = link.procedureId ? await findProcedureById(tx, commune.id, link.procedureId) : undefined;
    const service = link.serviceId ? await findServiceById(tx, commune.id, link.serviceId) : undefined;
    const inserted = await insertAnswer(tx, commune.id, {
      procedureId: procedure?.id ?? null,
      serviceId: service?.id ?? null,
      moment: link.moment,
      month: `${parisDateOf(now).slice(0, 7)}-01`,
      satisfaction: answer.satisfaction,
      ease: answer.facilite,
      clarity: answer.clarte,
      comment: answer.commentaire || null,
      keyHash,
    });
    // Two answers sent at once: the second meets the unique key.
    if (!inserted) throw alreadyAnswered();
  });
}
