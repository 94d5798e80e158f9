/** A person passes a training's quiz (every answer right): the completion is kept and journaled. */
import { recordAudit } from '../../../platform/audit/journal.js';
import type { Actor } from '../../../platform/authz/actor.js';
import type { Tx } from '../../../platform/db/tenant.js';
import { AppError } from '../../../platform/errors.js';
import { recordCompletion } from '../repo.js';
import { scoreQuiz, type Training } from '../trainings.js';

export async function completeTraining(
  tx: Tx,
  communeId: string,
  actor: Actor,
  training: Training,
  answers: Record<string, string>,
  requestId: string,
): Promise<void> {
  const { score, passed } = scoreQuiz(training, answers);
  if (!passed)
    throw new AppError('awareness.quiz_failed', 'quiz not passed', 422, {
      userMessage: 'Une réponse au moins n’est pas la bonne.',
    });
  await recordCompletion(tx, communeId, actor.accountId, training.key, score);
  await recordAudit(tx, {
    action: 'awareness.training_completed',
    actorType: 'agent',
    actorId: actor.accountId,
    targetType: 'awareness_training',
    targetId: null,
    data: { training: training.key, score },
    requestId,
  });
}
