/** What the council's use cases share: the caller, input checks and French 422s. */
import type { z } from 'zod';
import type { Actor } from '../../../platform/authz/actor.js';
import { AppError } from '../../../platform/errors.js';
import type { JobQueue } from '../../../platform/jobs/queue.js';
import type { Commune } from '../../../platform/tenancy/communes.js';

export interface CouncilCaller {
  commune: Commune;
  actor: Actor | null;
  httpRequestId?: string;
}

export interface CouncilDeps {
  queue: JobQueue;
  publicUrl: string;
  now?: () => Date;
}

/** Parses input or throws a 422 with a French message per field. */
export function parseOrRefuse<S extends z.ZodType>(schema: S, input: unknown, code: string): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const fields: Record<string, string> = {};
  for (const issue of parsed.error.issues) fields[String(issue.path[0] ?? 'form')] ??= issue.message;
  throw new AppError(code, 'invalid input', 422, { fields });
}

export function refuse(code: string, field: string, message: string): AppError {
  return new AppError(code, message, 422, { userMessage: message, fields: { [field]: message } });
}
