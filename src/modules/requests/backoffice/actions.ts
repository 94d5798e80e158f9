/**
 * Use cases of the agents' back-office: change the status of a request (with a message to the
 * citizen, required when refusing), assign it, re-route it to another service (which becomes a
 * training example of the commune's classifier), write an internal note, write to the citizen
 * (with an optional file), bulk actions from the inbox, and file a request at the counter on
 * behalf of a citizen. Each runs in one tenant transaction: the request is first looked up among
 * those the actor may see (404 otherwise) and locked, the form is checked (French field
 * errors), then the requests service (../service.ts) writes the change, its history event, its
 * audit entry and its mail.
 */

import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Actor } from '../../../platform/authz/actor.js';
import { canSeeService } from '../../../platform/authz/actor.js';
import type { AppContext } from '../../../platform/context.js';
import { type Tx, withTenant } from '../../../platform/db/tenant.js';
import { AppError } from '../../../platform/errors.js';
import type { ValidatedUpload } from '../../../platform/files/checks.js';
import { isUuid } from '../../../platform/ids.js';
import { mailAddressSchema } from '../../../platform/mail/address.js';
import { type Commune, listServices } from '../../../platform/tenancy/communes.js';
import { stringValue } from '../../../platform/views/page-kit.js';
import { activeAccountIdByEmail } from '../../identity/index.js';
import {
  CLOSED_STATUSES,
  canMove,
  findProcedureById,
  parsePosition,
  positionLabel,
  type RequestStatus,
} from '../../procedures/index.js';
import { MAX_MESSAGE_LENGTH, type RequestActor, type RequestDeps, requestDeps, workflowOfRequest } from '../deps.js';
import { findRequestById } from '../repo.js';
import { storeFile } from '../request-files.js';
import type { RoutingChoice } from '../routing.js';
import type { CitizenRequest } from '../schema.js';
import { addInternalNote as addNote } from '../use-cases/add-internal-note.js';
import { assignRequest as assign } from '../use-cases/assign-request.js';
import { changeStatus } from '../use-cases/change-status.js';
import { rerouteRequest as moveToService } from '../use-cases/reroute-request.js';
import { sendMessageToCitizen } from '../use-cases/send-message.js';
import { submitRequest } from '../use-cases/submit-request.js';
import { findRequestForActor, isAgentOfService, visibleServiceScope } from './queries.js';

export { MAX_MESSAGE_LENGTH };

export type Body = Record<string, unknown>;

/** Body field that may hold one value or several (checkboxes). */
export function list(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' && value !== '' ? [value] : [];
}

function invalid(fields: Record<string, string>): AppError {
  return new AppError('input.invalid', 'invalid form', 422, { fields });
}

/** The error of a request the actor may not see — or that does not exist: never say which. */
export function requestNotFound(): AppError {
  return new AppError('request.not_found', 'request not found or not visible', 404);
}

function deps(ctx: AppContext): RequestDeps {
  return requestDeps(ctx);
}

function agent(actor: Actor): RequestActor {
  return { type: 'agent', accountId: actor.accountId };
}

/** A text typed in a form: line breaks normalised, trimmed. */
function cleanText(value: string): string {
  return value.replace(/\r\n?/g, '\n').trim();
}

function checkText(
  fields: Record<string, string>,
  field: string,
  value: string,
  messages: { required?: string; label: string },
): void {
  if (!value) {
    if (messages.required) fields[field] = messages.required;
    return;
  }
  if (value.length > MAX_MESSAGE_LENGTH) {
    fields[field] = `${messages.label} ne doit pas dépasser ${MAX_MESSAGE_LENGTH} caractères.`;
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  else if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(value)) {
    fields[field] = `${messages.label} contient des caractères non autorisés.`;
  }
}

/**
 * The request if the actor may see it — by number, in the commune, in the actor's services —
 * locked for the use case; a 404 otherwise.
 */
async function lockRequest(
  tx: Tx,
  commune: Commune,
  actor: Actor,
  number: string,
): Promise<{ row: CitizenRequest; serviceName: string }> {
  const found = await findRequestForActor(tx, commune.id, actor, number, { forUpdate: true });
  const row = found ? await findRequestById(tx, commune.id, found.id) : undefined;
  if (!found || !row || !canSeeService(actor, row.serviceId)) throw requestNotFound();
  return { row, serviceName: found.serviceName };
}

// — Status —

export interface StatusInput {
  status: string;
  message: string;
}

export function statusValues(body: Body): StatusInput {
  return { status: stringValue(body.statut), message: stringValue(body.messageStatut) };
}

/**
 * Changes the status (or the step, en cours) of a request within its démarche's workflow;
 * refusing, or waiting for the citizen, needs a message to them.
 */
export async function changeRequestStatus(
  ctx: AppContext,
  commune: Commune,
  actor: Actor,
  number: string,
  input: StatusInput,
  request: FastifyRequest,
): Promise<{ status: RequestStatus }> {
  return withTenant(ctx.database, commune.id, async (tx) => {
    const { row } = await lockRequest(tx, commune, actor, number);
    const workflow = await workflowOfRequest(tx, row);
    const fields: Record<string, string> = {};
    const target = parsePosition(workflow, input.status);
    const to = target?.status;
    const current = { status: row.status, step: row.step };
    const message = cleanText(input.message);
    if (!target) fields.statut = 'Choisissez le nouveau statut de la demande.';
    else if (target.status === current.status && target.step === current.step)
      fields.statut = `La demande est déjà « ${positionLabel(workflow, current, 'agent')} ».`;
    else if (!canMove(workflow, current, target)) {
      fields.statut = `Une demande « ${positionLabel(workflow, current, 'agent')} » ne peut pas passer à « ${positionLabel(workflow, target, 'agent')} ».`;
    }
    checkText(fields, 'messageStatut', message, {
      label: 'Le message',
      ...(to === 'refusee' ? { required: 'Expliquez à l’usager le motif du refus.' } : {}),
      ...(to === 'attente_usager' ? { required: 'Dites à l’usager ce que vous attendez de lui.' } : {}),
    });
    if (Object.keys(fields).length > 0 || !target || !to) throw invalid(fields);
    await changeStatus(tx, deps(ctx), {
      commune,
      request: row,
      status: to,
      step: target.step,
      actor: agent(actor),
      message: message || null,
      httpRequestId: request.id,
    });
    return { status: to };
  });
}

// — Assignment —

export interface AssignInput {
  assignee: string;
}

export function assignValues(body: Body): AssignInput {
  return { assignee: stringValue(body.attribuer) };
}

/** Assigns a request to the actor ("moi"), to an agent of its service, or to nobody ("personne"). */
export async function assignRequest(
  ctx: AppContext,
  commune: Commune,
  actor: Actor,
  number: string,
  input: AssignInput,
  request: FastifyRequest,
): Promise<{ assigneeId: string | null }> {
  return withTenant(ctx.database, commune.id, async (tx) => {
    const { row, serviceName } = await lockRequest(tx, commune, actor, number);
    const value = input.assignee.trim().toLowerCase();
    let assigneeId: string | null;
    if (value === 'moi') assigneeId = actor.accountId;
    else if (value === 'personne') assigneeId = null;
    else if (isUuid(value) && (await isAgentOfService(tx, commune.id, value, row.serviceId))) assigneeId = value;
    else throw invalid({ attribuer: `Choisissez un agent du service ${serviceName}.` });
    if (assigneeId === row.assigneeId) {
      throw invalid({
        attribuer: assigneeId
          ? 'La demande est déjà attribuée à cette personne.'
          : 'La demande n’est attribuée à personne.',
      });
    }
    await assign(tx, { request: row, assigneeId, actor: agent(actor), httpRequestId: request.id });
    return { assigneeId };
  });
}

// — Re-routing —

export interface RerouteInput {
  service: string;
  reason: string;
}

export function rerouteValues(body: Body): RerouteInput {
  return { service: stringValue(body.service), reason: stringValue(body.motif) };
}

/** Validates an agent's re-routing (target service, reason), then moves the request. */
export async function rerouteRequest(
  ctx: AppContext,
  commune: Commune,
  actor: Actor,
  number: string,
  input: RerouteInput,
  request: FastifyRequest,
): Promise<{ serviceName: string; stillVisible: boolean }> {
  return withTenant(ctx.database, commune.id, async (tx) => {
    const { row, serviceName } = await lockRequest(tx, commune, actor, number);
    const services = await listServices(tx, commune.id);
    const target = services.find((s) => s.id === input.service.trim().toLowerCase());
    const reason = cleanText(input.reason);
    const fields: Record<string, string> = {};
    if (!target) fields.service = 'Choisissez le service qui doit traiter la demande.';
    else if (target.id === row.serviceId) fields.service = `La demande est déjà au service ${target.name}.`;
    checkText(fields, 'motif', reason, {
      label: 'Le motif',
      required: 'Indiquez pourquoi la demande change de service.',
    });
    if (Object.keys(fields).length > 0 || !target) throw invalid(fields);
    await moveToService(tx, {
      request: row,
      service: target,
      actor: { type: 'agent', accountId: actor.accountId },
      reason,
      fromServiceName: serviceName,
      httpRequestId: request.id,
    });
    return { serviceName: target.name, stillVisible: canSeeService(actor, target.id) };
  });
}

// — Internal note —

export function noteValues(body: Body): { note: string } {
  return { note: stringValue(body.note) };
}

/** Adds a note that only agents see (never the citizen: is_internal). */
export async function addInternalNote(
  ctx: AppContext,
  commune: Commune,
  actor: Actor,
  number: string,
  input: { note: string },
  request: FastifyRequest,
): Promise<void> {
  await withTenant(ctx.database, commune.id, async (tx) => {
    const { row } = await lockRequest(tx, commune, actor, number);
    const note = cleanText(input.note);
    const fields: Record<string, string> = {};
    checkText(fields, 'note', note, { label: 'La note', required: 'Écrivez la note interne.' });
    if (Object.keys(fields).length > 0) throw invalid(fields);
    await addNote(tx, { request: row, actor: agent(actor), body: note, httpRequestId: request.id });
  });
}

// — Message to the citizen —

export interface MessageInput {
  message: string;
  /** The message asks something of the citizen: the request waits for them. */
  awaitReply: boolean;
  /** The attached file, or the French error about it (checked by content beforehand). */
  file?: ValidatedUpload | { error: string };
}

/**
 * Writes to the citizen: the message is in the request's history (visible in "Mes demandes"),
 * with the optional file, and the citizen is told by e-mail (which carries the message and the
 * file when the citizen has no account to read them online).
 */
export async function messageCitizen(
  ctx: AppContext,
  commune: Commune,
  actor: Actor,
  number: string,
  input: MessageInput,
  request: FastifyRequest,
): Promise<void> {
  await withTenant(ctx.database, commune.id, async (tx) => {
    const { row } = await lockRequest(tx, commune, actor, number);
    const message = cleanText(input.message);
    const fields: Record<string, string> = {};
    checkText(fields, 'message', message, { label: 'Le message', required: 'Écrivez votre message à l’usager.' });
    if (input.file && 'error' in input.file) fields.fichier = input.file.error;
    if (input.awaitReply && CLOSED_STATUSES.has(row.status)) {
      fields.attente = 'La demande est close : rouvrez-la d’abord pour attendre une réponse de l’usager.';
    }
    if (Object.keys(fields).length > 0) throw invalid(fields);
    const fileIds: string[] = [];
    if (input.file && !('error' in input.file)) {
      const stored = await storeFile(tx, {
        upload: input.file,
        ownerAccountId: actor.accountId,
        requestId: row.id,
      }).catch((error: unknown) => {
        // The request has as many files as it may hold: say so next to the file field.
        if (error instanceof AppError && !error.fields) throw invalid({ fichier: error.userMessage });
        throw error;
      });
      fileIds.push(stored.id);
    }
    await sendMessageToCitizen(tx, deps(ctx), {
      commune,
      request: row,
      actor: agent(actor),
      body: message,
      fileIds,
      awaitReply: input.awaitReply,
      httpRequestId: request.id,
    });
  });
}

// — Bulk actions —

export const BULK_ACTIONS = {
  moi: 'M’attribuer les demandes',
  en_cours: 'Passer « En cours »',
  classee: 'Classer les demandes',
} as const;
export type BulkAction = keyof typeof BULK_ACTIONS;

export interface BulkInput {
  ids: string[];
  action: string;
}

export function bulkValues(body: Body): BulkInput {
  return { ids: list(body.demandes), action: stringValue(body.action) };
}

/** Most requests changed by one bulk action. */
export const BULK_MAX = 100;

/**
 * Applies one action to several requests of the inbox. Requests for which the action changes
 * nothing (already mine, already closed…) are skipped; one the actor may not see is a 404 for
 * the whole batch.
 */
export async function bulkUpdate(
  ctx: AppContext,
  commune: Commune,
  actor: Actor,
  input: BulkInput,
  request: FastifyRequest,
): Promise<{ changed: number; skipped: number }> {
  const fields: Record<string, string> = {};
  const ids = [...new Set(input.ids.map((id) => id.trim().toLowerCase()))];
  const action = (Object.keys(BULK_ACTIONS) as BulkAction[]).find((a) => a === input.action);
  if (ids.length === 0) fields.demandes = 'Cochez au moins une demande.';
  else if (ids.length > BULK_MAX) fields.demandes = `Cochez au plus ${BULK_MAX} demandes à la fois.`;
  if (!action) fields.action = 'Choisissez l’action à appliquer aux demandes cochées.';
  if (Object.keys(fields).length > 0 || !action) throw invalid(fields);
  if (!ids.every((id) => isUuid(id))) throw requestNotFound();
  return withTenant(ctx.database, commune.id, async (tx) => {
    const scope = visibleServiceScope(actor);
    const { rows } = await tx.client.query<{ number: string }>(
      `SELECT number FROM citizen_request
        WHERE commune_id = $1 AND id = ANY($2::uuid[]) ${scope === 'all' ? '' : 'AND service_id = ANY($3::uuid[])'}
        ORDER BY number`,
      scope === 'all' ? [commune.id, ids] : [commune.id, ids, scope],
    );
    if (rows.length !== ids.length) throw requestNotFound();
    let changed = 0;
    for (const { number } of rows) {
      const { row } = await lockRequest(tx, commune, actor, number);
      if (action === 'moi') {
        if (row.assigneeId === actor.accountId) continue;
        await assign(tx, { request: row, assigneeId: actor.accountId, actor: agent(actor), httpRequestId: request.id });
      } else {
        if (row.status === action || CLOSED_STATUSES.has(row.status)) continue;
        // Only where the démarche's workflow allows it (an outcome it does not use is skipped).
        const workflow = await workflowOfRequest(tx, row);
        if (!canMove(workflow, { status: row.status, step: row.step }, { status: action, step: null })) continue;
        await changeStatus(tx, deps(ctx), {
          commune,
          request: row,
          status: action,
          actor: agent(actor),
          httpRequestId: request.id,
        });
      }
      changed++;
    }
    return { changed, skipped: rows.length - changed };
  });
}

// — Counter filing —

export interface CounterInput {
  procedure: string;
  subject: string;
  text: string;
  name: string;
  email: string;
  service: string;
}

export function counterValues(body: Body): CounterInput {
  return {
    procedure: stringValue(body.demarche),
    subject: stringValue(body.objet),
    text: stringValue(body.texte),
    name: stringValue(body.nom),
    email: stringValue(body.courriel),
    service: stringValue(body.service),
  };
}

const emailSchema = z
  .string()
  .trim()
  .min(1, 'Saisissez l’adresse électronique de l’usager.')
  .max(254, 'L’adresse électronique est trop longue.')
  .pipe(mailAddressSchema());

/**
 * Files a request for a citizen who came in person (channel "guichet", filed by the agent):
 * a démarche (routed by its rules), or a free-text request for the service the agent chooses
 * (or, left to "orientation automatique", routed by the commune's classifier). Submission is
 * the citizen side's (number, receipt PDF and mail, history, audit). When the e-mail address is
 * that of a verified account, the request appears in that person's "Mes demandes".
 */
export async function fileAtCounter(
  ctx: AppContext,
  commune: Commune,
  actor: Actor,
  input: CounterInput,
  request: FastifyRequest,
): Promise<{ number: string; visible: boolean }> {
  const fields: Record<string, string> = {};
  const name = input.name.trim().replace(/\s+/g, ' ');
  const text = cleanText(input.text);
  let subject = input.subject.trim().replace(/\s+/g, ' ');
  const email = emailSchema.safeParse(input.email);
  if (!name) fields.nom = 'Saisissez le prénom et le nom de l’usager.';
  else if (name.length > 200) fields.nom = 'Le nom ne doit pas dépasser 200 caractères.';
  if (!email.success) fields.courriel = email.error.issues[0]?.message ?? 'Adresse invalide.';
  if (subject.length > 200) fields.objet = 'L’objet ne doit pas dépasser 200 caractères.';
  checkText(fields, 'texte', text, { label: 'La demande', required: 'Décrivez la demande de l’usager.' });

  return withTenant(ctx.database, commune.id, async (tx) => {
    const procedureId = input.procedure.trim().toLowerCase();
    const serviceId = input.service.trim().toLowerCase();
    const procedure =
      procedureId && isUuid(procedureId) ? await findProcedureById(tx, commune.id, procedureId) : undefined;
    const services = await listServices(tx, commune.id);
    const chosen = serviceId ? services.find((s) => s.id === serviceId) : undefined;
    if (procedureId && !procedure?.isPublished) fields.demarche = 'Choisissez une démarche de la liste.';
    if (!procedure) {
      if (serviceId && !chosen) fields.service = 'Choisissez un service de la liste.';
      if (!subject) fields.objet = 'Saisissez l’objet de la demande.';
    } else if (!subject) {
      subject = procedure.title;
    }
    if (Object.keys(fields).length > 0 || !email.success) throw invalid(fields);

    const accountId = await activeAccountIdByEmail(tx, email.data);
    // The agent's choice of service is a human routing decision ('agent').
    const routing =
      !procedure && chosen
        ? ({ serviceId: chosen.id, routedBy: 'agent', confidence: null, explanation: null } as unknown as RoutingChoice)
        : undefined;
    const { request: created } = await submitRequest(tx, deps(ctx), {
      commune,
      procedure: procedure ?? null,
      formVersion: procedure?.currentVersion ?? null,
      subject,
      answers: { message: text },
      summary: [
        { label: 'Objet', value: subject },
        { label: 'Demande', value: text },
      ],
      requester: { accountId, name, email: email.data.toLowerCase() },
      channel: 'guichet',
      filedBy: actor.accountId,
      ...(routing ? { routing } : {}),
      ...(procedure ? {} : { freeText: `${subject}\n${text}` }),
      actor: agent(actor),
      httpRequestId: request.id,
    });
    return { number: created.number, visible: canSeeService(actor, created.serviceId) };
  });
}
