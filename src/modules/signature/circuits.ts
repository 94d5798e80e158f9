/**
 * The parapheur's domain rules, without I/O: document types and their metadata, functions,
 * circuit templates, the automatic choice of a folder's circuit, when a step is done, and when a
 * delegation lets someone act for another (decision 0022).
 */
import { z } from 'zod';
import { formatEuros } from '../../platform/money.js';

export const DOCUMENT_TYPES = [
  'courrier_sortant',
  'bon_de_commande',
  'contrat',
  'marche',
  'arrete',
  'deliberation',
  'bordereau_mandats',
  'bordereau_titres',
  'autre',
] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

export const DOCUMENT_TYPE_LABELS: Record<DocumentType, string> = {
  courrier_sortant: 'Courrier sortant',
  bon_de_commande: 'Bon de commande',
  contrat: 'Contrat',
  marche: 'Marché public',
  arrete: 'Arrêté',
  deliberation: 'Délibération',
  bordereau_mandats: 'Bordereau de mandats',
  bordereau_titres: 'Bordereau de titres',
  autre: 'Autre document',
};

export const FUNCTION_KEYS = ['maire', 'adjoint_finances', 'dgs', 'chef_service'] as const;
export type FunctionKey = (typeof FUNCTION_KEYS)[number];

/** « le maire », as a sentence names the function. */
export const FUNCTION_LABELS: Record<FunctionKey, string> = {
  maire: 'le maire',
  adjoint_finances: 'l’adjoint aux finances',
  dgs: 'le directeur général des services',
  chef_service: 'le chef du service',
};

/** « Maire », as a heading or a list names it. */
export const FUNCTION_TITLES: Record<FunctionKey, string> = {
  maire: 'Maire',
  adjoint_finances: 'Adjoint aux finances',
  dgs: 'Directeur général des services',
  chef_service: 'Chef du service',
};

export const stepActorSchema = z.union([
  z.object({ function: z.enum(FUNCTION_KEYS) }).strict(),
  z.object({ accountId: z.string().uuid() }).strict(),
]);
export type StepActor = z.infer<typeof stepActorSchema>;

export const stepTemplateSchema = z
  .object({
    kind: z.enum(['visa', 'signature']),
    /** all: every actor acts (ET); any: the first one decides for the step (OU). */
    mode: z.enum(['all', 'any']),
    actors: z.array(stepActorSchema).min(1).max(10),
  })
  .strict();
export type StepTemplate = z.infer<typeof stepTemplateSchema>;

export const circuitStepsSchema = z.array(stepTemplateSchema).min(1).max(12);

export interface CircuitTemplate {
  name: string;
  steps: StepTemplate[];
}

const visa = (fn: FunctionKey): StepTemplate => ({ kind: 'visa', mode: 'all', actors: [{ function: fn }] });
const signature = (fn: FunctionKey): StepTemplate => ({ kind: 'signature', mode: 'all', actors: [{ function: fn }] });

/** The circuits a commune starts with (an administrator may replace each by its own). */
export const DEFAULT_CIRCUITS: Record<DocumentType, CircuitTemplate> = {
  courrier_sortant: { name: 'Courrier signé par le maire', steps: [visa('chef_service'), signature('maire')] },
  bon_de_commande: { name: 'Bon de commande', steps: [visa('chef_service'), signature('maire')] },
  contrat: { name: 'Contrat', steps: [visa('dgs'), signature('maire')] },
  marche: { name: 'Marché public', steps: [visa('dgs'), visa('adjoint_finances'), signature('maire')] },
  arrete: { name: 'Arrêté du maire', steps: [visa('dgs'), signature('maire')] },
  deliberation: { name: 'Délibération', steps: [visa('dgs'), signature('maire')] },
  bordereau_mandats: { name: 'Bordereau de mandats', steps: [signature('adjoint_finances')] },
  bordereau_titres: { name: 'Bordereau de titres', steps: [signature('adjoint_finances')] },
  autre: { name: 'Signature du maire', steps: [signature('maire')] },
};

/**
 * A purchase order above this amount (TTC) gets the DGS visa and the adjoint's signature: an
 * internal control rule that each commune sets (not a legal threshold).
 */
export const DEFAULT_PURCHASE_ORDER_THRESHOLD_CENTS = 500_000;

export interface FolderFacts {
  documentType: DocumentType;
  amountCents: number | null;
}

/**
 * The circuit of a new folder: the commune's template for its type (or the default), and, for a
 * purchase order above the threshold, a DGS visa and the adjoint's signature before the last
 * signature step (each added only if the circuit lacks it).
 */
export function selectCircuit(
  facts: FolderFacts,
  template: CircuitTemplate | undefined,
  purchaseOrderThresholdCents: number,
): CircuitTemplate & { reasons: string[] } {
  const base = template ?? DEFAULT_CIRCUITS[facts.documentType];
  const steps = base.steps.map((s) => ({ ...s, actors: [...s.actors] }));
  const reasons: string[] = [];
  const isAbove =
    facts.documentType === 'bon_de_commande' &&
    facts.amountCents !== null &&
    facts.amountCents > purchaseOrderThresholdCents;
  if (isAbove) {
    const has = (kind: StepTemplate['kind'], fn: FunctionKey) =>
      steps.some((s) => s.kind === kind && s.actors.some((a) => 'function' in a && a.function === fn));
    const lastSignature = steps.map((s) => s.kind).lastIndexOf('signature');
    const at = lastSignature < 0 ? steps.length : lastSignature;
    const added: StepTemplate[] = [];
    if (!has('visa', 'dgs')) added.push(visa('dgs'));
    if (!has('signature', 'adjoint_finances')) added.push(signature('adjoint_finances'));
    steps.splice(at, 0, ...added);
    reasons.push(
      `Montant supérieur au seuil de ${formatEuros(purchaseOrderThresholdCents)} : visa du directeur général des services et signature de l’adjoint aux finances ajoutés.`,
    );
  }
  return { name: isAbove ? `${base.name} (au-delà du seuil)` : base.name, steps, reasons };
}

/** Whether a step is done, given who it is assigned to and who acted on it (not withdrawn). */
export function isStepComplete(
  mode: StepTemplate['mode'],
  assignees: readonly string[],
  actedFor: readonly string[],
): boolean {
  if (actedFor.length === 0) return false;
  if (mode === 'any') return true;
  return assignees.every((a) => actedFor.includes(a));
}

export interface DelegationRule {
  delegatorId: string;
  delegateId: string;
  startsOn: string;
  endsOn: string;
  documentTypes: readonly DocumentType[];
  revokedAt: Date | null;
}

/** Whether `delegation` lets its delegate act for its delegator on `day` (YYYY-MM-DD, Paris) for `type`. */
export function delegationApplies(delegation: DelegationRule, day: string, type: DocumentType): boolean {
  if (delegation.revokedAt) return false;
  if (day < delegation.startsOn || day > delegation.endsOn) return false;
  return delegation.documentTypes.length === 0 || delegation.documentTypes.includes(type);
}

/**
 * The line a signature appearance gives to the signer's capacity: their function (« Maire »,
 * empty without one), or, under a delegation, « Pour le maire, absent, par délégation, Jeanne Dupont ».
 */
export function capacityLine(
  signer: { name: string; functionTitle: string | null },
  forPerson: { functionKey: FunctionKey | null } | null,
): string {
  if (forPerson) {
    const who = forPerson.functionKey ? FUNCTION_LABELS[forPerson.functionKey] : 'le titulaire';
    return `Pour ${who}, absent, par délégation, ${signer.name}`;
  }
  return signer.functionTitle ?? '';
}
