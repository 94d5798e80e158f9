/**
 * The status workflow of a démarche. Every request moves through the same six statuses (they
 * drive closing, late flags, filters, the API and webhooks), and each démarche adapts them:
 *
 * - which outcomes it uses (a road report is "traité" or "classé", never "refusé"): at least one
 *   of acceptée / refusée / classée; nouvelle, en cours and en attente de l'usager always exist;
 * - its own names for en cours and the outcomes ("Intervention réalisée", "Autorisation
 *   accordée"), shown to citizens and agents alike;
 * - ordered steps inside "en cours" ("Instruction technique", "Avis de la police municipale"): a
 *   request en cours may be at one of them, and the citizen sees which.
 *
 * Stored as JSON on the procedure (null = the default workflow). A request keeps the step's key;
 * its history keeps the label shown at the time.
 */
import { z } from 'zod';
import { AppError } from '../../platform/errors.js';
import {
  AGENT_STATUS_LABELS,
  CLOSED_STATUSES,
  REQUEST_STATUSES,
  type RequestStatus,
  STATUS_LABELS,
} from './statuses.js';

/** Outcomes a démarche may leave out (at least one stays). */
export const OUTCOME_STATUSES = ['acceptee', 'refusee', 'classee'] as const satisfies readonly RequestStatus[];
/** Statuses a démarche may rename. */
export const RENAMABLE_STATUSES = ['en_cours', 'acceptee', 'refusee', 'classee'] as const;
export type RenamableStatus = (typeof RENAMABLE_STATUSES)[number];

export const MAX_STEPS = 8;
export const LABEL_MIN = 2;
export const STATUS_LABEL_MAX = 40;
export const STEP_LABEL_MAX = 60;

export interface WorkflowStep {
  key: string;
  label: string;
}

export interface Workflow {
  /** The statuses the démarche uses, in REQUEST_STATUSES order. */
  statuses: RequestStatus[];
  labels: Partial<Record<RenamableStatus, string>>;
  steps: WorkflowStep[];
}

export const DEFAULT_WORKFLOW: Workflow = { statuses: [...REQUEST_STATUSES], labels: {}, steps: [] };

/** Statuses reachable from each status before the démarche's own choices are applied. */
const NEXT_STATUSES: Record<RequestStatus, RequestStatus[]> = {
  nouvelle: ['en_cours', 'attente_usager', 'acceptee', 'refusee', 'classee'],
  en_cours: ['attente_usager', 'acceptee', 'refusee', 'classee'],
  attente_usager: ['en_cours', 'acceptee', 'refusee', 'classee'],
  // A closed request can be reopened.
  acceptee: ['en_cours'],
  refusee: ['en_cours'],
  classee: ['en_cours'],
};

const storedSchema = z.object({
  statuses: z.array(z.enum(REQUEST_STATUSES)),
  labels: z.partialRecord(z.enum(RENAMABLE_STATUSES), z.string()),
  steps: z.array(z.object({ key: z.string().min(1), label: z.string().min(1) })).max(MAX_STEPS),
});

/** The workflow stored on a procedure (null or unreadable → the default, which loses nothing). */
export function storedWorkflow(raw: unknown): Workflow {
  if (raw === null || raw === undefined) return DEFAULT_WORKFLOW;
  const parsed = storedSchema.safeParse(raw);
  if (!parsed.success) return DEFAULT_WORKFLOW;
  const statuses = REQUEST_STATUSES.filter(
    (s) => parsed.data.statuses.includes(s) || !(OUTCOME_STATUSES as readonly string[]).includes(s),
  );
  if (!statuses.some((s) => CLOSED_STATUSES.has(s))) return DEFAULT_WORKFLOW;
  return { statuses, labels: parsed.data.labels, steps: parsed.data.steps };
}

export function isDefaultWorkflow(w: Workflow): boolean {
  return w.statuses.length === REQUEST_STATUSES.length && Object.keys(w.labels).length === 0 && w.steps.length === 0;
}

/** Where a request stands: a status and, en cours, maybe a step. */
export interface Position {
  status: RequestStatus;
  step: string | null;
}

export type Audience = 'citizen' | 'agent';

function baseLabel(w: Workflow, status: RequestStatus, audience: Audience): string {
  const renamed = (RENAMABLE_STATUSES as readonly string[]).includes(status)
    ? w.labels[status as RenamableStatus]
    : undefined;
  return renamed ?? (audience === 'citizen' ? STATUS_LABELS[status] : AGENT_STATUS_LABELS[status]);
}

/** "En cours — Instruction technique", "Intervention réalisée", "En attente de votre réponse"… */
export function positionLabel(w: Workflow, position: Position, audience: Audience): string {
  const base = baseLabel(w, position.status, audience);
  const step =
    position.status === 'en_cours' && position.step ? w.steps.find((s) => s.key === position.step) : undefined;
  return step ? `${base} — ${step.label}` : base;
}

/** Radio value of a position: `en_cours` or `en_cours/instruction-technique`. */
export function positionValue(position: Position): string {
  return position.step ? `${position.status}/${position.step}` : position.status;
}

/** The positions an agent may move a request to from where it is, in the workflow's order. */
export function nextPositions(w: Workflow, from: Position): Position[] {
  const out: Position[] = [];
  const allowed = new Set(NEXT_STATUSES[from.status].filter((s) => w.statuses.includes(s)));
  for (const status of w.statuses) {
    if (status === 'en_cours') {
      const canEnter = allowed.has('en_cours') || from.status === 'en_cours';
      if (!canEnter) continue;
      if (from.status !== 'en_cours' || from.step !== null) out.push({ status, step: null });
      for (const step of w.steps)
        if (from.status !== 'en_cours' || from.step !== step.key) out.push({ status, step: step.key });
    } else if (allowed.has(status)) out.push({ status, step: null });
  }
  return out;
}

/** Reads a radio value back; undefined when it is not a position of this workflow. */
export function parsePosition(w: Workflow, value: string): Position | undefined {
  const [status, step, ...rest] = value.split('/');
  if (rest.length > 0) return undefined;
  const known = w.statuses.find((s) => s === status);
  if (!known) return undefined;
  if (step === undefined) return { status: known, step: null };
  if (known !== 'en_cours' || !w.steps.some((s) => s.key === step)) return undefined;
  return { status: known, step };
}

/** Whether a move is allowed: the base transition, or another step while en cours. */
export function canMove(w: Workflow, from: Position, to: Position): boolean {
  return nextPositions(w, from).some((p) => p.status === to.status && p.step === to.step);
}

// ---------------------------------------------------------------------------
// The administrator's form

export interface WorkflowForm {
  /** Outcomes ticked. */
  outcomes: string[];
  /** Renamed labels, by status (empty = the default). */
  labels: Partial<Record<RenamableStatus, string>>;
  /** One step per line. */
  steps: string;
}

/** A step's key from its label: lower case ASCII words joined by dashes. */
export function stepKey(label: string): string {
  return label
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 50);
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

function checkLabel(value: string, max: number): string | undefined {
  if (CONTROL.test(value)) return 'contient des caractères non autorisés';
  if (value.length < LABEL_MIN) return `doit faire au moins ${LABEL_MIN} caractères`;
  if (value.length > max) return `doit faire au plus ${max} caractères`;
  return undefined;
}

/**
 * The workflow an administrator's form describes, or a 422 with French messages per field
 * (`issues`, `libelle-<status>`, `etapes`). Steps keep their key when their label is unchanged.
 */
export function workflowFromForm(form: WorkflowForm): Workflow {
  const fields: Record<string, string> = {};
  const outcomes = OUTCOME_STATUSES.filter((s) => form.outcomes.includes(s));
  if (form.outcomes.some((o) => !(OUTCOME_STATUSES as readonly string[]).includes(o)))
    fields.issues = 'Choisissez les issues dans la liste.';
  else if (outcomes.length === 0) fields.issues = 'Gardez au moins une issue : acceptée, refusée ou classée.';

  const labels: Partial<Record<RenamableStatus, string>> = {};
  for (const status of RENAMABLE_STATUSES) {
    const value = (form.labels[status] ?? '').replace(/\s+/g, ' ').trim();
    if (value === '' || value === STATUS_LABELS[status]) continue;
    const problem = checkLabel(value, STATUS_LABEL_MAX);
    if (problem) fields[`libelle-${status}`] = `Le nom « ${AGENT_STATUS_LABELS[status]} » ${problem}.`;
    else labels[status] = value;
  }
  const names = Object.values(labels).map((l) => l.toLowerCase());
  if (!fields.issues && new Set(names).size !== names.length)
    fields.issues = 'Donnez un nom différent à chaque statut.';

  const lines = form.steps
    .split(/\r?\n/)
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .filter((l) => l !== '');
  const steps: WorkflowStep[] = [];
  for (const [index, label] of lines.entries()) {
    const problem = checkLabel(label, STEP_LABEL_MAX);
    const key = stepKey(label);
    if (problem) fields.etapes = `L’étape ${index + 1} (« ${label.slice(0, 30)} ») ${problem}.`;
    else if (key === '') fields.etapes = `L’étape ${index + 1} doit contenir des lettres ou des chiffres.`;
    else if (steps.some((s) => s.key === key)) fields.etapes = `L’étape « ${label} » figure deux fois.`;
    if (fields.etapes) break;
    steps.push({ key, label });
  }
  if (!fields.etapes && steps.length > MAX_STEPS)
    fields.etapes = `Indiquez au plus ${MAX_STEPS} étapes (une par ligne) ; il y en a ${steps.length}.`;

  if (Object.keys(fields).length > 0) throw new AppError('workflow.invalid', 'invalid workflow', 422, { fields });
  const statuses = REQUEST_STATUSES.filter(
    (s) => !(OUTCOME_STATUSES as readonly string[]).includes(s) || (outcomes as string[]).includes(s),
  );
  return { statuses, labels, steps };
}

/** The form showing a workflow (for the edit page). */
export function workflowToForm(w: Workflow): WorkflowForm {
  return {
    outcomes: OUTCOME_STATUSES.filter((s) => w.statuses.includes(s)),
    labels: { ...w.labels },
    steps: w.steps.map((s) => s.label).join('\n'),
  };
}

/** What JSON stores: null for the default workflow. */
export function workflowToStored(w: Workflow): Workflow | null {
  return isDefaultWorkflow(w) ? null : w;
}
