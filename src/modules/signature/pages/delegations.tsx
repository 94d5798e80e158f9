/**
 * Delegations (/c/<slug>/agent/parapheur/delegations): a person lets someone act for them while
 * they are away, for some document types or all; an administrator sets them for anyone. The
 * signatures made under a delegation say so: « Pour le maire, absent, par délégation, <nom> ».
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.js';
import {
  Button,
  Checkboxes,
  CsrfField,
  DateInput,
  type FieldErrors,
  Select,
  Table,
} from '../../../platform/views/components.js';
import { formatDate, parseDay } from '../../../platform/views/format.js';
import { type FormBody, formString, handleForm, sendPage } from '../../../platform/views/page-kit.js';
import { DOCUMENT_TYPE_LABELS, DOCUMENT_TYPES } from '../circuits.js';
import { canAdministerParapheur, canManageDelegationOf } from '../policy.js';
import { type SettingsPage, settingsPage } from '../queries.js';
import type { Caller } from '../use-cases/common.js';
import { cancelDelegation, createDelegation } from '../use-cases/manage-delegations.js';
import { parapheurBase, parapheurBreadcrumbs } from './ui.js';

function caller(request: FastifyRequest): Caller {
  return { communeId: request.commune!.id, actor: request.actor!, requestId: request.id };
}

function dayOf(body: FormBody, name: string): string {
  const [d, m, y] = ['day', 'month', 'year'].map((p) => formString(body, `${name}-${p}`).trim());
  const day = parseDay(`${d}/${m}/${y}`);
  return day ? `${day.year}-${String(day.month).padStart(2, '0')}-${String(day.day).padStart(2, '0')}` : '';
}

const day = (iso: string) => formatDate(`${iso}T12:00:00Z`);

function render(
  request: FastifyRequest,
  reply: FastifyReply,
  data: SettingsPage,
  form: { values?: FormBody; errors?: FieldErrors; status?: number } = {},
) {
  const actor = request.actor!;
  const isAdmin = canAdministerParapheur(actor);
  const errors = form.errors ?? {};
  const v = (key: string) => formString(form.values ?? {}, key);
  const visible = data.delegations.filter(
    (d) => isAdmin || d.delegatorId === actor.accountId || d.delegateId === actor.accountId,
  );
  const others = data.staff.filter((s) => s.accountId !== actor.accountId || isAdmin);
  const base = `${parapheurBase(request)}/delegations`;
  const csrf = reply.generateCsrf();
  const types = form.values?.types;
  const chosenTypes = Array.isArray(types) ? (types as string[]) : typeof types === 'string' ? [types] : [];
  const done = formString(request.query, 'fait');
  return sendPage(request, reply, {
    title: 'Délégations',
    breadcrumbs: parapheurBreadcrumbs(request),
    errors,
    fieldOrder: ['delegant', 'delegataire', 'debut', 'fin', 'types'],
    targets: { debut: 'debut-day', fin: 'fin-day' },
    ...(form.status ? { status: form.status } : {}),
    ...(done && !form.errors
      ? {
          notice: {
            kind: 'success' as const,
            title: done === 'creee' ? 'La délégation est enregistrée.' : 'La délégation est retirée.',
          },
        }
      : {}),
    children: (
      <>
        <h1 class="govuk-heading-xl">Délégations</h1>
        <p class="govuk-body">
          Pendant la période choisie, la personne désignée vise et signe à la place de l’absent ; sa signature porte la
          mention « Pour …, absent, par délégation ».
        </p>
        {visible.length ? (
          <Table
            caption="Délégations en cours ou à venir"
            columns={[
              { label: 'Absent' },
              { label: 'Remplacé par' },
              { label: 'Période' },
              { label: 'Documents' },
              { label: 'Action' },
            ]}
            rows={visible.map((d) => [
              data.names.get(d.delegatorId) ?? '—',
              data.names.get(d.delegateId) ?? '—',
              `du ${day(d.startsOn)} au ${day(d.endsOn)}`,
              d.documentTypes.length ? d.documentTypes.map((t) => DOCUMENT_TYPE_LABELS[t]).join(', ') : 'Tous',
              canManageDelegationOf(actor, d.delegatorId) ? (
                <form key="r" method="post" action={`${base}/${d.id}/retirer`} novalidate>
                  <CsrfField token={csrf} />
                  <Button variant="secondary">
                    Retirer <span class="govuk-visually-hidden">la délégation de {data.names.get(d.delegatorId)}</span>
                  </Button>
                </form>
              ) : (
                ''
              ),
            ])}
          />
        ) : (
          <p class="govuk-body">Aucune délégation en cours ou à venir.</p>
        )}
        <h2 class="govuk-heading-l">Nouvelle délégation</h2>
        <form method="post" action={base} novalidate>
          <CsrfField token={csrf} />
          {isAdmin ? (
            <Select
              name="delegant"
              label="Personne absente"
              value={v('delegant')}
              error={errors.delegant}
              options={[
                { value: '', label: 'Choisir une personne' },
                ...data.staff.map((s) => ({ value: s.accountId, label: `${s.givenName} ${s.familyName}` })),
              ]}
            />
          ) : (
            <input type="hidden" name="delegant" value={actor.accountId} />
          )}
          <Select
            name="delegataire"
            label={isAdmin ? 'Remplacée par' : 'Qui agira à votre place ?'}
            value={v('delegataire')}
            error={errors.delegataire}
            options={[
              { value: '', label: 'Choisir une personne' },
              ...others.map((s) => ({ value: s.accountId, label: `${s.givenName} ${s.familyName}` })),
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
          <Checkboxes
            name="types"
            legend="Pour quels documents ?"
            hint="Aucun coché : tous les documents."
            small
            values={chosenTypes}
            error={errors.types}
            items={DOCUMENT_TYPES.map((t) => ({ value: t, label: DOCUMENT_TYPE_LABELS[t] }))}
          />
          <Button>Enregistrer la délégation</Button>
        </form>
      </>
    ),
  });
}

export function registerDelegationPages(app: FastifyInstance, ctx: AppContext): void {
  app.get('/c/:slug/agent/parapheur/delegations', { config: { policy: 'staff' } }, async (request, reply) =>
    render(request, reply, await settingsPage(ctx, request.commune!.id)),
  );

  app.post('/c/:slug/agent/parapheur/delegations', { config: { policy: 'staff' } }, async (request, reply) => {
    const body = (request.body ?? {}) as FormBody;
    const types = Array.isArray(body.types) ? body.types : typeof body.types === 'string' ? [body.types] : [];
    const result = await handleForm(
      () =>
        createDelegation(ctx, caller(request), {
          delegant: formString(body, 'delegant'),
          delegataire: formString(body, 'delegataire'),
          debut: dayOf(body, 'debut'),
          fin: dayOf(body, 'fin'),
          types,
        }),
      async (errors, status) =>
        render(request, reply, await settingsPage(ctx, request.commune!.id), { values: body, errors, status }),
    );
    if (!result.ok) return result.response;
    return reply.redirect(`${parapheurBase(request)}/delegations?fait=creee`, 303);
  });

  app.post(
    '/c/:slug/agent/parapheur/delegations/:delegation/retirer',
    { config: { policy: 'staff' } },
    async (request, reply) => {
      await cancelDelegation(ctx, caller(request), (request.params as { delegation: string }).delegation);
      return reply.redirect(`${parapheurBase(request)}/delegations?fait=retiree`, 303);
    },
  );
}
