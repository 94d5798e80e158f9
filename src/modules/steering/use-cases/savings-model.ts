/**
 * The savings model of a commune: its assumptions (stored values over the defaults), the year's
 * activity from what modules publish over the last twelve months (online requests, electronic
 * registered letters, electronic council convocations: the modules' indicators; the council's
 * estimate from the assumptions while it has sent no convocation), and the change
 * of assumptions by the leadership (French messages, nothing saved when one value is wrong; each
 * change in the journal).
 */
import { recordAudit } from '../../../platform/audit/journal.js';
import type { Actor } from '../../../platform/authz/actor.js';
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { AppError } from '../../../platform/errors.js';
import type { Commune } from '../../../platform/tenancy/communes.js';
import { addCalendarDays, parisDateOf } from '../../../platform/time/calendar.js';
import { formString } from '../../../platform/views/page-kit.js';
import { canSteer } from '../policy.js';
import { deleteAssumption, listAssumptions, saveAssumption } from '../repo.js';
import {
  type Activity,
  ASSUMPTIONS,
  type AssumptionKey,
  type Assumptions,
  checkAssumption,
  defaultAssumptions,
} from '../savings.js';

export interface SavingsModel {
  assumptions: Assumptions;
  /** Keys the commune changed, with the date. */
  changed: Map<AssumptionKey, Date>;
  activity: Activity;
  /** The twelve months of the activity. */
  period: { from: string; to: string };
}

export async function readSavingsModel(ctx: AppContext, commune: Commune, now = new Date()): Promise<SavingsModel> {
  const to = parisDateOf(now);
  const from = addCalendarDays(to, -364);
  return withTenant(ctx.database, commune.id, async (tx) => {
    const assumptions = defaultAssumptions();
    const changed = new Map<AssumptionKey, Date>();
    for (const stored of await listAssumptions(tx, commune.id)) {
      if (stored.key in assumptions) {
        assumptions[stored.key as AssumptionKey] = stored.value;
        changed.set(stored.key as AssumptionKey, stored.updatedAt);
      }
    }
    const indicators = await ctx.contributions.indicatorsOf(tx, commune.id, { from, to, serviceId: null });
    const convocations = indicators.get('council.convocations') ?? null;
    const activity: Activity = {
      onlineRequests: indicators.get('requests.online') ?? null,
      electronicLetters: indicators.get('courrier.lre_sent') ?? null,
      // A council that sent nothing through Guichet this year: the estimate (sessions × members).
      electronicConvocations: convocations ? (indicators.get('council.electronic') ?? null) : null,
    };
    return { assumptions, changed, activity, period: { from, to } };
  });
}

/** The form field of an assumption (`lre.paper_cost` → `lre_paper_cost`). */
export const fieldName = (key: AssumptionKey) => key.replace('.', '_');

/** Saves the assumptions typed in the form; an AppError with every field's message otherwise. */
export async function changeAssumptions(
  ctx: AppContext,
  commune: Commune,
  actor: Actor,
  body: unknown,
  requestId: string,
): Promise<number> {
  if (!canSteer(actor)) throw new AppError('steering.not_found', 'not the leadership', 404);
  const errors: Record<string, string> = {};
  const typed = new Map<AssumptionKey, number>();
  for (const def of ASSUMPTIONS) {
    const checked = checkAssumption(def, formString(body, fieldName(def.key)));
    if ('error' in checked) errors[fieldName(def.key)] = checked.error;
    else typed.set(def.key, checked.value);
  }
  if (Object.keys(errors).length > 0) {
    throw new AppError('input.invalid', 'invalid assumptions', 422, { fields: errors });
  }
  return withTenant(ctx.database, commune.id, async (tx) => {
    const current = defaultAssumptions();
    for (const s of await listAssumptions(tx, commune.id)) {
      if (s.key in current) current[s.key as AssumptionKey] = s.value;
    }
    const changes: Array<{ key: string; from: number; to: number }> = [];
    for (const def of ASSUMPTIONS) {
      const value = typed.get(def.key)!;
      if (value === current[def.key]) continue;
      changes.push({ key: def.key, from: current[def.key], to: value });
      if (value === def.defaultValue) await deleteAssumption(tx, commune.id, def.key);
      else await saveAssumption(tx, commune.id, def.key, value, actor.accountId);
    }
    if (changes.length > 0) {
      await recordAudit(tx, {
        action: 'steering.assumptions_changed',
        actorType: 'agent',
        actorId: actor.accountId,
        targetType: 'commune',
        targetId: commune.id,
        data: { changes },
        requestId,
      });
    }
    return changes.length;
  });
}
