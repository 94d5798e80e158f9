/**
 * The ordonnateur signs the month's rôle before it goes to the comptable (issue 11 with the
 * parapheur of issue 10): the PES V2 ORMC file goes through the parapheur's front door
 * (`startCircuit`, document type « bordereau de titres », the commune's circuit for it), which
 * puts one enveloped XAdES signature on its Bordereau. The parapheur tells when it is over by its
 * events: signed, the rôle shows as such and its signed file is read back through the front door
 * (`signedDocument`) — never from the parapheur's tables; refused, the reason is shown and the
 * rôle may be sent again.
 */
import { and, eq, inArray, isNull, lt, or } from 'drizzle-orm';
import { recordAudit } from '../../../platform/audit/journal.js';
import type { AppContext } from '../../../platform/context.js';
import { type Tx, withTenant } from '../../../platform/db/tenant.js';
import { AppError, notFound } from '../../../platform/errors.js';
import type { DomainEvent } from '../../../platform/events/index.js';
import { formatMonth } from '../../../platform/views/format.js';
import { signedDocument, startCircuit } from '../../signature/index.js';
import { canManageBilling } from '../policy.js';
import { findRole } from '../repo.js';
import { familyRole, type RoleRow } from '../schema.js';
import type { FamilyCaller } from './common.js';
import { roleFileName } from './emit-role.js';

/** What the family module gives the parapheur as reference: `role:<id>` (events bring back `family:role:<id>`). */
const REFERENCE = 'role:';
const EVENT_PREFIX = `family:${REFERENCE}`;
/** A claim older than this without a folder is a sending that never finished. */
const STALE_CLAIM_MS = 10 * 60_000;

function refused(message: string, status = 409): AppError {
  return new AppError('family.role_signature_refused', message, status, {
    userMessage: message,
    fields: { signature: message },
  });
}

/** Sends an emitted rôle to the parapheur; refused (409, French) while it is there or once signed. */
export async function sendRoleForSignature(
  ctx: AppContext,
  caller: FamilyCaller,
  input: { mois: string },
): Promise<{ folderNumber: string }> {
  const actor = caller.actor;
  if (!canManageBilling(actor)) throw notFound('family.forbidden', 'not an administrator');
  const month = /^\d{4}-(0[1-9]|1[0-2])$/.test(input.mois) ? input.mois : '';
  if (!month) throw refused('Choisissez un rôle émis.', 422);
  const communeId = caller.commune.id;
  // Claimed first (a double click, two administrators): one folder per rôle.
  const role = await withTenant(ctx.database, communeId, async (tx) => {
    const found = await findRole(tx, communeId, month);
    if (!found) throw refused(`Le rôle de ${formatMonth(month)} n’est pas encore émis.`, 422);
    if (found.signatureStatus === 'signe') throw refused(`Le rôle de ${formatMonth(month)} est déjà signé.`);
    const [claimed] = await tx.db
      .update(familyRole)
      .set({ signatureStatus: 'envoi', signatureFolderId: null, signatureChangedAt: new Date() })
      .where(
        and(
          eq(familyRole.communeId, communeId),
          eq(familyRole.id, found.id),
          or(
            isNull(familyRole.signatureStatus),
            eq(familyRole.signatureStatus, 'refuse'),
            // A claim whose process died before the parapheur answered (no folder): free again.
            and(
              eq(familyRole.signatureStatus, 'envoi'),
              isNull(familyRole.signatureFolderId),
              lt(familyRole.signatureChangedAt, new Date(Date.now() - STALE_CLAIM_MS)),
            ),
          ),
        ),
      )
      .returning({ id: familyRole.id });
    if (!claimed) throw refused(`Le rôle de ${formatMonth(month)} est déjà au parapheur.`);
    return found;
  });
  let folder: { folderId: string; number: string };
  try {
    folder = await startCircuit(ctx, {
      communeId,
      module: 'family',
      reference: `${REFERENCE}${role.id}`,
      requestedBy: actor,
      requestId: caller.httpRequestId ?? null,
      title: `Rôle n° ${role.idBord} de ${role.exer} – ${formatMonth(role.month)} (portail famille)`,
      documentType: 'bordereau_titres',
      amountCents: role.totalCents,
      documents: [
        {
          name: roleFileName(caller.commune.slug, role.exer, role.idBord),
          mimeType: 'application/xml',
          content: Buffer.from(role.xml, 'utf8'),
        },
      ],
    });
  } catch (error) {
    // Nothing started: the rôle may be sent again (the parapheur said why, in French).
    await withTenant(ctx.database, communeId, (tx) =>
      tx.db
        .update(familyRole)
        .set({ signatureStatus: role.signatureStatus ?? null })
        .where(and(eq(familyRole.communeId, communeId), eq(familyRole.id, role.id))),
    );
    throw error;
  }
  await withTenant(ctx.database, communeId, async (tx) => {
    await tx.db
      .update(familyRole)
      .set({ signatureStatus: 'en_signature', signatureFolderId: folder.folderId, signatureReason: null })
      .where(and(eq(familyRole.communeId, communeId), eq(familyRole.id, role.id)));
    await recordAudit(tx, {
      action: 'family.role_sent_for_signature',
      actorType: 'agent',
      actorId: actor!.accountId,
      targetType: 'family_role',
      targetId: role.id,
      data: { month: role.month, idBord: role.idBord, folder: folder.number },
      requestId: caller.httpRequestId ?? null,
    });
  });
  return { folderNumber: folder.number };
}

/** The signed rôle (PES V2 with the ordonnateur's XAdES signature), once the parapheur signed it. */
export async function signedRole(
  ctx: AppContext,
  caller: FamilyCaller,
  month: string,
): Promise<{ role: RoleRow; xml: Buffer }> {
  if (!canManageBilling(caller.actor) || !/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) {
    throw notFound('family.role_not_found', 'no such rôle');
  }
  const communeId = caller.commune.id;
  const role = await withTenant(ctx.database, communeId, (tx) => findRole(tx, communeId, month));
  if (role?.signatureStatus !== 'signe' || !role.signatureFolderId) {
    throw notFound('family.role_not_found', 'no signed rôle');
  }
  return { role, xml: await signedDocument(ctx, communeId, role.signatureFolderId) };
}

type CircuitEvent = DomainEvent<'signature.circuit.completed'> | DomainEvent<'signature.circuit.refused'>;

function roleIdOf(event: CircuitEvent): string | null {
  const reference = event.data.sourceReference ?? '';
  return event.data.source === 'module' && reference.startsWith(EVENT_PREFIX)
    ? reference.slice(EVENT_PREFIX.length)
    : null;
}

/** Settles the rôle still waiting for this folder (none once settled: a replayed event changes nothing). */
async function settle(
  tx: Tx,
  communeId: string,
  roleId: string,
  folderId: string,
  fields: Partial<Pick<RoleRow, 'signatureStatus' | 'signatureReason' | 'signatureFolderId'>>,
  at: Date,
) {
  return tx.db
    .update(familyRole)
    .set({ ...fields, signatureChangedAt: at })
    .where(
      and(
        eq(familyRole.communeId, communeId),
        eq(familyRole.id, roleId),
        eq(familyRole.signatureFolderId, folderId),
        inArray(familyRole.signatureStatus, ['en_signature']),
      ),
    )
    .returning({ id: familyRole.id, month: familyRole.month, idBord: familyRole.idBord });
}

export async function roleSigned(ctx: AppContext, event: DomainEvent<'signature.circuit.completed'>): Promise<void> {
  const roleId = roleIdOf(event);
  if (!roleId) return;
  await withTenant(ctx.database, event.communeId, async (tx) => {
    const [row] = await settle(
      tx,
      event.communeId,
      roleId,
      event.data.folderId,
      { signatureStatus: 'signe' },
      new Date(event.occurredAt),
    );
    if (!row) return;
    await recordAudit(tx, {
      action: 'family.role_signed',
      actorType: 'system',
      actorId: null,
      targetType: 'family_role',
      targetId: row.id,
      data: { month: row.month, idBord: row.idBord, folder: event.data.number },
      requestId: null,
    });
  });
}

export async function roleRefused(ctx: AppContext, event: DomainEvent<'signature.circuit.refused'>): Promise<void> {
  const roleId = roleIdOf(event);
  if (!roleId) return;
  await withTenant(ctx.database, event.communeId, async (tx) => {
    const [row] = await settle(
      tx,
      event.communeId,
      roleId,
      event.data.folderId,
      { signatureStatus: 'refuse', signatureReason: event.data.reason.slice(0, 2000) },
      new Date(event.occurredAt),
    );
    if (!row) return;
    await recordAudit(tx, {
      action: 'family.role_signature_refused',
      actorType: 'system',
      actorId: null,
      targetType: 'family_role',
      targetId: row.id,
      data: { month: row.month, idBord: row.idBord, folder: event.data.number },
      requestId: null,
    });
  });
}
