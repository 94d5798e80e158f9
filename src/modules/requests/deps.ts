/**
 * What every use case of requests shares: its dependencies besides the transaction, who acts,
 * the limits of a request, and the démarche and workflow a request follows.
 */
import type { AppContext } from '../../platform/context.js';
import type { Tx } from '../../platform/db/tenant.js';
import { AppError } from '../../platform/errors.js';
import type { EventBus } from '../../platform/events/index.js';
import type { JobQueue } from '../../platform/jobs/queue.js';
import { isMailAddress } from '../../platform/mail/address.js';
import type { SmsProvider } from '../../platform/sms/provider.js';
import { findProcedureById, type Procedure, storedWorkflow, type Workflow } from '../procedures/index.js';
import type { CitizenRequest } from './schema.js';

/** What the use cases need besides the transaction. */
export interface RequestDeps {
  queue: JobQueue;
  /** The domain events (webhooks and other modules subscribe to `request.*`). */
  events: EventBus;
  /** The instance's public URL, for links in mails. */
  publicUrl: string;
  /** The instance's SMS provider; absent or `none`: no SMS. */
  smsProvider?: SmsProvider;
  /** The instance's secret, for links it signs (the satisfaction survey's); absent: a per-process one. */
  secret?: string | undefined;
}

/** The dependencies of the use cases, from the application context. */
export function requestDeps(ctx: Pick<AppContext, 'queue' | 'events' | 'config' | 'smsProvider'>): RequestDeps {
  return {
    queue: ctx.queue,
    events: ctx.events,
    publicUrl: ctx.config.publicUrl,
    smsProvider: ctx.smsProvider,
    secret: ctx.config.secret,
  };
}

/** Who acts, for history and audit. */
export interface RequestActor {
  type: 'citizen' | 'agent' | 'system' | 'api';
  accountId: string | null;
}

export interface SummaryRow {
  label: string;
  value: string;
}

/** Processing days of requests without a démarche (free-text contact). */
/** Counter kind of citizen requests (platform/db/counters.ts). */
export const REQUEST_COUNTER = 'demande';
export const DEFAULT_PROCESSING_DAYS = 15;
/** Validity of the "mode simple" link that marks a request as processed. */
export const PROCESS_LINK_DAYS = 60;
/** Longest message (citizen or agent) in the history. */
export const MAX_MESSAGE_LENGTH = 5000;
/** Most files attached to one request (citizen's and agents' together). */
export const MAX_FILES_PER_REQUEST = 20;

export function communeOf(tx: Tx): string {
  if (!tx.communeId) throw new Error('requests use cases need a tenant transaction');
  return tx.communeId;
}

/** Requesters may stay anonymous (a street report without contact details): no mail then. */
/** An address the mail layer sends to (an old request may hold one it would refuse). */
export function isMailable(email: string): boolean {
  return isMailAddress(email);
}

export function auditActorType(actor: RequestActor): 'citizen' | 'agent' | 'system' | 'api' {
  return actor.type;
}

export function checkMessage(body: string, field = 'message'): string {
  const text = body.replace(/\r\n/g, '\n').trim();
  if (!text) {
    throw new AppError('request.message_empty', 'empty message', 422, {
      fields: { [field]: 'Saisissez votre message.' },
    });
  }
  if (text.length > MAX_MESSAGE_LENGTH) {
    throw new AppError('request.message_too_long', 'message too long', 422, {
      fields: { [field]: `Votre message doit faire au plus ${MAX_MESSAGE_LENGTH} caractères.` },
    });
  }
  return text;
}

/** A request's démarche (null for a free-text request), looked up unless the caller has it. */
export async function procedureOfRequest(tx: Tx, request: CitizenRequest): Promise<Procedure | null> {
  return request.procedureId ? ((await findProcedureById(tx, request.communeId, request.procedureId)) ?? null) : null;
}

/** The status workflow of a request's démarche (the default one for a free-text request). */
export async function workflowOfRequest(tx: Tx, request: CitizenRequest): Promise<Workflow> {
  return storedWorkflow((await procedureOfRequest(tx, request))?.workflow);
}
