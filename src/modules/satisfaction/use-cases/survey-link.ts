/**
 * The survey link other modules hand out (requests: the confirmation page of a démarche, the mail
 * closing a request): the path with its signed token, or null once the request has its answer.
 * Runs in the caller's tenant transaction.
 */
import type { Tx } from '../../../platform/db/tenant.js';
import type { Commune } from '../../../platform/tenancy/communes.js';
import { hasAnswer } from '../repo.js';
import { answerKeyHash, type SurveyMoment, type SurveySubject, surveyToken } from '../token.js';

export async function surveyPathFor(
  tx: Tx,
  config: { secret?: string | undefined },
  commune: Commune,
  subject: SurveySubject,
  moment: SurveyMoment,
): Promise<string | null> {
  if (await hasAnswer(tx, commune.id, answerKeyHash(config, commune.id, subject.requestId))) return null;
  return `/c/${commune.slug}/avis?jeton=${surveyToken(config, commune.id, { ...subject, moment })}`;
}
