/**
 * Absences (/c/<slug>/agent/courrier/absences): an agent declares their absence — or the head of
 * their service, or the leadership, declares it for them — with the colleague who receives the
 * mail confided to them meanwhile; the list of current and upcoming absences the person is
 * concerned by, each withdrawn with « Retirer ».
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.js';
import { Button, CsrfField, DateInput, type FieldErrors, Select, Table } from '../../../platform/views/components.js';
import { type FormBody, formString, handleForm, sendPage } from '../../../platform/views/page-kit.js';
import {
  type AbsencesPage,
  absencesPage,
  declareAbsence,
  periodText,
  withdrawAbsenceOf,
} from '../use-cases/absences.js';
import { callerOf, courrierBase, courrierBreadcrumbs, dayFromParts, POLICY } from './ui.js';

const NOTICES: Record<string, string> = {
  enregistree: 'L’absence est enregistrée : le courrier confié pendant la période ira au collègue choisi.',
  retiree: 'L’absence est retirée.',
};

function render(
  request: FastifyRequest,
  reply: FastifyReply,
  data: AbsencesPage,
  form: { values?: FormBody; errors?: FieldErrors; status?: number } = {},
) {
  const actor = request.actor!;
  const errors = form.errors ?? {};
  const v = (key: string) => formString(form.values ?? {}, key);
  const base = `${courrierBase(request)}/absences`;
  const csrf = reply.generateCsrf();
  const done = formString(request.query, 'fait');
  const forOthers = data.declarable.some((s) => s.accountId !== actor.accountId);
  const name = (s: { givenName: string; familyName: string }) => `${s.givenName} ${s.familyName}`;
  return sendPage(request, reply, {
    title: 'Absences',
    workspace: true,
    breadcrumbs: courrierBreadcrumbs(request),
    errors,
    fieldOrder: ['absent', 'remplacant', 'debut', 'fin'],
    targets: { debut: 'debut-day', fin: 'fin-day' },
    ...(form.status ? { status: form.status } : {}),
    ...(NOTICES[done] && !form.errors ? { notice: { kind: 'success' as const, title: NOTICES[done]! } } : {}),
    children: (
      <>
        <h1 class="govuk-heading-xl">Absences</h1>
        <p class="govuk-body">
          Pendant l’absence d’un agent, le courrier qu’on lui confie va au collègue choisi ; l’historique du courrier
          dit « redirigé pendant l’absence de … ». Le courrier qui lui était déjà confié reste à son nom. Après la
          période, le courrier lui est de nouveau confié.
        </p>
        {data.absences.length > 0 ? (
          <Table
            caption="Absences en cours ou à venir"
            columns={[{ label: 'Absent' }, { label: 'Courrier reçu par' }, { label: 'Période' }, { label: 'Action' }]}
            rows={data.absences.map((a) => [
              a.absentName,
              a.delegateName,
              `${periodText(a)}${a.startsOn <= data.today ? ' (en cours)' : ''}`,
              a.canWithdraw ? (
                <form key="r" method="post" action={`${base}/${a.id}/retirer`} novalidate>
                  <CsrfField token={csrf} />
                  <Button variant="secondary">
                    Retirer <span class="govuk-visually-hidden">l’absence de {a.absentName}</span>
                  </Button>
                </form>
              ) : (
                ''
              ),
            ])}
          />
        ) : (
          <p class="govuk-body">Aucune absence en cours ou à venir.</p>
        )}
        <h2 class="govuk-heading-l">Déclarer une absence</h2>
        <form method="post" action={base} novalidate>
          <CsrfField token={csrf} />
          {forOthers ? (
            <Select
              name="absent"
              label="Agent absent"
              value={v('absent') || actor.accountId}
              error={errors.absent}
              options={[
                { value: '', label: 'Choisir une personne' },
                ...data.declarable.map((s) => ({
                  value: s.accountId,
                  label: s.accountId === actor.accountId ? `${name(s)} (vous)` : name(s),
                })),
              ]}
            />
          ) : (
            <input type="hidden" name="absent" value={actor.accountId} />
          )}
          <Select
            name="remplacant"
            label={
              forOthers
                ? 'Qui reçoit son courrier pendant l’absence ?'
                : 'Qui reçoit votre courrier pendant votre absence ?'
            }
            value={v('remplacant')}
            error={errors.remplacant}
            options={[
              { value: '', label: 'Choisir une personne' },
              ...data.delegates.map((s) => ({ value: s.accountId, label: name(s) })),
            ]}
          />
          <DateInput
            name="debut"
            legend="Du"
            hint="Par exemple 1 2 2027."
            value={{ day: v('debut-day'), month: v('debut-month'), year: v('debut-year') }}
            {...(errors.debut ? { error: errors.debut } : {})}
          />
          <DateInput
            name="fin"
            legend="Au (inclus)"
            hint="Par exemple 15 2 2027."
            value={{ day: v('fin-day'), month: v('fin-month'), year: v('fin-year') }}
            {...(errors.fin ? { error: errors.fin } : {})}
          />
          <Button>Enregistrer l’absence</Button>
        </form>
      </>
    ),
  });
}

export function registerAbsencePages(app: FastifyInstance, ctx: AppContext): void {
  app.get('/c/:slug/agent/courrier/absences', POLICY, async (request, reply) =>
    render(request, reply, await absencesPage(ctx, callerOf(request))),
  );

  app.post('/c/:slug/agent/courrier/absences', POLICY, async (request, reply) => {
    const body = (request.body ?? {}) as FormBody;
    const result = await handleForm(
      () =>
        declareAbsence(ctx, callerOf(request), {
          absent: formString(body, 'absent'),
          remplacant: formString(body, 'remplacant'),
          debut: dayFromParts(body, 'debut'),
          fin: dayFromParts(body, 'fin'),
        }),
      async (errors, status) =>
        render(request, reply, await absencesPage(ctx, callerOf(request)), { values: body, errors, status }),
    );
    if (!result.ok) return result.response;
    return reply.redirect(`${courrierBase(request)}/absences?fait=enregistree`, 303);
  });

  app.post('/c/:slug/agent/courrier/absences/:absence/retirer', POLICY, async (request, reply) => {
    await withdrawAbsenceOf(ctx, callerOf(request), (request.params as { absence: string }).absence);
    return reply.redirect(`${courrierBase(request)}/absences?fait=retiree`, 303);
  });
}
