/**
 * The administrator's settings of the parapheur: who holds each function (maire, adjoint aux
 * finances, DGS, chef de chaque service), the purchase-order threshold and the reminder delay.
 */
import { z } from 'zod';
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { AppError } from '../../../platform/errors.js';
import { parseEuros } from '../../../platform/money.js';
import { listServices } from '../../../platform/tenancy/communes.js';
import { listStaffContacts } from '../../identity/index.js';
import { DEFAULT_PURCHASE_ORDER_THRESHOLD_CENTS, type FUNCTION_KEYS } from '../circuits.js';
import { canAdministerParapheur } from '../policy.js';
import { listFunctionHolders, replaceFunctionHolder, saveReminderDays, saveThreshold } from '../repo.js';
import { auditSignature, type Caller, parseInput } from './common.js';

/** A choice of the list: a person's id, or '' for « Personne » (a missing field is a malformed form). */
const person = z
  .string({ error: 'Choisissez une personne, ou « Personne ».' })
  .transform((v) => (v ? v : null))
  .pipe(z.string().uuid('Choisissez une personne de la liste.').nullable());

export const functionsSchema = z.object({
  maire: person,
  adjoint_finances: person,
  dgs: person,
  /** chef_service per service id. */
  chefs: z.record(z.string().uuid(), person).default({}),
});

function assertAdmin(caller: Caller) {
  if (!canAdministerParapheur(caller.actor)) throw new AppError('not_found', 'not an administrator', 404);
}

/** Saves who holds each function; an empty choice leaves the function without holder. */
export async function assignFunctions(ctx: AppContext, caller: Caller, input: unknown): Promise<void> {
  assertAdmin(caller);
  const values = parseInput(functionsSchema, input);
  const { communeId } = caller;
  await withTenant(ctx.database, communeId, async (tx) => {
    const staff = new Set((await listStaffContacts(tx, communeId)).map((s) => s.accountId));
    const services = new Set((await listServices(tx, communeId)).map((s) => s.id));
    const wanted: Array<{
      key: (typeof FUNCTION_KEYS)[number];
      serviceId: string | null;
      accountId: string | null;
      field: string;
    }> = [
      { key: 'maire', serviceId: null, accountId: values.maire, field: 'maire' },
      { key: 'adjoint_finances', serviceId: null, accountId: values.adjoint_finances, field: 'adjoint_finances' },
      { key: 'dgs', serviceId: null, accountId: values.dgs, field: 'dgs' },
      ...Object.entries(values.chefs)
        .filter(([serviceId]) => services.has(serviceId))
        .map(([serviceId, accountId]) => ({
          key: 'chef_service' as const,
          serviceId,
          accountId,
          field: `chef-${serviceId}`,
        })),
    ];
    const errors: Record<string, string> = {};
    for (const w of wanted)
      if (w.accountId && !staff.has(w.accountId)) errors[w.field] = 'Choisissez une personne de la liste.';
    if (Object.keys(errors).length) throw new AppError('input.invalid', 'unknown staff', 422, { fields: errors });
    const before = await listFunctionHolders(tx, communeId);
    const changed = wanted.filter(
      (w) =>
        (before.find((h) => h.functionKey === w.key && h.serviceId === w.serviceId)?.accountId ?? null) !== w.accountId,
    );
    for (const w of changed) await replaceFunctionHolder(tx, communeId, w.key, w.serviceId, w.accountId);
    if (changed.length) {
      await auditSignature(
        tx,
        caller,
        'signature.functions_assigned',
        { type: 'commune', id: communeId },
        {
          changes: changed.map((w) => ({ function: w.key, service: w.serviceId, account: w.accountId })),
        },
      );
    }
  });
}

export const thresholdSchema = z.object({
  seuil: z
    .string({ error: 'Saisissez le seuil en euros.' })
    .trim()
    .min(1, 'Saisissez le seuil en euros.')
    .transform((v, ctx) => {
      const cents = parseEuros(v);
      if (cents === undefined) {
        ctx.addIssue({ code: 'custom', message: 'Saisissez un montant en euros, par exemple 5 000,00.' });
        return z.NEVER;
      }
      return cents;
    }),
});

export async function setPurchaseOrderThreshold(ctx: AppContext, caller: Caller, input: unknown): Promise<number> {
  assertAdmin(caller);
  const { seuil } = parseInput(thresholdSchema, input);
  await withTenant(ctx.database, caller.communeId, async (tx) => {
    await saveThreshold(tx, caller.communeId, seuil, caller.actor.accountId);
    await auditSignature(
      tx,
      caller,
      'signature.threshold_changed',
      { type: 'commune', id: caller.communeId },
      {
        purchaseOrderThresholdCents: seuil,
      },
    );
  });
  return seuil;
}

/** Days before a reminder when the commune has not chosen (decision 0028). */
export const DEFAULT_REMINDER_DAYS = 3;

export const reminderSchema = z.object({
  rappel: z
    .string({ error: 'Saisissez un nombre de jours, de 0 à 60.' })
    .trim()
    .regex(/^\d{1,2}$/, 'Saisissez un nombre de jours, de 0 à 60.')
    .transform(Number)
    .pipe(z.number().int().max(60, 'Saisissez un nombre de jours, de 0 à 60.')),
});

/** How many days a folder waits before its signer gets a reminder (0: never). */
export async function setReminderDelay(ctx: AppContext, caller: Caller, input: unknown): Promise<number> {
  assertAdmin(caller);
  const { rappel } = parseInput(reminderSchema, input);
  await withTenant(ctx.database, caller.communeId, async (tx) => {
    await saveReminderDays(
      tx,
      caller.communeId,
      rappel,
      DEFAULT_PURCHASE_ORDER_THRESHOLD_CENTS,
      caller.actor.accountId,
    );
    await auditSignature(
      tx,
      caller,
      'signature.reminders_changed',
      { type: 'commune', id: caller.communeId },
      {
        reminderAfterDays: rappel,
      },
    );
  });
  return rappel;
}
