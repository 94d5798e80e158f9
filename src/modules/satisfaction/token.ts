/**
 * The survey link's token (decision 0056): the request it is for, the démarche and service it is
 * about and the moment it was offered, signed with the instance's secret (platform/tokens.ts), so
 * that no account is needed and nobody can forge a link for another request. The uniqueness key
 * stored with an answer is another signature of the request, hashed: one answer per request, and no
 * way back to the request without the instance's secret.
 */
import { hashToken, signLinkValue, verifyLinkValue } from '../../platform/tokens.js';

/** When the survey was offered: right after sending a démarche, or in the mail closing the request. */
export type SurveyMoment = 'demarche' | 'cloture';

/** What a survey link is about: ids only, none of the request's personal data. */
export interface SurveySubject {
  requestId: string;
  procedureId: string | null;
  serviceId: string | null;
}

export interface SurveyLink extends SurveySubject {
  moment: SurveyMoment;
}

const LINK_PURPOSE = 'avis-usager';
const KEY_PURPOSE = 'avis-usager-unicite';
const NONE = '-';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

type Config = { secret?: string | undefined };

/** A UUID in 22 base64url characters (links stay short in mails). */
function packUuid(id: string | null): string {
  if (id === null) return NONE;
  if (!UUID.test(id)) throw new Error('survey link: not a canonical UUID');
  return Buffer.from(id.replace(/-/g, ''), 'hex').toString('base64url');
}

/** The UUID of `packed`, or undefined when it is not exactly one packed UUID. */
function unpackUuid(packed: string): string | null | undefined {
  if (packed === NONE) return null;
  if (!/^[A-Za-z0-9_-]{22}$/.test(packed)) return undefined;
  const bytes = Buffer.from(packed, 'base64url');
  if (bytes.length !== 16 || bytes.toString('base64url') !== packed) return undefined;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const MOMENT_CODES: Record<SurveyMoment, string> = { demarche: 'd', cloture: 'c' };

/** The token of a survey link for `subject` in the commune. */
export function surveyToken(config: Config, communeId: string, link: SurveyLink): string {
  const payload = [
    packUuid(link.requestId),
    packUuid(link.procedureId),
    packUuid(link.serviceId),
    MOMENT_CODES[link.moment],
  ].join('.');
  return `${payload}.${signLinkValue(config, LINK_PURPOSE, `${communeId}:${payload}`)}`;
}

/** What a token vouches for in the commune, or null (malformed, forged, or another commune's). */
export function readSurveyToken(config: Config, communeId: string, token: string): SurveyLink | null {
  if (token.length > 200) return null;
  const parts = token.split('.');
  if (parts.length !== 5) return null;
  const [request, procedure, service, moment, signature] = parts as [string, string, string, string, string];
  const payload = [request, procedure, service, moment].join('.');
  if (!verifyLinkValue(config, LINK_PURPOSE, `${communeId}:${payload}`, signature)) return null;
  const requestId = unpackUuid(request);
  const procedureId = unpackUuid(procedure);
  const serviceId = unpackUuid(service);
  const found = (Object.keys(MOMENT_CODES) as SurveyMoment[]).find((m) => MOMENT_CODES[m] === moment);
  if (!requestId || procedureId === undefined || serviceId === undefined || !found) return null;
  return { requestId, procedureId, serviceId, moment: found };
}

/** The uniqueness key stored with the answer to a request's survey (SHA-256 hex of a keyed signature). */
export function answerKeyHash(config: Config, communeId: string, requestId: string): string {
  return hashToken(signLinkValue(config, KEY_PURPOSE, `${communeId}:${requestId}`));
}
