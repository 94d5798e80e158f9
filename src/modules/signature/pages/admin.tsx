/**
 * The parapheur's administration (/c/<slug>/admin/parapheur): who holds each function (maire,
 * adjoint aux finances, DGS, chef of each service), the purchase-order threshold, and the circuit
 * used for each document type. Delegations are on their own page (delegations.tsx).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.js';
import { formatEuros } from '../../../platform/money.js';
import { adminBase, sendAdminPage } from '../../../platform/views/admin-area.js';
import { Button, CsrfField, type FieldErrors, Input, Select, Table } from '../../../platform/views/components.js';
import { type FormBody, formString, handleForm } from '../../../platform/views/page-kit.js';
import { DEFAULT_CIRCUITS, DOCUMENT_TYPE_LABELS, DOCUMENT_TYPES, FUNCTION_TITLES } from '../circuits.js';
import { type SettingsPage, settingsPage } from '../queries.js';
import type { Caller } from '../use-cases/common.js';
import {
  assignFunctions,
  DEFAULT_REMINDER_DAYS,
  setPurchaseOrderThreshold,
  setReminderDelay,
} from '../use-cases/configure-parapheur.js';
import { actorLabel } from './ui.js';

const NOTICES: Record<string, string> = {
  fonctions: 'Les fonctions sont enregistrées. Elles s’appliquent aux étapes qui commencent désormais.',
  seuil: 'Le seuil est enregistré. Il s’applique aux nouveaux dossiers.',
  rappels: 'Le délai des rappels est enregistré.',
};

function caller(request: FastifyRequest): Caller {
  return { communeId: request.commune!.id, actor: request.actor!, requestId: request.id };
}

function render(
  request: FastifyRequest,
  reply: FastifyReply,
  data: SettingsPage,
  form: { values?: Record<string, string>; errors?: FieldErrors; status?: number } = {},
) {
  const errors = form.errors ?? {};
  const holder = (key: string, serviceId: string | null = null) =>
    form.values?.[serviceId ? `chef-${serviceId}` : key] ??
    data.holders.find((h) => h.functionKey === key && h.serviceId === serviceId)?.accountId ??
    '';
  const people = [
    { value: '', label: 'Personne' },
    ...data.staff.map((s) => ({ value: s.accountId, label: `${s.givenName} ${s.familyName}` })),
  ];
  const done = formString(request.query, 'fait');
  const url = `${adminBase(request)}/parapheur`;
  const csrf = reply.generateCsrf();
  return sendAdminPage(request, reply, {
    title: 'Parapheur',
    errors,
    ...(form.status ? { status: form.status } : {}),
    ...(NOTICES[done] && !form.errors ? { notice: { kind: 'success' as const, title: NOTICES[done]! } } : {}),
    children: (
      <>
        <h1 class="govuk-heading-xl">Parapheur</h1>
        <p class="govuk-body">
          Les circuits désignent des fonctions ; la personne qui l’exerce est choisie au moment où l’étape commence.{' '}
          <a class="govuk-link" href={`/c/${request.commune!.slug}/agent/parapheur/delegations`}>
            Gérer les délégations
          </a>
        </p>
        <form method="post" action={`${url}/fonctions`} novalidate>
          <CsrfField token={csrf} />
          <h2 class="govuk-heading-l">Fonctions</h2>
          {(['maire', 'adjoint_finances', 'dgs'] as const).map((key) => (
            <Select
              key={key}
              name={key}
              label={FUNCTION_TITLES[key]}
              value={holder(key)}
              error={errors[key]}
              options={people}
            />
          ))}
          <h3 class="govuk-heading-m">Chefs de service</h3>
          {data.services.map((s) => (
            <Select
              key={s.id}
              name={`chef-${s.id}`}
              label={`Chef du service ${s.name}`}
              value={holder('chef_service', s.id)}
              error={errors[`chef-${s.id}`]}
              options={people}
            />
          ))}
          <Button>Enregistrer les fonctions</Button>
        </form>
        <form method="post" action={`${url}/seuil`} novalidate>
          <CsrfField token={csrf} />
          <h2 class="govuk-heading-l">Seuil des bons de commande</h2>
          <Input
            name="seuil"
            label="Montant TTC en euros au-delà duquel un bon de commande reçoit le visa du DGS et la signature de l’adjoint aux finances"
            hint={`Règle de contrôle interne propre à la commune. Actuellement : ${formatEuros(data.thresholdCents)}.`}
            inputmode="decimal"
            width={10}
            value={form.values?.seuil ?? (data.thresholdCents / 100).toFixed(2).replace('.', ',')}
            error={errors.seuil}
          />
          <Button>Enregistrer le seuil</Button>
        </form>
        <form method="post" action={`${url}/rappels`} novalidate>
          <CsrfField token={csrf} />
          <h2 class="govuk-heading-l">Rappels</h2>
          <Input
            name="rappel"
            label="Après combien de jours d’attente un signataire reçoit-il un rappel ? (nombre de jours)"
            hint={`Un courriel par jour et par personne, qui liste ses dossiers en attente depuis plus longtemps. 0 : aucun rappel. Par défaut : ${DEFAULT_REMINDER_DAYS} jours.`}
            inputmode="numeric"
            width={2}
            value={form.values?.rappel ?? String(data.reminderAfterDays ?? DEFAULT_REMINDER_DAYS)}
            error={errors.rappel}
          />
          <Button>Enregistrer le délai</Button>
        </form>
        <Table
          caption="Circuits par type de document"
          captionSize="l"
          columns={[{ label: 'Type' }, { label: 'Circuit' }, { label: 'Étapes' }]}
          rows={DOCUMENT_TYPES.map((t) => {
            const circuit = data.circuits.get(t) ?? DEFAULT_CIRCUITS[t];
            return [
              DOCUMENT_TYPE_LABELS[t],
              circuit.name,
              circuit.steps
                .map(
                  (s) =>
                    `${s.kind === 'visa' ? 'visa' : 'signature'} : ${s.actors
                      .map((a) => actorLabel(a, data.names))
                      .join(s.mode === 'any' ? ' ou ' : ' et ')}`,
                )
                .join(' → '),
            ];
          })}
        />
      </>
    ),
  });
}

export function registerAdminPages(app: FastifyInstance, ctx: AppContext): void {
  app.get('/c/:slug/admin/parapheur', { config: { policy: 'communeAdmin' } }, async (request, reply) =>
    render(request, reply, await settingsPage(ctx, request.commune!.id)),
  );

  app.post('/c/:slug/admin/parapheur/fonctions', { config: { policy: 'communeAdmin' } }, async (request, reply) => {
    const body = (request.body ?? {}) as FormBody;
    const chefs: Record<string, string> = {};
    const values: Record<string, string> = {};
    for (const [key, value] of Object.entries(body)) {
      if (typeof value !== 'string') continue;
      values[key] = value;
      if (key.startsWith('chef-')) chefs[key.slice(5)] = value;
    }
    const result = await handleForm(
      () =>
        assignFunctions(ctx, caller(request), {
          maire: body.maire,
          adjoint_finances: body.adjoint_finances,
          dgs: body.dgs,
          chefs,
        }),
      async (errors, status) =>
        render(request, reply, await settingsPage(ctx, request.commune!.id), { values, errors, status }),
    );
    if (!result.ok) return result.response;
    return reply.redirect(`${adminBase(request)}/parapheur?fait=fonctions`, 303);
  });

  app.post('/c/:slug/admin/parapheur/rappels', { config: { policy: 'communeAdmin' } }, async (request, reply) => {
    const body = (request.body ?? {}) as FormBody;
    const result = await handleForm(
      () => setReminderDelay(ctx, caller(request), { rappel: formString(body, 'rappel') }),
      async (errors, status) =>
        render(request, reply, await settingsPage(ctx, request.commune!.id), {
          values: { rappel: formString(body, 'rappel') },
          errors,
          status,
        }),
    );
    if (!result.ok) return result.response;
    return reply.redirect(`${adminBase(request)}/parapheur?fait=rappels`, 303);
  });

  app.post('/c/:slug/admin/parapheur/seuil', { config: { policy: 'communeAdmin' } }, async (request, reply) => {
    const body = (request.body ?? {}) as FormBody;
    const result = await handleForm(
      () => setPurchaseOrderThreshold(ctx, caller(request), { seuil: formString(body, 'seuil') }),
      async (errors, status) =>
        render(request, reply, await settingsPage(ctx, request.commune!.id), {
          values: { seuil: formString(body, 'seuil') },
          errors,
          status,
        }),
    );
    if (!result.ok) return result.response;
    return reply.redirect(`${adminBase(request)}/parapheur?fait=seuil`, 303);
  });
}
