/**
 * Replies to an incoming mail: a draft from a template with its merge fields (numbered in the
 * outgoing register, `D` chrono), sent to the parapheur through `signature.startCircuit()` for
 * visa and signature, marked signed (or refused) when the parapheur's event comes back, then sent
 * — printed for the post, or by electronic registered letter through the configured provider —
 * which closes the incoming mail.
 */
import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import type { AppContext } from '../../../platform/context.js';
import { nextValue } from '../../../platform/db/counters.js';
import { withTenant } from '../../../platform/db/tenant.js';
import type { DomainEvent } from '../../../platform/events/index.js';
import { isUuid } from '../../../platform/ids.js';
import { listServices } from '../../../platform/tenancy/communes.js';
import { parisDateOf, parisYearOf } from '../../../platform/time/calendar.js';
import { circuitActs, signedDocument, startCircuit } from '../../signature/index.js';
import { letterPdf } from '../letter.js';
import type { LreProvider } from '../lre/provider.js';
import {
  addHistory,
  findContact,
  findMail,
  findOutgoing,
  insertLreProof,
  insertLreSend,
  insertOutgoing,
  updateMail,
  updateOutgoing,
} from '../repo.js';
import type { Outgoing } from '../schema.js';
import { merge, mergeFields } from '../templates.js';
import { auditCourrier, type Caller, fieldError, OUTGOING_NOT_FOUND, parseInput, processableMail } from './common.js';
import { templatesOf } from './templates.js';

export const OUTGOING_COUNTER = 'courrier-depart';
/** The parapheur's reference for a reply: `courrier:<outgoing id>`. */
export const REFERENCE_PREFIX = 'courrier:';

function chrono(year: number, value: number): string {
  return `${year}-D${String(value).padStart(6, '0')}`;
}

/**
 * The commune's template merged for a mail (the draft form's starting text): its edited version of
 * a built-in template, or one of its own; an unknown key (or another commune's) gives « Réponse ».
 */
export async function templateFor(
  ctx: AppContext,
  caller: Caller,
  mailId: string,
  key: string,
  communeName: string,
): Promise<{ key: string; label: string; subject: string; body: string }> {
  return withTenant(ctx.database, caller.communeId, async (tx) => {
    const { mail } = await processableMail(tx, caller, mailId);
    const templates = await templatesOf(tx, caller.communeId);
    const template = templates.find((t) => t.key === key) ?? templates.find((t) => t.key === 'reponse')!;
    const contact = (await findContact(tx, caller.communeId, mail.contactId))!;
    const service = (await listServices(tx, caller.communeId)).find((s) => s.id === mail.serviceId);
    const fields = mergeFields({
      mail,
      contact,
      serviceName: service?.name ?? '',
      communeName,
      today: parisDateOf(new Date()),
    });
    return {
      key: template.key,
      label: template.label,
      subject: merge(template.subject, fields),
      body: merge(template.body, fields),
    };
  });
}

const draftSchema = z.object({
  modele: z.string({ error: 'Choisissez un modèle de réponse.' }).max(100, 'Choisissez un modèle de réponse.'),
  objet: z
    .string({ error: 'Saisissez l’objet de la réponse.' })
    .transform((v) => v.replace(/\s+/g, ' ').trim())
    .pipe(z.string().min(1, 'Saisissez l’objet de la réponse.').max(300, 'L’objet doit faire au plus 300 caractères.')),
  corps: z
    .string({ error: 'Saisissez le texte de la réponse.' })
    .transform((v) => v.replace(/\r\n?/g, '\n').trim())
    .pipe(
      z
        .string()
        .min(1, 'Saisissez le texte de la réponse.')
        .max(20000, 'Le texte doit faire au plus 20 000 caractères.'),
    )
    .refine((v) => !/\[champ inconnu : /.test(v), 'Le texte contient un champ de fusion inconnu : corrigez-le.')
    .refine((v) => !/\[(Votre réponse|Liste des pièces)\]/.test(v), 'Complétez le texte à la place des crochets.'),
});

export async function draftReply(
  ctx: AppContext,
  caller: Caller,
  mailId: string,
  input: unknown,
  now = new Date(),
): Promise<Outgoing> {
  const values = parseInput(draftSchema, input, 'courrier.invalid');
  return withTenant(ctx.database, caller.communeId, async (tx) => {
    const { mail } = await processableMail(tx, caller, mailId);
    if (mail.status === 'clos') throw fieldError('corps', 'Ce courrier est clos : sa réponse est partie.', 409);
    const template = (await templatesOf(tx, caller.communeId)).find((t) => t.key === values.modele);
    if (!template) throw fieldError('modele', 'Choisissez un modèle de réponse.');
    const number = chrono(parisYearOf(now), await nextValue(tx, OUTGOING_COUNTER, now));
    const reply = await insertOutgoing(tx, {
      id: uuidv7(),
      communeId: caller.communeId,
      chrono: number,
      mailId: mail.id,
      contactId: mail.contactId,
      subject: values.objet,
      template: values.modele,
      body: values.corps,
      createdBy: caller.actor.accountId,
      status: 'brouillon',
    });
    if (mail.status === 'a_traiter') await updateMail(tx, caller.communeId, mail.id, { status: 'en_cours' });
    await addHistory(tx, caller.communeId, mail.id, {
      actorId: caller.actor.accountId,
      kind: 'reponse',
      text: `Projet de réponse rédigé (${template.label.toLowerCase()}), enregistré au départ sous le numéro ${number}.`,
    });
    await auditCourrier(
      tx,
      caller,
      'courrier.reply_drafted',
      { type: 'courrier_outgoing', id: reply.id },
      { chrono: number, mail: mail.id },
    );
    return reply;
  });
}

async function replyOf(ctx: AppContext, caller: Caller, mailId: string, replyId: string) {
  return withTenant(ctx.database, caller.communeId, async (tx) => {
    const { mail } = await processableMail(tx, caller, mailId);
    const reply = isUuid(replyId) ? await findOutgoing(tx, caller.communeId, replyId) : undefined;
    if (!reply || reply.mailId !== mail.id) throw OUTGOING_NOT_FOUND();
    return { mail, reply };
  });
}

/** The letter as PDF: signed once the parapheur has signed it, else the draft as it would be printed. */
export async function replyPdf(
  ctx: AppContext,
  caller: Caller,
  mailId: string,
  replyId: string,
  communeName: string,
): Promise<Buffer> {
  const { mail, reply } = await replyOf(ctx, caller, mailId, replyId);
  return withTenant(ctx.database, caller.communeId, async (tx) => {
    if (reply.signedSha256) return tx.blobs.get({ communeId: caller.communeId }, reply.signedSha256);
    const contact = (await findContact(tx, caller.communeId, reply.contactId))!;
    return letterPdf({
      communeName,
      recipient: contact,
      outgoingChrono: reply.chrono,
      incomingChrono: mail.chrono,
      subject: reply.subject,
      body: reply.body,
      date: parisDateOf(reply.createdAt),
    });
  });
}

/** Sends a draft (or a refused reply, corrected) to the parapheur: visa of the service's head, signature of the maire. */
export async function submitReply(
  ctx: AppContext,
  caller: Caller,
  mailId: string,
  replyId: string,
  communeName: string,
): Promise<void> {
  const { mail, reply, pdf } = await withTenant(ctx.database, caller.communeId, async (tx) => {
    const { mail } = await processableMail(tx, caller, mailId);
    const reply = isUuid(replyId) ? await findOutgoing(tx, caller.communeId, replyId) : undefined;
    if (!reply || reply.mailId !== mail.id) throw OUTGOING_NOT_FOUND();
    if (reply.status !== 'brouillon' && reply.status !== 'refuse') {
      throw fieldError('reponse', 'Cette réponse est déjà au parapheur ou signée.', 409);
    }
    const contact = (await findContact(tx, caller.communeId, reply.contactId))!;
    const pdf = await letterPdf({
      communeName,
      recipient: contact,
      outgoingChrono: reply.chrono,
      incomingChrono: mail.chrono,
      subject: reply.subject,
      body: reply.body,
      date: parisDateOf(new Date()),
    });
    // Taken at once, so that a second click does not start a second circuit.
    await updateOutgoing(tx, caller.communeId, reply.id, { status: 'au_parapheur' });
    return { mail, reply, pdf };
  });
  let folder: { folderId: string; number: string };
  try {
    folder = await startCircuit(ctx, {
      communeId: caller.communeId,
      module: 'courrier',
      reference: reply.id,
      requestedBy: caller.actor,
      requestId: caller.requestId,
      title: `Réponse ${reply.chrono} : ${reply.subject}`.slice(0, 200),
      documentType: 'courrier_sortant',
      serviceId: mail.serviceId,
      dueOn: mail.dueOn,
      documents: [{ name: `reponse-${reply.chrono}.pdf`, mimeType: 'application/pdf', content: pdf }],
    });
  } catch (error) {
    await withTenant(ctx.database, caller.communeId, (tx) =>
      updateOutgoing(tx, caller.communeId, reply.id, { status: reply.status }),
    );
    throw error;
  }
  await withTenant(ctx.database, caller.communeId, async (tx) => {
    await updateOutgoing(tx, caller.communeId, reply.id, { folderId: folder.folderId, folderNumber: folder.number });
    await addHistory(tx, caller.communeId, mail.id, {
      actorId: caller.actor.accountId,
      kind: 'parapheur',
      text: `Réponse ${reply.chrono} envoyée au parapheur pour visa et signature (dossier ${folder.number}).`,
    });
    await auditCourrier(
      tx,
      caller,
      'courrier.reply_sent_to_parapheur',
      { type: 'courrier_outgoing', id: reply.id },
      {
        folder: folder.folderId,
      },
    );
  });
}

/** The parapheur's circuit of a reply ended: signed (the signed PDF is kept) or refused. */
export async function onCircuitClosed(
  ctx: AppContext,
  event: DomainEvent<'signature.circuit.completed'> | DomainEvent<'signature.circuit.refused'>,
): Promise<void> {
  const reference = event.data.sourceReference ?? '';
  if (event.data.source !== 'module' || !reference.startsWith(REFERENCE_PREFIX)) return;
  const replyId = reference.slice(REFERENCE_PREFIX.length);
  if (!isUuid(replyId)) return;
  const { communeId } = event;
  const signed = event.name === 'signature.circuit.completed';
  const content = signed ? await signedDocument(ctx, communeId, event.data.folderId) : null;
  await withTenant(ctx.database, communeId, async (tx) => {
    const reply = await findOutgoing(tx, communeId, replyId);
    if (!reply || reply.folderId !== event.data.folderId || reply.status !== 'au_parapheur') return; // already applied
    const sha = content ? await tx.blobs.put({ communeId }, content) : null;
    await updateOutgoing(
      tx,
      communeId,
      reply.id,
      signed ? { status: 'signe', signedSha256: sha } : { status: 'refuse' },
    );
    if (reply.mailId) {
      // Each visa and signature in the mail's history, under the name of who gave it and when.
      const acts = await circuitActs(tx, communeId, event.data.folderId);
      for (const act of acts) {
        await addHistory(tx, communeId, reply.mailId, {
          actorId: act.accountId,
          kind: act.kind,
          at: act.at,
          text: `Réponse ${reply.chrono} ${act.kind === 'visa' ? 'visée' : 'signée'} au parapheur (dossier ${event.data.number})${act.onBehalfOf ? ', par délégation' : ''}.`,
        });
      }
      if (!signed || !acts.some((a) => a.kind === 'signature')) {
        const reason = 'reason' in event.data ? ` : « ${(event.data as { reason: string }).reason} »` : '';
        await addHistory(tx, communeId, reply.mailId, {
          actorId: null,
          kind: signed ? 'signature' : 'refus',
          text: signed
            ? `Réponse ${reply.chrono} signée au parapheur (dossier ${event.data.number}).`
            : `Réponse ${reply.chrono} refusée au parapheur (dossier ${event.data.number})${reason}. Corrigez-la puis renvoyez-la.`,
        });
      }
    }
    await auditCourrier(
      tx,
      null,
      'courrier.reply_signed',
      { type: 'courrier_outgoing', id: reply.id },
      {
        folder: event.data.folderId,
        signed,
      },
    );
  });
}

const sendSchema = z.object({
  canal: z.enum(['papier', 'lre'], { error: 'Choisissez comment la réponse part.' }),
});

/**
 * Sends a signed reply: printed for the post, or by electronic registered letter (the provider's
 * deposit proof and the cost kept with the mail); the incoming mail closes.
 */
export async function sendReply(
  ctx: AppContext,
  caller: Caller,
  mailId: string,
  replyId: string,
  input: unknown,
  provider: LreProvider | null,
): Promise<void> {
  const values = parseInput(sendSchema, input, 'courrier.invalid');
  const { mail, reply } = await replyOf(ctx, caller, mailId, replyId);
  if (reply.status !== 'signe' || !reply.signedSha256) {
    throw fieldError('canal', 'Seule une réponse signée au parapheur peut partir.', 409);
  }
  let deposit: Awaited<ReturnType<LreProvider['send']>> | null = null;
  let recipientEmail = '';
  if (values.canal === 'lre') {
    if (!provider) {
      throw fieldError('canal', 'Aucun prestataire de lettre recommandée électronique n’est configuré sur ce serveur.');
    }
    const { contact, letter } = await withTenant(ctx.database, caller.communeId, async (tx) => ({
      contact: (await findContact(tx, caller.communeId, reply.contactId))!,
      letter: await tx.blobs.get({ communeId: caller.communeId }, reply.signedSha256!),
    }));
    if (!contact.email) {
      throw fieldError(
        'canal',
        'L’expéditeur n’a pas d’adresse électronique : envoyez la réponse par courrier papier.',
      );
    }
    recipientEmail = contact.email;
    deposit = await provider.send({
      reference: reply.chrono,
      recipient: { name: contact.name, email: contact.email },
      subject: reply.subject,
      document: { name: `reponse-${reply.chrono}.pdf`, content: letter },
    });
  }
  await withTenant(ctx.database, caller.communeId, async (tx) => {
    const current = await findOutgoing(tx, caller.communeId, reply.id);
    if (current?.status !== 'signe') throw fieldError('canal', 'Cette réponse est déjà partie.', 409);
    const now = new Date();
    await updateOutgoing(tx, caller.communeId, reply.id, { status: 'envoye', channel: values.canal, sentAt: now });
    if (deposit && provider) {
      const send = await insertLreSend(tx, {
        communeId: caller.communeId,
        outgoingId: reply.id,
        provider: provider.name,
        externalId: deposit.externalId,
        recipientEmail,
        consentRef: null,
        status: 'depose',
        costCents: deposit.costCents,
        depositedAt: deposit.depositedAt,
      });
      const sha = await tx.blobs.put({ communeId: caller.communeId }, deposit.depositProof);
      await insertLreProof(tx, {
        communeId: caller.communeId,
        sendId: send.id,
        kind: 'depot',
        name: 'preuve-de-depot.pdf',
        sha256: sha,
      });
    }
    const latest = await findMail(tx, caller.communeId, mail.id);
    if (latest && latest.status !== 'clos') {
      await updateMail(tx, caller.communeId, mail.id, { status: 'clos', closedAt: now });
    }
    await addHistory(tx, caller.communeId, mail.id, {
      actorId: caller.actor.accountId,
      kind: 'envoi',
      text:
        values.canal === 'lre'
          ? `Réponse ${reply.chrono} envoyée en lettre recommandée électronique (${provider!.label}, référence ${deposit!.externalId}, ${(deposit!.costCents / 100).toFixed(2).replace('.', ',')} €) ; courrier clos.`
          : `Réponse ${reply.chrono} imprimée pour l’envoi postal ; courrier clos.`,
    });
    await auditCourrier(
      tx,
      caller,
      'courrier.reply_sent',
      { type: 'courrier_outgoing', id: reply.id },
      {
        channel: values.canal,
        ...(deposit ? { externalId: deposit.externalId, costCents: deposit.costCents } : {}),
      },
    );
    await auditCourrier(
      tx,
      caller,
      'courrier.mail_closed',
      { type: 'courrier_mail', id: mail.id },
      { reply: reply.chrono },
    );
  });
}
