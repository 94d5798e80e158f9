/**
 * Processing a mail: assigning it to an agent of the service in charge (or taking it oneself) —
 * to the colleague receiving their mail while they are absent (absences.ts) —, redirecting it to
 * another service with a reason. Each change is a line of the mail's history and an entry of the
 * journal, in the same transaction.
 */
import { z } from 'zod';
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { listActiveServices } from '../../../platform/tenancy/communes.js';
import { parisDateOf } from '../../../platform/time/calendar.js';
import { listStaffContacts } from '../../identity/index.js';
import { addHistory, findContact, findOrCreateContact, updateMail } from '../repo.js';
import { periodText, recipientOn } from './absences.js';
import { auditCourrier, type Caller, fieldError, parseInput, processableMail } from './common.js';
import { registerSchema } from './register-mail.js';

const assignSchema = z.object({
  agent: z
    .string({ error: 'Choisissez l’agent à qui confier le courrier.' })
    .min(1, 'Choisissez l’agent à qui confier le courrier.'),
});

export async function assignMail(
  ctx: AppContext,
  caller: Caller,
  mailId: string,
  input: unknown,
  now = new Date(),
): Promise<void> {
  const values = parseInput(assignSchema, input, 'courrier.invalid');
  await withTenant(ctx.database, caller.communeId, async (tx) => {
    const { mail } = await processableMail(tx, caller, mailId);
    if (mail.status === 'clos') throw fieldError('agent', 'Ce courrier est clos.', 409);
    const staff = await listStaffContacts(tx, caller.communeId);
    const agent = staff.find((s) => s.accountId === values.agent);
    const inService =
      agent?.serviceIds.includes(mail.serviceId) || agent?.roles.some((r) => ['mayor', 'dgs', 'admin'].includes(r));
    if (!agent || !inService) {
      throw fieldError('agent', 'Choisissez un agent du service en charge de ce courrier.');
    }
    // Taking a mail oneself is never redirected: whoever does it is at work.
    const taken = agent.accountId === caller.actor.accountId;
    const { recipient, absences } = taken
      ? { recipient: agent, absences: [] }
      : await recipientOn(tx, caller.communeId, agent, parisDateOf(now), staff);
    await updateMail(tx, caller.communeId, mail.id, { assignedTo: recipient.accountId, status: 'en_cours' });
    const name = `${agent.givenName} ${agent.familyName}`;
    const because = absences.map((a) => `de ${a.absentName} (${periodText(a)})`).join(', puis ');
    await addHistory(tx, caller.communeId, mail.id, {
      actorId: caller.actor.accountId,
      kind: 'attribution',
      text: taken
        ? `${name} prend le courrier en charge.`
        : absences.length > 0
          ? `Courrier confié à ${name}, redirigé vers ${recipient.givenName} ${recipient.familyName} pendant l’absence ${because}.`
          : `Courrier confié à ${name}.`,
    });
    await auditCourrier(
      tx,
      caller,
      'courrier.mail_assigned',
      { type: 'courrier_mail', id: mail.id },
      {
        agent: recipient.accountId,
        ...(absences.length > 0 ? { requested: agent.accountId, absences: absences.map((a) => a.id) } : {}),
      },
    );
  });
}

const redirectSchema = z.object({
  service: z
    .string({ error: 'Choisissez le service qui doit traiter ce courrier.' })
    .min(1, 'Choisissez le service qui doit traiter ce courrier.'),
  motif: z
    .string({ error: 'Expliquez pourquoi le courrier change de service.' })
    .transform((v) => v.replace(/\s+/g, ' ').trim())
    .pipe(
      z
        .string()
        .min(3, 'Expliquez pourquoi le courrier change de service.')
        .max(500, 'Le motif doit faire au plus 500 caractères.'),
    ),
});

export async function redirectMail(ctx: AppContext, caller: Caller, mailId: string, input: unknown): Promise<void> {
  const values = parseInput(redirectSchema, input, 'courrier.invalid');
  await withTenant(ctx.database, caller.communeId, async (tx) => {
    const { mail } = await processableMail(tx, caller, mailId);
    if (mail.status === 'clos') throw fieldError('service', 'Ce courrier est clos.', 409);
    const services = await listActiveServices(tx, caller.communeId);
    const target = services.find((s) => s.id === values.service);
    if (!target) throw fieldError('service', 'Choisissez le service parmi ceux de la commune.');
    if (target.id === mail.serviceId) throw fieldError('service', 'Le courrier est déjà confié à ce service.');
    const from = services.find((s) => s.id === mail.serviceId)?.name ?? 'précédent';
    await updateMail(tx, caller.communeId, mail.id, { serviceId: target.id, assignedTo: null, status: 'a_traiter' });
    await addHistory(tx, caller.communeId, mail.id, {
      actorId: caller.actor.accountId,
      kind: 'reorientation',
      text: `Réorienté du service ${from} vers le service ${target.name} : « ${values.motif} ».`,
    });
    await auditCourrier(
      tx,
      caller,
      'courrier.mail_redirected',
      { type: 'courrier_mail', id: mail.id },
      {
        from: mail.serviceId,
        to: target.id,
        reason: values.motif,
      },
    );
  });
}

const shape = registerSchema.shape;
const completeSchema = z
  .object({
    objet: shape.objet,
    expediteur_type: shape.expediteur_type,
    expediteur_nom: shape.expediteur_nom,
    expediteur_courriel: shape.expediteur_courriel,
    expediteur_adresse: shape.expediteur_adresse,
  })
  .superRefine((v, ctx) => {
    if (!v.expediteur_courriel && !v.expediteur_adresse) {
      ctx.addIssue({
        code: 'custom',
        path: ['expediteur_adresse'],
        message: 'Indiquez l’adresse postale ou l’adresse électronique de l’expéditeur (pour lui répondre).',
      });
    }
  });

/**
 * Completes or corrects what was registered: the sender (found in the contacts directory or added
 * to it, as at registration) and the subject — a letter of a bulk intake arrives « Expéditeur à
 * identifier ». Replies already drafted keep their recipient.
 */
export async function completeMail(ctx: AppContext, caller: Caller, mailId: string, input: unknown): Promise<void> {
  const values = parseInput(completeSchema, input, 'courrier.invalid');
  await withTenant(ctx.database, caller.communeId, async (tx) => {
    const { mail } = await processableMail(tx, caller, mailId);
    if (mail.status === 'clos') throw fieldError('objet', 'Ce courrier est clos.', 409);
    const before = await findContact(tx, caller.communeId, mail.contactId);
    const { contact } = await findOrCreateContact(tx, caller.communeId, {
      kind: values.expediteur_type,
      name: values.expediteur_nom,
      email: values.expediteur_courriel,
      postalAddress: values.expediteur_adresse,
    });
    if (contact.id === mail.contactId && values.objet === mail.subject) return;
    await updateMail(tx, caller.communeId, mail.id, { contactId: contact.id, subject: values.objet });
    const changes = [
      ...(contact.id !== mail.contactId ? [`expéditeur ${contact.name} (au lieu de ${before?.name ?? '?'})`] : []),
      ...(values.objet !== mail.subject ? [`objet « ${values.objet} » (au lieu de « ${mail.subject} »)`] : []),
    ];
    await addHistory(tx, caller.communeId, mail.id, {
      actorId: caller.actor.accountId,
      kind: 'complete',
      text: `Enregistrement complété : ${changes.join(', ')}.`,
    });
    await auditCourrier(
      tx,
      caller,
      'courrier.mail_completed',
      { type: 'courrier_mail', id: mail.id },
      { contact: contact.id, previousContact: mail.contactId, subjectChanged: values.objet !== mail.subject },
    );
  });
}
