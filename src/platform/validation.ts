/**
 * From a zod failure to what a person reads: the first French message of each field (the path's
 * first segment names the form field), and a 422 that forms show at their fields.
 */
import type { z } from 'zod';
import { AppError } from './errors.js';

/** Field errors of a zod failure, first message per field (`formulaire` for the whole form). */
export function fieldErrorsOf(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) fields[String(issue.path[0] ?? 'formulaire')] ??= issue.message;
  return fields;
}

/**
 * Parses a use case's input; a failure is a 422 `code` with the first French message of each
 * field (and the first of them as the page's message).
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, code = 'input.invalid'): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const fields = fieldErrorsOf(parsed.error);
  throw new AppError(code, `invalid input (${Object.keys(fields).join(', ')})`, 422, {
    userMessage: Object.values(fields)[0] ?? 'Le formulaire contient une erreur.',
    fields,
  });
}
