/**
 * Who may do what on a folder of the parapheur: deny by default. The use cases check these
 * predicates before any change, and the pages use the same ones to decide which buttons to show.
 * A person who may not see a folder gets 404, as for a folder of another commune.
 */
import { type Actor, hasRole } from '../../platform/authz/actor.js';
import type { Action, Folder, Step } from './schema.js';

/** A folder with its steps and history, and the people who delegated to the actor for it today. */
export interface FolderView {
  folder: Folder;
  steps: Step[];
  actions: Action[];
  /** Accounts whose delegation to the actor applies today to this folder's document type. */
  delegatorIds: readonly string[];
}

/** The leadership sees every folder of the commune. */
function isLeadership(actor: Actor): boolean {
  return hasRole(actor, 'mayor', 'dgs', 'admin');
}

/** Who may open the « nouveau dossier » page: agents and the leadership (not élus alone). */
export function canCreateFolder(actor: Actor | null): boolean {
  return hasRole(actor, 'agent', 'mayor', 'dgs', 'admin');
}

/** Who may manage the parapheur's settings, circuits, functions and everyone's delegations. */
export function canAdministerParapheur(actor: Actor | null): boolean {
  return hasRole(actor, 'admin');
}

/** The current step (en cours), if the folder is still in its circuit. */
export function currentStep(view: FolderView): Step | undefined {
  if (view.folder.status !== 'en_cours' || view.folder.currentStep === null) return undefined;
  return view.steps.find((s) => s.position === view.folder.currentStep && s.status === 'en_cours');
}

/** Live (not withdrawn) visas and signatures of a step. */
export function liveDecisions(view: FolderView, stepId: string): Action[] {
  return view.actions.filter(
    (a) => a.stepId === stepId && !a.withdrawnAt && (a.kind === 'visa' || a.kind === 'signature'),
  );
}

/** The assignees of the current step the actor may act for now (themselves first, then delegators). */
export function actingFor(actor: Actor | null, view: FolderView): string[] {
  const current = currentStep(view);
  if (!actor || !current) return [];
  const done = new Set(liveDecisions(view, current.id).map((a) => a.onBehalfOf ?? a.accountId));
  const mine = [actor.accountId, ...view.delegatorIds];
  return mine.filter((id) => current.assignees.includes(id) && !done.has(id));
}

/** Whether the actor may open the folder. */
export function canSeeFolder(actor: Actor | null, view: FolderView): boolean {
  if (!actor) return false;
  if (isLeadership(actor)) return true;
  if (view.folder.createdBy === actor.accountId) return true;
  const people = new Set([actor.accountId, ...view.delegatorIds]);
  if (view.steps.some((s) => s.status !== 'a_venir' && s.assignees.some((a) => people.has(a)))) return true;
  return view.actions.some((a) => a.accountId === actor.accountId);
}

/** Viser (a visa step) or signer (a signature step): the actor is due to act on the current step. */
export function canDecide(actor: Actor | null, view: FolderView, kind: 'visa' | 'signature'): boolean {
  return currentStep(view)?.kind === kind && actingFor(actor, view).length > 0;
}

/** Refuse, send back or pass on the current step: whoever is due to act on it. */
export function canRefuse(actor: Actor | null, view: FolderView): boolean {
  return actingFor(actor, view).length > 0;
}

export function canSendBack(actor: Actor | null, view: FolderView): boolean {
  const current = currentStep(view);
  return !!current && current.position > 0 && actingFor(actor, view).length > 0;
}

/** Transfer the current step to someone else: whoever is due to act, or an administrator. */
export function canTransfer(actor: Actor | null, view: FolderView): boolean {
  if (!currentStep(view)) return false;
  return actingFor(actor, view).length > 0 || canAdministerParapheur(actor);
}

export function canAnnotate(actor: Actor | null, view: FolderView): boolean {
  return canSeeFolder(actor, view);
}

/**
 * Droit de remords: the actor's last decision, taken on the step just before the current one,
 * can be taken back as long as nobody acted on the current step (and the folder is not closed).
 */
export function recallableDecision(actor: Actor | null, view: FolderView): Action | undefined {
  const current = currentStep(view);
  if (!actor || !current || current.position === 0) return undefined;
  if (liveDecisions(view, current.id).length > 0) return undefined;
  const previous = view.steps.find((s) => s.position === current.position - 1);
  if (!previous) return undefined;
  const decisions = liveDecisions(view, previous.id);
  const last = decisions.at(-1);
  return last && last.accountId === actor.accountId ? last : undefined;
}

/** A private annotation is read by its author only. */
export function canReadAnnotation(actor: Actor | null, annotation: Action): boolean {
  return !annotation.isPrivate || annotation.accountId === actor?.accountId;
}

/** A person manages their own delegations; an administrator manages everyone's. */
export function canManageDelegationOf(actor: Actor | null, delegatorId: string): boolean {
  return !!actor && (actor.accountId === delegatorId || canAdministerParapheur(actor));
}
