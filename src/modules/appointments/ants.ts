import { createHash } from 'node:crypto';

/**
 * The ANTS pre-application number (pré-demande de passeport ou de carte d’identité): 10 capital
 * letters or digits (domain rules §9; the character set is what the ANTS coordination API is
 * known to accept). People type it with spaces or in lower case: both are normalised.
 */
export const ANTS_NUMBER = /^[A-Z0-9]{10}$/;

/** The number as stored (capitals, no spaces or dashes), or null when it is not one. */
export function normaliseAntsNumber(value: string): string | null {
  const compact = value.replace(/[\s-]/g, '').toUpperCase();
  return ANTS_NUMBER.test(compact) ? compact : null;
}

/**
 * A meeting point's stable id for the ANTS (declared appointments and the national search): the
 * commune and the place's name — desks come and go, the place stays.
 */
export function meetingPointId(communeId: string, place: string): string {
  return createHash('sha256').update(`${communeId}\n${place}`).digest('hex').slice(0, 20);
}
