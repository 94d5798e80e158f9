/**
 * What the commune sends about a request: the values of the notification placeholders, the
 * composed text, and how an unconfirmed (anonymous) requester is addressed.
 */
import type { Tx } from '../../platform/db/tenant.js';
import type { Commune } from '../../platform/tenancy/communes.js';
import { formatDate, formatDateTime } from '../../platform/views/format.js';
import { type Procedure, positionLabel, storedWorkflow } from '../procedures/index.js';
import { procedureOfRequest, type RequestDeps } from './deps.js';
import { trackingUrlFor } from './links.js';
import type { PlaceholderValues } from './notifications/catalog.js';
import type { CitizenRequest } from './schema.js';

/** What {{demarche}} says: the démarche's title, or the subject of a free-text request. */
/** The démarche's title, or for a free-text request "Demande de contact" with its subject (null: without). */
export function procedureTitleOf(
  procedure: Pick<Procedure, 'title'> | null | undefined,
  subject: string | null,
): string {
  return procedure?.title ?? (subject === null ? 'Demande de contact' : `Demande de contact : ${subject}`);
}

/**
 * A request filed anonymously on the portal: its address was typed by whoever filled the form
 * and never confirmed. What the commune sends to it (mails, the attached receipt, SMS) carries
 * none of the requester's own words — subject, message, name, answers — so that nobody can make
 * the commune send their text to any address (decision 0014-anonymous-mail-no-free-text).
 */
export function isUnconfirmedRequester(request: {
  accountId: string | null;
  filedBy?: string | null;
  channel?: CitizenRequest['channel'] | undefined;
}): boolean {
  return request.accountId === null && !request.filedBy && (request.channel ?? 'portail') === 'portail';
}

/** How an anonymous requester is named in what the commune sends them ({{nom}}). */
const UNCONFIRMED_REQUESTER_NAME = 'Madame, Monsieur';

/**
 * The placeholders' values of a request's notifications. {{statut}} speaks the démarche's workflow
 * ("intervention réalisée"); {{lien}} is the request's page for a requester with an account, else
 * the commune's contact page (the request is not online for them). Pass the démarche when it is
 * already loaded.
 */
export async function notificationValues(
  tx: Tx,
  deps: RequestDeps,
  commune: Commune,
  request: CitizenRequest,
  known?: { procedure: Procedure | null },
): Promise<PlaceholderValues> {
  const procedure = known ? known.procedure : await procedureOfRequest(tx, request);
  const unconfirmed = isUnconfirmedRequester(request);
  return {
    numero: request.number,
    demarche: procedureTitleOf(procedure, unconfirmed ? null : request.subject),
    statut: positionLabel(storedWorkflow(procedure?.workflow), request, 'citizen').toLowerCase(),
    commune: commune.name,
    nom: unconfirmed ? UNCONFIRMED_REQUESTER_NAME : request.requesterName,
    date_depot: formatDateTime(request.submittedAt),
    date_limite: formatDate(request.dueAt),
    lien: trackingUrlFor(deps, commune, request) ?? `${deps.publicUrl}/c/${commune.slug}/contact`,
  };
}

/** A composed mail text in the shape of the mail templates' `text` variable. */
export function mailText(composed: { subject: string | null; paragraphs: string[] }) {
  return { subject: composed.subject ?? '', paragraphs: composed.paragraphs };
}
