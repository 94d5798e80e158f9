/**
 * Delegations: a person lets another staff member act for them (visa and signature) from one
 * day to another, for every document type or some; set by the person themselves or by an
 * administrator; revoked at any time.
 */
import { z } from 'zod';
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { AppError } from '../../../platform/errors.js';
import { listStaffContacts } from '../../identity/index.js';
import { DOCUMENT_TYPES } from '../circuits.js';
import { canManageDelegationOf } from '../policy.js';
import { findDelegation, insertDelegation, revokeDelegation } from '../repo.js';
import type { Delegation } from '../schema.js';
import { auditSignature, type Caller, parseInput } from './common.js';

const day = (message: string) => z.string({ error: message }).regex(/^\d{4}-\d{2}-\d{2}$/, message);

export const delegationSchema = z
  .object({
    delegant: z.string({ error: 'Choisissez la personne absente.' }).uuid('Choisissez la personne absente.'),
    delegataire: z.string({ error: 'Choisissez qui agira à sa place.' }).uuid('Choisissez qui agira à sa place.'),
    debut: day('Saisissez une date de début réelle, par exemple 1 2 2027.'),
    fin: day('Saisissez une date de fin réelle, par exemple 15 2 2027.'),
    types: z.array(z.enum(DOCUMENT_TYPES, { error: 'Choisissez des types de la liste.' })).max(DOCUMENT_TYPES.length),
  })
  .superRefine((v, ctx) => {
    if (v.delegant === v.delegataire) {
      ctx.addIssue({ code: 'custom', path: ['delegataire'], message: 'Choisissez une autre personne que l’absent.' });
    }
    if (v.fin < v.debut) {
      ctx.addIssue({ code: 'custom', path: ['fin'], message: 'La date de fin doit être après la date de début.' });
    }
  });

export async function createDelegation(ctx: AppContext, caller: Caller, input: unknown): Promise<Delegation> {
  const values = parseInput(delegationSchema, input);
  if (!canManageDelegationOf(caller.actor, values.delegant)) {
    throw new AppError('input.invalid', 'not own delegation', 422, {
      fields: { delegant: 'Vous ne pouvez déléguer que vos propres visas et signatures.' },
    });
  }
  const { communeId } = caller;
  return withTenant(ctx.database, communeId, async (tx) => {
    const staff = await listStaffContacts(tx, communeId);
    for (const [field, id] of [
      ['delegant', values.delegant],
      ['delegataire', values.delegataire],
    ] as const) {
      if (!staff.some((s) => s.accountId === id)) {
        throw new AppError('input.invalid', 'unknown staff', 422, {
          fields: { [field]: 'Choisissez une personne de la commune dans la liste.' },
        });
      }
    }
    const delegation = await insertDelegation(tx, {
      communeId,
      delegatorId: values.delegant,
      delegateId: values.delegataire,
      startsOn: values.debut,
      endsOn: values.fin,
      documentTypes: values.types,
      createdBy: caller.actor.accountId,
    });
    await auditSignature(
      tx,
      caller,
      'signature.delegation_created',
      { type: 'signature_delegation', id: delegation.id },
      {
        delegator: values.delegant,
        delegate: values.delegataire,
        from: values.debut,
        to: values.fin,
        types: values.types,
      },
    );
    return delegation;
  });
}

export async function cancelDelegation(ctx: AppContext, caller: Caller, delegationId: string): Promise<void> {
  const { communeId } = caller;
  await withTenant(ctx.database, communeId, async (tx) => {
    const found = z.string().uuid().safeParse(delegationId).success
      ? await findDelegation(tx, communeId, delegationId)
      : undefined;
    if (!found || found.revokedAt || !canManageDelegationOf(caller.actor, found.delegatorId)) {
      throw new AppError('signature.delegation_not_found', 'delegation not found', 404);
    }
    await revokeDelegation(tx, communeId, found.id);
    await auditSignature(tx, caller, 'signature.delegation_revoked', { type: 'signature_delegation', id: found.id });
  });
}
