/**
 * « Signaler un hameçonnage »: the agent pastes the suspicious message (or forwards its text). If
 * it holds the link of a simulation of the commune, the report is the right reflex: thanked at
 * once and counted for that recipient when it is the reporter's own message. Otherwise it is a
 * real suspicious mail and goes to the security officer's queue. Journaled either way (the
 * journal says which, never the content).
 */
import { z } from 'zod';
import { recordAudit } from '../../../platform/audit/journal.js';
import type { Actor } from '../../../platform/authz/actor.js';
import type { Tx } from '../../../platform/db/tenant.js';
import { hashToken } from '../../../platform/tokens.js';
import { parseInput } from '../../../platform/validation.js';
import { findRecipientByTokenHash, insertReport, recordEvent } from '../repo.js';

const schema = z.object({
  content: z
    .string()
    .trim()
    .min(1, 'Collez le message suspect (son objet, son expéditeur et son texte, liens compris).')
    .max(20000, 'Le message tient en 20 000 caractères au plus : gardez l’expéditeur, l’objet et les liens.'),
});

const LINK = /\/lien\/([A-Za-z0-9_-]{43})/g;

export async function reportPhishing(
  tx: Tx,
  communeId: string,
  actor: Actor,
  input: unknown,
  requestId: string,
): Promise<{ simulation: boolean }> {
  const { content } = parseInput(schema, input, 'awareness.report_invalid');
  let simulation = false;
  for (const match of content.matchAll(LINK)) {
    const recipient = await findRecipientByTokenHash(tx, communeId, hashToken(match[1]!));
    if (!recipient) continue;
    simulation = true;
    if (recipient.accountId === actor.accountId) await recordEvent(tx, communeId, recipient.id, 'signale');
  }
  const reportId = simulation ? null : await insertReport(tx, communeId, actor.accountId, content);
  await recordAudit(tx, {
    action: 'awareness.phishing_reported',
    actorType: 'agent',
    actorId: actor.accountId,
    targetType: reportId ? 'awareness_report' : null,
    targetId: reportId,
    data: { simulation },
    requestId,
  });
  return { simulation };
}
