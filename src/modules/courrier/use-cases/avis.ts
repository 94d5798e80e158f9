/**
 * Avis (decision 0045): the service in charge of a mail asks another service, or a named agent, for
 * its opinion — a question and a date —; the one asked answers favorable, défavorable or réservé
 * with a text. On a confidential mail the avis names a person (who is then named on the mail with
 * the role `avis`): nobody else in their service sees it. Each step is a line of the mail's
 * history and an entry of the journal, in the same transaction.
 */
import { z } from 'zod';
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { isUuid } from '../../../platform/ids.js';
import { listActiveServices } from '../../../platform/tenancy/communes.js';
import { parisDateOf } from '../../../platform/time/calendar.js';
import { formatDate } from '../../../platform/views/format.js';
import { listStaffContacts } from '../../identity/index.js';
import { isAskedForAvis } from '../policy.js';
import { addHistory, addPersons, insertAvis, lockAvis, updateAvis } from '../repo.js';
import type { AvisAnswer } from '../schema.js';
import {
  auditCourrier,
  type Caller,
  fieldError,
  NOT_ALLOWED,
  parseInput,
  processableMail,
  visibleMail,
} from './common.js';

export const AVIS_LABELS: Record<AvisAnswer, string> = {
  favorable: 'Favorable',
  defavorable: 'Défavorable',
  reserve: 'Réservé',
};

const requestSchema = z.object({
  destinataire: z
    .string({ error: 'Choisissez le service ou la personne à qui demander l’avis.' })
    .regex(/^(service|agent):[0-9a-f-]{36}$/i, 'Choisissez le service ou la personne à qui demander l’avis.'),
  question: z
    .string({ error: 'Saisissez la question posée.' })
    .transform((v) => v.replace(/\r\n?/g, '\n').trim())
    .pipe(
      z.string().min(3, 'Saisissez la question posée.').max(2000, 'La question doit faire au plus 2 000 caractères.'),
    ),
  echeance: z
    .string({ error: 'Indiquez la date à laquelle l’avis est attendu.' })
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'Indiquez la date à laquelle l’avis est attendu, par exemple 15 1 2027.')
    .refine((d) => {
      const at = new Date(`${d}T12:00:00Z`);
      return !/^\d{4}-\d{2}-\d{2}$/.test(d) || (!Number.isNaN(at.getTime()) && at.toISOString().startsWith(d));
    }, 'Cette date n’existe pas.'),
});

export async function requestAvis(
  ctx: AppContext,
  caller: Caller,
  mailId: string,
  input: unknown,
  now = new Date(),
): Promise<void> {
  const values = parseInput(requestSchema, input, 'courrier.invalid');
  if (values.echeance < parisDateOf(now)) throw fieldError('echeance', 'La date de l’avis ne peut pas être passée.');
  const [kind, targetId] = values.destinataire.split(':') as ['service' | 'agent', string];
  await withTenant(ctx.database, caller.communeId, async (tx) => {
    const { mail } = await processableMail(tx, caller, mailId);
    if (mail.status === 'clos') throw fieldError('destinataire', 'Ce courrier est clos.', 409);
    let target: string;
    if (kind === 'service') {
      if (mail.confidential) {
        throw fieldError(
          'destinataire',
          'Ce courrier est confidentiel : demandez l’avis à une personne nommée, elle seule le verra.',
        );
      }
      const service = (await listActiveServices(tx, caller.communeId)).find((s) => s.id === targetId);
      if (!service) throw fieldError('destinataire', 'Choisissez un service de la commune.');
      if (service.id === mail.serviceId) throw fieldError('destinataire', 'Ce service est déjà en charge du courrier.');
      target = `au service ${service.name}`;
    } else {
      const agent = (await listStaffContacts(tx, caller.communeId)).find((s) => s.accountId === targetId);
      if (!agent) throw fieldError('destinataire', 'Choisissez une personne parmi les agents et élus de la commune.');
      if (agent.accountId === caller.actor.accountId)
        throw fieldError('destinataire', 'Demandez l’avis à une autre personne que vous-même.');
      target = `à ${agent.givenName} ${agent.familyName}`;
      await addPersons(tx, caller.communeId, mail.id, [{ accountId: agent.accountId, role: 'avis' }]);
    }
    const avis = await insertAvis(tx, {
      communeId: caller.communeId,
      mailId: mail.id,
      requestedBy: caller.actor.accountId,
      requestedAt: now,
      serviceId: kind === 'service' ? targetId : null,
      accountId: kind === 'agent' ? targetId : null,
      question: values.question,
      dueOn: values.echeance,
    });
    await addHistory(tx, caller.communeId, mail.id, {
      actorId: caller.actor.accountId,
      kind: 'avis_demande',
      at: now,
      text: `Avis demandé ${target}, attendu le ${formatDate(values.echeance)} : « ${values.question.slice(0, 800)} ».`,
    });
    await auditCourrier(
      tx,
      caller,
      'courrier.avis_requested',
      { type: 'courrier_avis', id: avis.id },
      { mail: mail.id, service: avis.serviceId, account: avis.accountId, due: values.echeance },
    );
  });
}

const answerSchema = z
  .object({
    avis: z.enum(['favorable', 'defavorable', 'reserve'], { error: 'Choisissez votre avis.' }),
    texte: z
      .string()
      .optional()
      .transform((v) => (v ?? '').replace(/\r\n?/g, '\n').trim())
      .pipe(z.string().max(4000, 'Le texte doit faire au plus 4 000 caractères.')),
  })
  .superRefine((v, ctx) => {
    if (v.avis !== 'favorable' && v.texte.length < 3) {
      ctx.addIssue({
        code: 'custom',
        path: ['texte'],
        message: 'Expliquez votre avis : il est défavorable ou réservé.',
      });
    }
  });

export async function answerAvis(
  ctx: AppContext,
  caller: Caller,
  mailId: string,
  avisId: string,
  input: unknown,
  now = new Date(),
): Promise<void> {
  const values = parseInput(answerSchema, input, 'courrier.invalid');
  await withTenant(ctx.database, caller.communeId, async (tx) => {
    const { mail } = await visibleMail(tx, caller, mailId);
    const avis = isUuid(avisId) ? await lockAvis(tx, caller.communeId, avisId) : undefined;
    if (!avis || avis.mailId !== mail.id) throw fieldError('avis', 'Cette demande d’avis n’existe pas.', 404);
    if (!isAskedForAvis(caller.actor, avis)) throw NOT_ALLOWED();
    if (avis.answeredAt) throw fieldError('avis', 'Cet avis est déjà donné.', 409);
    await updateAvis(tx, caller.communeId, avis.id, {
      answer: values.avis,
      answerText: values.texte || null,
      answeredBy: caller.actor.accountId,
      answeredAt: now,
    });
    const staff = await listStaffContacts(tx, caller.communeId);
    const me = staff.find((s) => s.accountId === caller.actor.accountId);
    const services = avis.serviceId ? await listActiveServices(tx, caller.communeId) : [];
    const service = services.find((s) => s.id === avis.serviceId);
    await addHistory(tx, caller.communeId, mail.id, {
      actorId: caller.actor.accountId,
      kind: 'avis_donne',
      at: now,
      text: `Avis ${AVIS_LABELS[values.avis].toLowerCase()}${service ? ` du service ${service.name}` : ''} (${
        me ? `${me.givenName} ${me.familyName}` : 'un agent'
      })${values.texte ? ` : « ${values.texte.slice(0, 800)} »` : ''}.`,
    });
    await auditCourrier(
      tx,
      caller,
      'courrier.avis_answered',
      { type: 'courrier_avis', id: avis.id },
      { mail: mail.id, answer: values.avis },
    );
  });
}
