/**
 * The status workflow of a démarche, edited by a commune administrator
 * (/c/<slug>/admin/demarches/<démarche>/statuts): the outcomes it uses, its own names for the
 * statuses and its steps inside "en cours" (../requests/workflow.ts). A step that requests are at
 * right now cannot be removed; closed requests keep their outcome whatever the démarche becomes.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { adminBase, sendAdminPage } from '../../../platform/views/admin-area.js';
import {
  Button,
  Checkboxes,
  CsrfField,
  type FieldErrors,
  Input,
  SummaryList,
  Textarea,
} from '../../../platform/views/components.js';
import { type FormBody, handleForm } from '../../../platform/views/page-kit.js';
import { loadProcedure } from '../manage.js';
import { STATUS_LABELS } from '../statuses.js';
import { saveWorkflow } from '../use-cases/save-workflow.js';
import {
  MAX_STEPS,
  OUTCOME_STATUSES,
  positionLabel,
  RENAMABLE_STATUSES,
  STATUS_LABEL_MAX,
  STEP_LABEL_MAX,
  storedWorkflow,
  type Workflow,
  type WorkflowForm,
  workflowToForm,
} from '../workflow.js';

const OUTCOME_HINTS: Record<(typeof OUTCOME_STATUSES)[number], string> = {
  acceptee: 'La demande aboutit (autorisation accordée, intervention réalisée…).',
  refusee: 'La demande est rejetée ; l’agent doit alors en expliquer le motif à l’usager.',
  classee: 'La demande est close sans suite (doublon, sans objet, traitée ailleurs…).',
};

function formValues(body: FormBody): WorkflowForm {
  const text = (key: string) => (typeof body[key] === 'string' ? (body[key] as string) : '');
  const outcomes = Array.isArray(body.issues)
    ? body.issues.filter((v): v is string => typeof v === 'string')
    : text('issues') !== ''
      ? [text('issues')]
      : [];
  return {
    outcomes,
    labels: Object.fromEntries(RENAMABLE_STATUSES.map((s) => [s, text(`libelle-${s}`)])),
    steps: text('etapes'),
  };
}

/** The path a request may follow, as the citizen reads it. */
function CitizenView({ workflow }: { workflow: Workflow }) {
  const open = [
    { status: 'nouvelle' as const, step: null },
    { status: 'en_cours' as const, step: null },
    ...workflow.steps.map((s) => ({ status: 'en_cours' as const, step: s.key })),
    { status: 'attente_usager' as const, step: null },
  ];
  const outcomes = OUTCOME_STATUSES.filter((s) => workflow.statuses.includes(s));
  return (
    <SummaryList
      rows={[
        {
          key: 'Pendant le traitement',
          value: (
            <ul class="govuk-list govuk-list--bullet">
              {open.map((p) => (
                <li key={`${p.status}/${p.step}`}>{positionLabel(workflow, p, 'citizen')}</li>
              ))}
            </ul>
          ),
        },
        {
          key: 'Issues',
          value: (
            <ul class="govuk-list govuk-list--bullet">
              {outcomes.map((s) => (
                <li key={s}>{positionLabel(workflow, { status: s, step: null }, 'citizen')}</li>
              ))}
            </ul>
          ),
        },
      ]}
    />
  );
}

export function registerWorkflowPages(app: FastifyInstance, ctx: AppContext): void {
  const procedureSlug = (request: FastifyRequest) => (request.params as { procedure: string }).procedure;

  async function page(
    request: FastifyRequest,
    reply: FastifyReply,
    form?: { values: WorkflowForm; errors: FieldErrors; status: number },
  ) {
    const commune = request.commune!;
    const { procedure } = await withTenant(ctx.database, commune.id, (tx) =>
      loadProcedure(tx, commune.id, procedureSlug(request)),
    );
    const workflow = storedWorkflow(procedure.workflow);
    const values = form?.values ?? workflowToForm(workflow);
    const errors = form?.errors ?? {};
    const url = `${adminBase(request)}/demarches/${procedure.slug}`;
    const saved = (request.query as FormBody | undefined)?.enregistre === '1';
    return sendAdminPage(request, reply, {
      ...(form ? { status: form.status } : {}),
      title: `Statuts de la démarche « ${procedure.title} »`,
      errors,
      fieldOrder: ['issues', ...RENAMABLE_STATUSES.map((s) => `libelle-${s}`), 'etapes'],
      ...(saved && !form
        ? { notice: { kind: 'success' as const, title: 'Les statuts de la démarche sont enregistrés.' } }
        : {}),
      children: (
        <>
          <span class="govuk-caption-l">{procedure.title}</span>
          <h1 class="govuk-heading-xl">Statuts de la démarche</h1>
          <p class="govuk-body">
            Toutes les demandes passent par « Nouvelle », « En cours » et, si besoin, « En attente de l’usager ».
            Adaptez ici les issues, les noms que lisent l’usager et les agents, et les étapes du traitement. L’usager
            est prévenu par courriel à chaque changement.
          </p>
          <form method="post" action={`${url}/statuts`} novalidate>
            <CsrfField token={reply.generateCsrf()} />
            <Checkboxes
              name="issues"
              legend="Issues possibles"
              legendSize="m"
              hint="Au moins une. Les demandes déjà closes gardent leur statut."
              values={values.outcomes}
              error={errors.issues}
              items={OUTCOME_STATUSES.map((s) => ({ value: s, label: STATUS_LABELS[s], hint: OUTCOME_HINTS[s] }))}
            />
            <h2 class="govuk-heading-m">Noms des statuts</h2>
            <p class="govuk-body">Laissez un champ vide pour garder le nom habituel.</p>
            {RENAMABLE_STATUSES.map((s) => (
              <Input
                key={s}
                name={`libelle-${s}`}
                label={`Nom de « ${STATUS_LABELS[s]} »`}
                hint={`${s === 'en_cours' ? 'Par exemple « En instruction ». ' : ''}Au plus ${STATUS_LABEL_MAX} caractères.`}
                width={20}
                value={values.labels[s] ?? ''}
                error={errors[`libelle-${s}`]}
              />
            ))}
            <Textarea
              name="etapes"
              label="Étapes du traitement"
              labelSize="m"
              hint={`Facultatif. Une étape par ligne, dans l’ordre (au plus ${MAX_STEPS}, ${STEP_LABEL_MAX} caractères chacune), par exemple « Instruction technique » puis « Avis de la police municipale ». L’agent choisit l’étape quand la demande est en cours.`}
              rows={5}
              value={values.steps}
              error={errors.etapes}
            />
            <Button>Enregistrer les statuts</Button>
          </form>
          <h2 class="govuk-heading-m">Ce que voit l’usager</h2>
          <CitizenView workflow={workflow} />
          <p class="govuk-body">
            <a class="govuk-link" href={url}>
              Retour à la démarche
            </a>
          </p>
        </>
      ),
    });
  }

  app.get('/c/:slug/admin/demarches/:procedure/statuts', { config: { policy: 'communeAdmin' } }, (request, reply) =>
    page(request, reply),
  );

  app.post(
    '/c/:slug/admin/demarches/:procedure/statuts',
    { config: { policy: 'communeAdmin' } },
    async (request, reply) => {
      const values = formValues((request.body ?? {}) as FormBody);
      const result = await handleForm(
        () =>
          saveWorkflow(
            ctx,
            { communeId: request.commune!.id, actor: request.actor!, requestId: request.id },
            procedureSlug(request),
            values,
          ),
        (errors, status) => page(request, reply, { values, errors, status }),
      );
      if (!result.ok) return result.response;
      return reply.redirect(
        `${adminBase(request)}/demarches/${encodeURIComponent(procedureSlug(request))}/statuts?enregistre=1`,
        303,
      );
    },
  );
}
