/**
 * What the use cases of requests share: who calls them, how a form or API body is parsed (zod,
 * every field's first French message at once, next to the use case's own checks), and how a
 * request is looked up for an agent (404 when the policy says no, as for another commune's).
 */
import { z } from 'zod';
import type { Actor } from '../../../platform/authz/actor.js';
import type { Tx } from '../../../platform/db/tenant.js';
import { AppError } from '../../../platform/errors.js';
import type { Commune } from '../../../platform/tenancy/communes.js';
import { findRequestForActor } from '../backoffice/queries.js';
import { MAX_MESSAGE_LENGTH, type RequestActor } from '../deps.js';
import { canSeeRequest } from '../policy.js';
import { findRequestById } from '../repo.js';
import type { CitizenRequest } from '../schema.js';

/** Who calls a use case: a signed-in person in a commune, and the HTTP request (for the journal). */
export interface Caller {
  commune: Commune;
  actor: Actor;
  httpRequestId: string | null;
}

/** The caller of a route handler. */
export function callerOf(request: { commune?: Commune | null; actor?: Actor | null; id: string }): Caller {
  return { commune: request.commune!, actor: request.actor!, httpRequestId: request.id };
}

/** The agent, as the history and the journal name them. */
export function agentOf(actor: Actor): RequestActor {
  return { type: 'agent', accountId: actor.accountId };
}

export type FieldErrors = Record<string, string>;

/** A form's field errors (422): the page shows them next to each field. */
export function invalid(fields: FieldErrors): AppError {
  return new AppError('input.invalid', 'invalid form', 422, { fields });
}

/** The error of a request the actor may not see — or that does not exist: never say which. */
export function requestNotFound(): AppError {
  return new AppError('request.not_found', 'request not found or not visible', 404);
}

type Parsed<S extends Record<string, z.ZodType>> = { [K in keyof S]: z.infer<S[K]> | undefined };

/**
 * Parses each field of a body with its schema: the values that pass, and the first French message
 * of each field that does not — so that the use case adds its own checks (which depend on the
 * request) and the page shows every problem at once.
 */
export function parseFields<S extends Record<string, z.ZodType>>(
  shape: S,
  body: unknown,
): { values: Parsed<S>; errors: FieldErrors } {
  const record = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const values = {} as Parsed<S>;
  const errors: FieldErrors = {};
  for (const key of Object.keys(shape) as Array<keyof S & string>) {
    const parsed = shape[key]!.safeParse(record[key]);
    if (parsed.success) values[key] = parsed.data as z.infer<S[typeof key]>;
    else errors[key] = parsed.error.issues[0]?.message ?? 'Ce champ contient une erreur.';
  }
  return { values, errors };
}

/** A single string of a form ('' when absent, repeated or a file). */
export const formValue = z.preprocess((v) => (typeof v === 'string' ? v : ''), z.string());

/** A single string of a form, the first one when repeated ('' otherwise). */
export const firstFormValue = z.preprocess(
  (v) => (Array.isArray(v) ? (typeof v[0] === 'string' ? v[0] : '') : typeof v === 'string' ? v : ''),
  z.string(),
);

/** A checkbox or a list of them: the string values sent. */
export const formList = z.preprocess(
  (v) => (Array.isArray(v) ? v.filter((x) => typeof x === 'string') : typeof v === 'string' && v !== '' ? [v] : []),
  z.array(z.string()),
);

// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/**
 * A text typed by an agent (message, note, reason): line breaks normalised, trimmed, at most
 * MAX_MESSAGE_LENGTH characters, no control characters; `required` is the message when empty.
 */
export function agentText(label: string, required?: string) {
  return formValue
    .transform((v) => v.replace(/\r\n?/g, '\n').trim())
    .superRefine((value, ctx) => {
      if (!value) {
        if (required) ctx.addIssue({ code: 'custom', message: required });
      } else if (value.length > MAX_MESSAGE_LENGTH) {
        ctx.addIssue({ code: 'custom', message: `${label} ne doit pas dépasser ${MAX_MESSAGE_LENGTH} caractères.` });
      } else if (CONTROL_CHARACTERS.test(value)) {
        ctx.addIssue({ code: 'custom', message: `${label} contient des caractères non autorisés.` });
      }
    });
}

/**
 * The request if the actor may see it — by number, in the commune, in the actor's services —
 * locked for the use case; a 404 otherwise.
 */
export async function lockRequestForAgent(
  tx: Tx,
  caller: Caller,
  number: string,
): Promise<{ row: CitizenRequest; serviceName: string }> {
  const { commune, actor } = caller;
  const found = await findRequestForActor(tx, commune.id, actor, number, { forUpdate: true });
  const row = found ? await findRequestById(tx, commune.id, found.id) : undefined;
  if (!found || !row || !canSeeRequest(actor, row)) throw requestNotFound();
  return { row, serviceName: found.serviceName };
}
