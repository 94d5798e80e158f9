/**
 * Moving a folder along its circuit, inside a use case's transaction: loading a folder as the
 * policy sees it, starting a step (functions resolved to people at that moment), and closing a
 * step when its rule (ET / OU) is met. Private to the module.
 */
import type { Actor } from '../../platform/authz/actor.js';
import type { Tx } from '../../platform/db/tenant.js';
import { AppError } from '../../platform/errors.js';
import { isUuid } from '../../platform/ids.js';
import { parisDateOf } from '../../platform/time/calendar.js';
import { delegationApplies, FUNCTION_LABELS, type FunctionKey, isStepComplete, type StepActor } from './circuits.js';
import { type FolderView, liveDecisions } from './policy.js';
import {
  findFolder,
  listActions,
  listDelegations,
  listFunctionHolders,
  listSteps,
  updateFolder,
  updateStep,
} from './repo.js';
import type { Folder, FunctionHolder, Step } from './schema.js';

export const FOLDER_NOT_FOUND = () =>
  new AppError('signature.folder_not_found', 'folder not found', 404, {
    userMessage: 'Ce dossier n’existe pas, ou vous n’y avez pas accès.',
  });

/** The folder as the policy sees it for `actor` today; undefined when it does not exist here. */
export async function loadFolderView(
  tx: Tx,
  communeId: string,
  folderId: string,
  actor: Actor | null,
  options: { lock?: boolean; now?: Date } = {},
): Promise<FolderView | undefined> {
  if (!isUuid(folderId)) return undefined;
  const folder = await findFolder(tx, communeId, folderId, options.lock);
  if (!folder) return undefined;
  const [steps, actions] = await Promise.all([
    listSteps(tx, communeId, folderId),
    listActions(tx, communeId, folderId),
  ]);
  const delegatorIds = actor ? await delegatorsOf(tx, communeId, actor.accountId, folder, options.now) : [];
  return { folder, steps, actions, delegatorIds };
}

/** Accounts whose delegation to `accountId` applies today to `folder`'s document type. */
export async function delegatorsOf(
  tx: Tx,
  communeId: string,
  accountId: string,
  folder: Pick<Folder, 'documentType'>,
  now = new Date(),
): Promise<string[]> {
  const today = parisDateOf(now);
  return (await listDelegations(tx, communeId))
    .filter((d) => d.delegateId === accountId && delegationApplies(d, today, folder.documentType))
    .map((d) => d.delegatorId);
}

/** The people who hold the step's actors now (a function without holder resolves to nobody). */
export function resolveActors(
  actors: readonly StepActor[],
  holders: readonly FunctionHolder[],
  serviceId: string | null,
): { assignees: string[]; missing: FunctionKey[] } {
  const assignees: string[] = [];
  const missing: FunctionKey[] = [];
  for (const a of actors) {
    if ('accountId' in a) {
      if (!assignees.includes(a.accountId)) assignees.push(a.accountId);
      continue;
    }
    const holder = holders.find(
      (h) => h.functionKey === a.function && (a.function !== 'chef_service' || h.serviceId === serviceId),
    );
    if (!holder) missing.push(a.function);
    else if (!assignees.includes(holder.accountId)) assignees.push(holder.accountId);
  }
  return { assignees, missing };
}

/** Refuses a circuit some of whose functions nobody holds (said before the folder is created). */
export function assertResolvable(
  steps: ReadonlyArray<{ actors: readonly StepActor[] }>,
  holders: readonly FunctionHolder[],
  serviceId: string | null,
): void {
  const missing = new Set(steps.flatMap((s) => resolveActors(s.actors, holders, serviceId).missing));
  if (missing.size === 0) return;
  const names = [...missing].map((f) => `« ${FUNCTION_LABELS[f]} »`).join(', ');
  const service = missing.has('chef_service') ? ' (pour le service choisi)' : '';
  const message = `Personne n’exerce ${missing.size > 1 ? 'les fonctions' : 'la fonction'} ${names}${service} dans le parapheur : un administrateur doit ${missing.size > 1 ? 'les' : 'la'} attribuer (Administration, « Parapheur : fonctions »).`;
  throw new AppError('signature.function_unassigned', `unassigned: ${[...missing].join(',')}`, 422, {
    userMessage: message,
    fields: { type: message },
  });
}

/** Starts the step at `position`: resolves its actors and makes it the folder's current step. */
export async function startStep(tx: Tx, folder: Folder, steps: readonly Step[], position: number): Promise<Step> {
  const target = steps.find((s) => s.position === position);
  if (!target) throw new Error(`folder ${folder.id} has no step ${position}`);
  const holders = await listFunctionHolders(tx, folder.communeId);
  const { assignees } = resolveActors(target.actors, holders, folder.serviceId);
  const started = { status: 'en_cours' as const, assignees, startedAt: new Date(), completedAt: null };
  await updateStep(tx, folder.communeId, target.id, started);
  await updateFolder(tx, folder.communeId, folder.id, { currentStep: position });
  return { ...target, ...started };
}

/**
 * After a decision on the current step: closes the step when its rule is met and starts the next
 * one. Returns 'completed' when the last step closed (the folder is then terminé).
 */
export async function advanceIfStepDone(
  tx: Tx,
  view: FolderView,
  current: Step,
): Promise<'waiting' | 'next' | 'completed'> {
  const actedFor = liveDecisions(view, current.id).map((a) => a.onBehalfOf ?? a.accountId ?? '');
  if (!isStepComplete(current.mode, current.assignees, actedFor)) return 'waiting';
  await updateStep(tx, view.folder.communeId, current.id, { status: 'fait', completedAt: new Date() });
  const next = view.steps.find((s) => s.position === current.position + 1);
  if (next) {
    await startStep(tx, view.folder, view.steps, next.position);
    return 'next';
  }
  await updateFolder(tx, view.folder.communeId, view.folder.id, {
    status: 'termine',
    currentStep: null,
    closedAt: new Date(),
  });
  return 'completed';
}
