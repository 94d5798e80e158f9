/**
 * Avis on a mail: the section of the mail's page (the avis asked and their answers, the form to
 * answer for the one asked, the form to ask for the service in charge), its two POST routes, and
 * the list « Avis demandés » (/c/<slug>/agent/courrier/avis) of what is asked of the person.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.js';
import { parisDateOf } from '../../../platform/time/calendar.js';
import {
  Button,
  CsrfField,
  DateInput,
  type FieldErrors,
  Radios,
  Select,
  Table,
  Tag,
  Textarea,
} from '../../../platform/views/components.js';
import { formatDate, formatDateTime } from '../../../platform/views/format.js';
import { type FormBody, sendPage } from '../../../platform/views/page-kit.js';
import { avisAskedOf, type MailPage, staffName } from '../queries.js';
import { AVIS_LABELS, answerAvis, requestAvis } from '../use-cases/avis.js';
import { callerOf, courrierBreadcrumbs, dayFromParts, mailPath, POLICY } from './ui.js';

interface State {
  form: string;
  values: Record<string, string>;
  errors: FieldErrors;
}

function targetName(data: MailPage, a: { serviceId: string | null; accountId: string | null }): string {
  if (a.accountId) return staffName(data.staff, a.accountId) ?? '';
  return `service ${data.services.find((s) => s.id === a.serviceId)?.name ?? ''}`;
}

export function AvisSection({
  request,
  data,
  csrf,
  state,
}: {
  request: FastifyRequest;
  data: MailPage;
  csrf: string;
  state: State | null;
}) {
  const { mail } = data;
  const canAsk = data.canProcess && mail.status !== 'clos';
  if (data.avis.length === 0 && !canAsk) return null;
  const askErrors = state?.form === 'avis' ? state.errors : {};
  const askValue = (k: string) => (state?.form === 'avis' ? (state.values[k] ?? '') : '');
  return (
    <>
      <h2 class="govuk-heading-m" id="avis">
        Avis
      </h2>
      {data.avis.length === 0 && <p class="govuk-body">Aucun avis demandé.</p>}
      {data.avis.map((a) => {
        const formId = `avis-${a.id}`;
        const errors = state?.form === formId ? state.errors : {};
        return (
          <div class="govuk-summary-card">
            <div class="govuk-summary-card__title-wrapper">
              <h3 class="govuk-summary-card__title">
                {a.accountId ? `Avis demandé à ${targetName(data, a)}` : `Avis demandé au ${targetName(data, a)}`}
                {a.answer ? (
                  <>
                    {' '}
                    <Tag colour={a.answer === 'favorable' ? 'green' : a.answer === 'defavorable' ? 'red' : 'yellow'}>
                      {AVIS_LABELS[a.answer]}
                    </Tag>
                  </>
                ) : (
                  <>
                    {' '}
                    <Tag colour="grey">En attente</Tag>
                  </>
                )}
              </h3>
            </div>
            <div class="govuk-summary-card__content">
              <p class="govuk-body-s">
                Demandé le {formatDateTime(a.requestedAt)} par {staffName(data.staff, a.requestedBy)}, attendu le{' '}
                {formatDate(a.dueOn)}.
              </p>
              <p class="govuk-body guichet-pre-line guichet-break">{a.question}</p>
              {a.answer && (
                <p class="govuk-body guichet-pre-line guichet-break">
                  <strong>
                    Avis {AVIS_LABELS[a.answer].toLowerCase()} de {staffName(data.staff, a.answeredBy)}, le{' '}
                    {formatDateTime(a.answeredAt!)}
                  </strong>
                  {a.answerText ? ` : ${a.answerText}` : '.'}
                </p>
              )}
              {!a.answer && data.askedAvisIds.includes(a.id) && (
                <form method="post" action={`${mailPath(request, mail.id)}/avis/${a.id}/reponse`} novalidate>
                  <CsrfField token={csrf} />
                  <Radios
                    name="avis"
                    id={`${formId}-avis`}
                    legend="Votre avis"
                    legendSize="s"
                    inline
                    value={state?.form === formId ? state.values.avis : ''}
                    items={[
                      { value: 'favorable', label: 'Favorable' },
                      { value: 'defavorable', label: 'Défavorable' },
                      { value: 'reserve', label: 'Réservé' },
                    ]}
                    {...(errors.avis ? { error: errors.avis } : {})}
                  />
                  <Textarea
                    name="texte"
                    id={`${formId}-texte`}
                    label="Explication"
                    hint="Obligatoire pour un avis défavorable ou réservé."
                    rows={3}
                    value={state?.form === formId ? state.values.texte : ''}
                    error={errors.texte}
                  />
                  <Button variant="secondary">Donner mon avis</Button>
                </form>
              )}
            </div>
          </div>
        );
      })}
      {canAsk && (
        <form method="post" action={`${mailPath(request, mail.id)}/avis`} novalidate>
          <CsrfField token={csrf} />
          <h3 class="govuk-heading-s">Demander un avis</h3>
          <Select
            name="destinataire"
            label="À qui"
            hint={
              mail.confidential
                ? 'Courrier confidentiel : seule la personne choisie verra la demande et le courrier.'
                : 'Un service (tous ses agents voient la demande et le courrier) ou une personne.'
            }
            value={askValue('destinataire')}
            error={askErrors.destinataire}
            options={[
              { value: '', label: 'Choisir' },
              ...(mail.confidential
                ? []
                : data.services
                    .filter((s) => !s.retiredAt && s.id !== mail.serviceId)
                    .map((s) => ({ value: `service:${s.id}`, label: `Service ${s.name}` }))),
              ...data.staff
                .filter((s) => s.accountId !== request.actor!.accountId)
                .map((s) => ({ value: `agent:${s.accountId}`, label: `${s.givenName} ${s.familyName}` })),
            ]}
          />
          <Textarea
            name="question"
            label="Question posée"
            rows={3}
            value={askValue('question')}
            error={askErrors.question}
          />
          <DateInput
            name="echeance"
            legend="Avis attendu le"
            legendSize="s"
            hint="Par exemple 15 1 2027."
            value={{
              day: askValue('echeance-day'),
              month: askValue('echeance-month'),
              year: askValue('echeance-year'),
            }}
            {...(askErrors.echeance ? { error: askErrors.echeance } : {})}
          />
          <Button variant="secondary">Demander l’avis</Button>
        </form>
      )}
    </>
  );
}

export function registerAvisRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  postMailForm: (
    request: FastifyRequest,
    reply: FastifyReply,
    form: string,
    work: () => Promise<unknown>,
    done: string,
  ) => Promise<unknown>,
): void {
  app.post('/c/:slug/agent/courrier/:mail/avis', POLICY, async (request, reply) => {
    const { mail } = request.params as { mail: string };
    const body = (request.body ?? {}) as FormBody;
    return postMailForm(
      request,
      reply,
      'avis',
      () => requestAvis(ctx, callerOf(request), mail, { ...body, echeance: dayFromParts(body, 'echeance') }),
      'avis_demande',
    );
  });

  app.post('/c/:slug/agent/courrier/:mail/avis/:avis/reponse', POLICY, async (request, reply) => {
    const { mail, avis } = request.params as { mail: string; avis: string };
    return postMailForm(
      request,
      reply,
      `avis-${avis}`,
      () => answerAvis(ctx, callerOf(request), mail, avis, request.body),
      'avis_donne',
    );
  });

  app.get('/c/:slug/agent/courrier/avis', POLICY, async (request, reply) => {
    const rows = await avisAskedOf(ctx, callerOf(request));
    const open = rows.filter((r) => !r.answer).length;
    const today = parisDateOf(new Date());
    return sendPage(request, reply, {
      title: 'Avis demandés',
      wide: true,
      workspace: true,
      breadcrumbs: courrierBreadcrumbs(request),
      children: (
        <>
          <h1 class="govuk-heading-xl">Avis demandés</h1>
          <p class="govuk-body">
            Les avis demandés à vous ou à votre service sur des courriers.{' '}
            {open === 0 ? 'Aucun avis en attente.' : `${open} avis en attente.`}
          </p>
          {rows.length > 0 && (
            <Table
              caption={`${rows.length} demande${rows.length > 1 ? 's' : ''} d’avis`}
              firstCellIsHeader
              columns={[
                { label: 'Courrier' },
                { label: 'Objet' },
                { label: 'Question' },
                { label: 'Attendu le' },
                { label: 'État' },
              ]}
              rows={rows.map((r) => [
                <a class="govuk-link" href={`${mailPath(request, r.mail_id)}#avis`}>
                  {r.chrono}
                </a>,
                r.subject,
                r.question.length > 160 ? `${r.question.slice(0, 160)}…` : r.question,
                formatDate(r.due_on),
                r.answer ? (
                  <Tag colour="grey">{`Donné : ${AVIS_LABELS[r.answer as 'favorable'].toLowerCase()}`}</Tag>
                ) : (
                  <>
                    <Tag colour="yellow">À donner</Tag>
                    {r.due_on < today && (
                      <>
                        {' '}
                        <Tag colour="red">En retard</Tag>
                      </>
                    )}
                  </>
                ),
              ])}
            />
          )}
        </>
      ),
    });
  });
}
