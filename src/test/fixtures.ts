/** Small inputs shared by integration tests: files recognised by their content, form helpers. */
import { AppError } from '../platform/http/errors.js';

/** A minimal PDF (recognised as application/pdf by its magic bytes). */
export const SAMPLE_PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n',
);

/** A ZIP archive holding one text file: refused whatever its name. */
export const SAMPLE_ZIP = Buffer.from(
  'UEsDBBQAAAAAAGOMfF3I8LalBwAAAAcAAAAFAAAAYS50eHRib25qb3VyUEsBAhQDFAAAAAAAY4x8XcjwtqUHAAAABwAAAAUAAAAAAAAAAAAAAIABAAAAAGEudHh0UEsFBgAAAAABAAEAMwAAACoAAAAAAA==',
  'base64',
);

/** The form fields of a date typed in three boxes (`${name}-day|month|year`), none for null. */
export function dateFields(name: string, iso: string | null): Record<string, string> {
  if (iso === null) return {};
  const [year, month, day] = iso.split('-');
  return { [`${name}-day`]: String(Number(day)), [`${name}-month`]: String(Number(month)), [`${name}-year`]: year! };
}

/** The parsed value, or the French field errors of a rejected form. */
export function formOutcome<T>(parse: () => T): { ok: T } | { errors: Record<string, string> } {
  try {
    return { ok: parse() };
  } catch (error) {
    if (error instanceof AppError && error.fields) return { errors: error.fields };
    throw error;
  }
}
