/**
 * What a recipient's link records: the opening image, the click, the « submission » of the fake
 * page — only the fact, stored as an event row that has no column for a value (the fake page's
 * inputs have no name, and the body of its POST is never read). Unknown secrets: 404.
 */
import type { Database } from '../../../platform/db/client.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { AppError } from '../../../platform/errors.js';
import { hashToken } from '../../../platform/tokens.js';
import { type EventKind, findRecipientByTokenHash, type RecipientRow, recordEvent } from '../repo.js';

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export function linkNotFound(): AppError {
  return new AppError('awareness.link_not_found', 'unknown awareness link', 404, {
    userMessage: 'Cette page n’existe pas ou plus.',
  });
}

/** The recipient of a link secret, after recording `kinds` (first occurrences only). */
export async function trackLink(
  database: Database,
  communeId: string,
  token: string,
  kinds: readonly EventKind[],
): Promise<RecipientRow> {
  if (!TOKEN.test(token)) throw linkNotFound();
  return withTenant(database, communeId, async (tx) => {
    const recipient = await findRecipientByTokenHash(tx, communeId, hashToken(token));
    if (!recipient) throw linkNotFound();
    for (const kind of kinds) await recordEvent(tx, communeId, recipient.id, kind);
    return recipient;
  });
}
