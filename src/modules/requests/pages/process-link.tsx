/**
 * The "mode simple" page behind the single-use link mailed to the secretary: GET shows the
 * request and the outcomes of its démarche, a first POST asks for a confirmation, the confirmed
 * POST saves (mail scanners follow links: nothing changes on GET).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import {
  Button,
  CsrfField,
  type FieldErrors,
  Radios,
  SummaryList,
  Textarea,
  WarningText,
} from '../../../platform/views/components.js';
import { formatDateTime } from '../../../platform/views/format.js';
import { type FormBody, formString, handleForm, sendPage } from '../../../platform/views/page-kit.js';
import type { RequestStatus } from '../../procedures/index.js';
import { findProcedureById, positionLabel, storedWorkflow } from '../../procedures/index.js';
import { MAX_MESSAGE_LENGTH } from '../deps.js';
import { StatusTag } from '../ui.js';
import {
  checkProcessChoice,
  findRequestForProcessToken,
  isConfirmedChoice,
  processLinkStatuses,
  processRequestFromLink,
} from '../use-cases/process-from-link.js';

const tokenParams = z.object({ slug: z.string().max(63), token: z.string().max(120) }).strict();

export function registerProcessLinkPages(parent: FastifyInstance, ctx: AppContext): void {
  const app = parent.withTypeProvider<ZodTypeProvider>();

  // — "Mode simple": the secretary's single-use link (GET shows, POST acts: mail scanners follow links) —

  async function processPage(
    request: FastifyRequest,
    reply: FastifyReply,
    token: string,
    form: { values?: FormBody; errors?: FieldErrors; status?: number } = {},
  ) {
    const commune = request.commune!;
    const found = await withTenant(ctx.database, commune.id, async (tx) => {
      const r = await findRequestForProcessToken(tx, token);
      if (!r) return undefined;
      const procedure = r.procedureId ? await findProcedureById(tx, commune.id, r.procedureId) : undefined;
      return { r, procedure };
    });
    if (!found) {
      return sendPage(request, reply, {
        status: 410,
        title: 'Lien expiré ou déjà utilisé',
        children: (
          <>
            <h1 class="govuk-heading-xl">Lien expiré ou déjà utilisé</h1>
            <p class="govuk-body">
              Ce lien ne sert qu’une fois et pendant une durée limitée. Si la demande a déjà été marquée comme traitée,
              l’usager a été prévenu ; vous n’avez rien d’autre à faire.
            </p>
          </>
        ),
      });
    }
    const { r, procedure } = found;
    const workflow = storedWorkflow(procedure?.workflow);
    const errors = form.errors ?? {};
    return sendPage(request, reply, {
      ...(form.status ? { status: form.status } : {}),
      title: `Traiter la demande n° ${r.number}`,
      errors,
      fieldOrder: ['status', 'message'],
      children: (
        <>
          <h1 class="govuk-heading-xl">
            <span class="govuk-caption-l">Demande n° {r.number}</span>
            {procedure?.title ?? r.subject}
          </h1>
          <SummaryList
            rows={[
              { key: 'Demandeur', value: `${r.requesterName} (${r.requesterEmail})` },
              { key: 'Envoyée le', value: formatDateTime(r.submittedAt) },
              { key: 'Statut actuel', value: <StatusTag request={r} workflow={procedure?.workflow} /> },
            ]}
          />
          <form method="post" novalidate>
            <CsrfField token={reply.generateCsrf()} />
            <Radios
              name="status"
              legend="Comment la demande a-t-elle été traitée ?"
              legendSize="m"
              value={formString(form.values, 'status')}
              error={errors.status}
              items={processLinkStatuses(workflow).map((s) => ({
                value: s,
                label: positionLabel(workflow, { status: s, step: null }, 'citizen'),
              }))}
            />
            <Textarea
              name="message"
              label="Message à l’usager (obligatoire en cas de refus)"
              hint="Il sera joint au courriel qui informe l’usager du nouveau statut. En cas de refus, indiquez-en le motif : l’usager le recevra avec les voies et délais de recours."
              maxLength={MAX_MESSAGE_LENGTH}
              value={formString(form.values, 'message')}
              error={errors.message}
            />
            <Button>Continuer</Button>
          </form>
        </>
      ),
    });
  }

  /** Before anything is saved: what will happen, with a button that does it and a way back. */
  async function confirmProcessPage(
    request: FastifyRequest,
    reply: FastifyReply,
    token: string,
    values: { status: string; message: string },
  ) {
    const commune = request.commune!;
    const found = await withTenant(ctx.database, commune.id, async (tx) => {
      const r = await findRequestForProcessToken(tx, token);
      if (!r) return undefined;
      const procedure = r.procedureId ? await findProcedureById(tx, commune.id, r.procedureId) : undefined;
      return { r, procedure };
    });
    if (!found) return processPage(request, reply, token);
    const { r, procedure } = found;
    const workflow = storedWorkflow(procedure?.workflow);
    const label = positionLabel(workflow, { status: values.status as RequestStatus, step: null }, 'citizen');
    const refusal = values.status === 'refusee';
    return sendPage(request, reply, {
      title: `Confirmer : demande n° ${r.number}`,
      children: (
        <>
          <h1 class="govuk-heading-xl">
            <span class="govuk-caption-l">Demande n° {r.number}</span>
            {refusal ? 'Confirmez-vous le refus de cette demande ?' : `Confirmez-vous : ${label.toLowerCase()} ?`}
          </h1>
          <SummaryList
            rows={[
              { key: 'Démarche', value: procedure?.title ?? r.subject },
              { key: 'Demandeur', value: r.requesterName },
              { key: 'Nouveau statut', value: label },
              ...(values.message.trim()
                ? [{ key: refusal ? 'Motif du refus' : 'Message à l’usager', value: values.message }]
                : []),
            ]}
          />
          {refusal ? (
            <WarningText>
              L’usager recevra ce motif par courriel, avec les voies et délais de recours. Le refus ne pourra plus être
              annulé depuis ce lien.
            </WarningText>
          ) : null}
          <form method="post" novalidate>
            <CsrfField token={reply.generateCsrf()} />
            <input type="hidden" name="status" value={values.status} />
            <input type="hidden" name="message" value={values.message} />
            <input type="hidden" name="confirmation" value="oui" />
            <div class="govuk-button-group">
              <Button variant={refusal ? 'warning' : 'primary'}>
                {refusal ? 'Confirmer le refus' : 'Confirmer et prévenir l’usager'}
              </Button>
              <a class="govuk-link" href={`/c/${commune.slug}/demandes/traitement/${token}`}>
                Revenir sans rien enregistrer
              </a>
            </div>
          </form>
        </>
      ),
    });
  }

  app.get(
    '/c/:slug/demandes/traitement/:token',
    { schema: { hide: true, params: tokenParams }, config: { policy: 'public' } },
    async (request, reply) => processPage(request, reply, request.params.token),
  );

  app.post(
    '/c/:slug/demandes/traitement/:token',
    { schema: { hide: true, params: tokenParams }, config: { policy: 'public' } },
    async (request, reply) => {
      const commune = request.commune!;
      const body = (request.body ?? {}) as FormBody;
      const token = request.params.token;
      // First POST: checked, then a confirmation page; only the confirmed POST saves.
      if (!isConfirmedChoice(body)) {
        const checked = await handleForm(
          () => checkProcessChoice(ctx, commune, token, body),
          (errors, status) => processPage(request, reply, token, { values: body, errors, status }),
        );
        if (!checked.ok) return checked.response;
        if (!checked.value) return processPage(request, reply, token);
        return confirmProcessPage(request, reply, token, checked.value);
      }
      const result = await handleForm(
        () => processRequestFromLink(ctx, commune, token, body, request.id),
        (errors, status) => processPage(request, reply, token, { values: body, errors, status }),
      );
      if (!result.ok) return result.response;
      const { request: updated, label } = result.value;
      return sendPage(request, reply, {
        title: 'Demande traitée',
        children: (
          <>
            <h1 class="govuk-heading-xl">
              Demande n° {updated.number} : {label.toLowerCase()}
            </h1>
            <p class="govuk-body">
              Le statut est enregistré et l’usager a été prévenu par courriel. Il le voit aussi dans son espace « Mes
              demandes ».
            </p>
          </>
        ),
      });
    },
  );
}
