/**
 * The classifier's proposal for a mail's service (the competence map of « Contacter la mairie »,
 * through the requests module's front door), computed on the subject and the text read by OCR,
 * and the agent's decision on it: accept it (the mail goes to that service) or pick another.
 */
import { z } from 'zod';
import type { AppContext } from '../../../platform/context.js';
import type { Tx } from '../../../platform/db/tenant.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { listActiveServices } from '../../../platform/tenancy/communes.js';
import { proposeService } from '../../requests/index.js';
import { addHistory, findMail, updateMail } from '../repo.js';
import { auditCourrier, type Caller, fieldError, parseInput, processableMail } from './common.js';

/** Computes and stores the proposal for a mail (inside the caller's transaction). */
export async function refreshProposal(tx: Tx, communeId: string, mailId: string): Promise<void> {
  const mail = await findMail(tx, communeId, mailId);
  if (!mail || mail.proposalDecision) return;
  const text = [mail.subject, mail.ocrText ?? ''].join('\n').slice(0, 5000);
  const proposal = await proposeService(tx, communeId, text);
  await updateMail(tx, communeId, mailId, {
    proposedServiceId: proposal.serviceId,
    proposalConfidence: proposal.confidence,
    proposalExplanation: proposal.explanation,
  });
}

const decisionSchema = z.object({
  decision: z.enum(['accepter', 'autre'], { error: 'Acceptez la proposition ou choisissez un autre service.' }),
  service: z.string().optional(),
});

/** The agent accepts the proposed service, or picks another: the mail goes there, and the history says so. */
export async function decideProposal(ctx: AppContext, caller: Caller, mailId: string, input: unknown): Promise<void> {
  const values = parseInput(decisionSchema, input, 'courrier.invalid');
  await withTenant(ctx.database, caller.communeId, async (tx) => {
    const { mail } = await processableMail(tx, caller, mailId);
    if (!mail.proposedServiceId) throw fieldError('decision', 'Aucune proposition n’est faite pour ce courrier.', 409);
    const services = await listActiveServices(tx, caller.communeId);
    const targetId = values.decision === 'accepter' ? mail.proposedServiceId : (values.service ?? '');
    const target = services.find((s) => s.id === targetId);
    if (!target) throw fieldError('service', 'Choisissez le service parmi ceux de la commune.');
    await updateMail(tx, caller.communeId, mail.id, {
      serviceId: target.id,
      proposalDecision: values.decision === 'accepter' ? 'acceptee' : 'autre',
      ...(target.id !== mail.serviceId ? { assignedTo: null } : {}),
    });
    await addHistory(tx, caller.communeId, mail.id, {
      actorId: caller.actor.accountId,
      kind: 'proposition',
      text:
        values.decision === 'accepter'
          ? `Proposition acceptée : courrier confié au service ${target.name}.`
          : `Proposition écartée : courrier confié au service ${target.name}.`,
    });
    await auditCourrier(
      tx,
      caller,
      'courrier.proposal_decided',
      { type: 'courrier_mail', id: mail.id },
      {
        decision: values.decision,
        service: target.id,
        proposed: mail.proposedServiceId,
      },
    );
  });
}
