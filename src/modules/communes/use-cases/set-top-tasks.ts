/**
 * The « tâches principales » of the commune's home page (issue 19, item 7): an administrator
 * picks, in order, up to four of the tasks the modules open to the public (published démarches,
 * appointment motifs, the tariff simulator, writing to the mairie). zod parse → one tenant
 * transaction (the candidates are read inside it) → audit.
 */
import { z } from 'zod';
import { recordAudit } from '../../../platform/audit/journal.js';
import type { AppContext } from '../../../platform/context.js';
import type { Tx } from '../../../platform/db/tenant.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { AppError } from '../../../platform/errors.js';
import type { PublicTask } from '../../../platform/module.js';
import type { Commune } from '../../../platform/tenancy/communes.js';
import { fieldErrorsOf } from '../../../platform/validation.js';
import { updateCommuneRow } from '../repo.js';

export const TOP_TASK_SLOTS = ['tache1', 'tache2', 'tache3', 'tache4'] as const;
export type TopTasksInput = Record<(typeof TOP_TASK_SLOTS)[number], string>;

const CHOOSE = 'Choisissez une tâche de la liste, ou « Aucune ».';
const slot = z.string({ error: CHOOSE }).max(200, CHOOSE).trim();
const topTasksSchema = z.object(
  Object.fromEntries(TOP_TASK_SLOTS.map((k) => [k, slot])) as Record<(typeof TOP_TASK_SLOTS)[number], typeof slot>,
);

/** The tasks shown first on the home page: the chosen ones still open, in the chosen order. */
export function chosenTasks(commune: Pick<Commune, 'topTasks'>, open: readonly PublicTask[]): PublicTask[] {
  const byKey = new Map(open.map((t) => [t.key, t]));
  return commune.topTasks.flatMap((key) => byKey.get(key) ?? []);
}

export async function setTopTasks(
  ctx: AppContext,
  commune: Commune,
  input: unknown,
  actor: { accountId: string; httpRequestId?: string },
): Promise<Commune> {
  const parsed = topTasksSchema.safeParse(input);
  if (!parsed.success) {
    throw new AppError('commune.top_tasks_invalid', 'invalid top tasks', 422, { fields: fieldErrorsOf(parsed.error) });
  }
  return withTenant(ctx.database, commune.id, async (tx: Tx) => {
    const open = new Set((await ctx.contributions.publicTasks(tx, commune.id)).map((t) => t.key));
    const fields: Record<string, string> = {};
    const keys: string[] = [];
    for (const [i, name] of TOP_TASK_SLOTS.entries()) {
      const key = parsed.data[name];
      if (key === '') continue;
      if (!open.has(key)) fields[name] = `La tâche ${i + 1} n’est plus proposée au public : choisissez-en une autre.`;
      else if (keys.includes(key))
        fields[name] = `La tâche ${i + 1} est déjà choisie plus haut : choisissez-en une autre.`;
      else keys.push(key);
    }
    if (Object.keys(fields).length > 0) {
      throw new AppError('commune.top_tasks_invalid', 'invalid top tasks', 422, { fields });
    }
    const updated = await updateCommuneRow(tx, commune.id, { topTasks: keys });
    await recordAudit(tx, {
      action: 'commune.top_tasks_changed',
      actorType: 'agent',
      actorId: actor.accountId,
      targetType: 'commune',
      targetId: commune.id,
      data: { tasks: keys },
      requestId: actor.httpRequestId ?? null,
    });
    return updated;
  });
}
