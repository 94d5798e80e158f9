/**
 * Security incidents: an agent declares one (`/c/:slug/agent/sensibilisation/incident`, staff);
 * the security officer follows it (`/c/:slug/admin/sensibilisation/incidents/:incident`,
 * communeAdmin): its checklist, and for a personal-data breach the CNIL deadline counted down with
 * the facts the notification needs.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { isUuid } from '../../../platform/ids.js';
import { adminBase, sendAdminPage } from '../../../platform/views/admin-area.js';
import {
  Button,
  CsrfField,
  type FieldErrors,
  Input,
  InsetText,
  Panel,
  Radios,
  SummaryList,
  Tag,
  Textarea,
  WarningText,
} from '../../../platform/views/components.js';
import { formatDateTime } from '../../../platform/views/format.js';
import { type FormBody, formString, handleForm, sendPage } from '../../../platform/views/page-kit.js';
import { accountNames } from '../../identity/index.js';
import { cnilCountdown, formatCountdown } from '../cnil-deadline.js';
import { CNIL_NOTIFICATION_FACTS, PERSONAL_DATA_LABELS, stepsFor } from '../incidents.js';
import { findIncident } from '../repo.js';
import { declareIncident, type IncidentInput } from '../use-cases/declare-incident.js';
import { incidentNotFound, recordIncidentStep } from '../use-cases/record-incident-step.js';
import { Paragraphs } from './ui.js';

export function registerIncidentPages(app: FastifyInstance, ctx: AppContext): void {
  const agentUrl = (request: FastifyRequest) => `/c/${request.commune!.slug}/agent/sensibilisation/incident`;
  const adminUrl = (request: FastifyRequest, id: string) => `${adminBase(request)}/sensibilisation/incidents/${id}`;

  function declarePage(
    request: FastifyRequest,
    reply: FastifyReply,
    values: Partial<IncidentInput>,
    errors: FieldErrors = {},
    status?: number,
  ) {
    return sendPage(request, reply, {
      title: 'Déclarer un incident de sécurité',
      errors,
      fieldOrder: ['what', 'date', 'heure', 'asset', 'personalData'],
      ...(status ? { status } : {}),
      children: (
        <>
          <h1 class="govuk-heading-xl">Déclarer un incident de sécurité</h1>
          <WarningText>
            Si une machine semble infectée, débranchez-la du réseau (câble et Wi-Fi) sans l’éteindre, puis déclarez
            l’incident ici.
          </WarningText>
          <form method="post" action={agentUrl(request)} novalidate>
            <CsrfField token={reply.generateCsrf()} />
            <Textarea
              name="what"
              label="Ce qui s’est passé"
              hint="Par exemple : « J’ai ouvert une pièce jointe, puis des fichiers ont changé de nom »."
              rows={6}
              value={values.what ?? ''}
              error={errors.what}
            />
            <Input
              name="date"
              label="Date, si vous la savez"
              hint="Sous la forme JJ/MM/AAAA."
              width={10}
              value={values.date ?? ''}
              error={errors.date}
            />
            <Input
              name="heure"
              label="Heure, si vous la savez"
              hint="Sous la forme HH:MM, par exemple 14:30."
              width={5}
              value={values.heure ?? ''}
              error={errors.heure}
            />
            <Input
              name="asset"
              label="Machine ou compte concerné"
              hint="Le nom du poste, du téléphone ou l’adresse du compte."
              value={values.asset ?? ''}
              error={errors.asset}
            />
            <Radios
              name="personalData"
              legend="Des données personnelles peuvent-elles être touchées ?"
              legendSize="s"
              hint="Des fichiers ou des courriels qui concernent des habitants, des agents ou des élus."
              value={values.personalData ?? ''}
              error={errors.personalData}
              items={(['oui', 'non', 'inconnu'] as const).map((v) => ({ value: v, label: PERSONAL_DATA_LABELS[v] }))}
            />
            <Button>Déclarer l’incident</Button>
          </form>
        </>
      ),
    });
  }

  app.get('/c/:slug/agent/sensibilisation/incident', { config: { policy: 'staff' } }, async (request, reply) =>
    declarePage(request, reply, {}),
  );

  app.post('/c/:slug/agent/sensibilisation/incident', { config: { policy: 'staff' } }, async (request, reply) => {
    const commune = request.commune!;
    const body = (request.body ?? {}) as FormBody;
    const values = {
      what: formString(body, 'what'),
      date: formString(body, 'date'),
      heure: formString(body, 'heure'),
      asset: formString(body, 'asset'),
      personalData: formString(body, 'personalData') as IncidentInput['personalData'],
    };
    const result = await handleForm(
      () =>
        withTenant(ctx.database, commune.id, (tx) =>
          declareIncident(tx, commune.id, request.actor!, values, request.id),
        ),
      (errors, status) => declarePage(request, reply, values, errors, status),
    );
    if (!result.ok) return result.response;
    return sendPage(request, reply, {
      title: 'Incident déclaré',
      children: (
        <>
          <Panel title="Incident déclaré">La personne chargée de la sécurité est prévenue.</Panel>
          <p class="govuk-body">
            N’effacez rien et ne réinstallez rien : les traces servent à comprendre ce qui s’est passé. Si vous avez
            saisi un mot de passe sur une page douteuse, changez-le depuis le site habituel.
          </p>
        </>
      ),
    });
  });

  app.get(
    '/c/:slug/admin/sensibilisation/incidents/:incident',
    { config: { policy: 'communeAdmin' } },
    async (request, reply) => {
      const commune = request.commune!;
      const id = (request.params as { incident: string }).incident;
      if (!isUuid(id)) throw incidentNotFound();
      const loaded = await withTenant(ctx.database, commune.id, async (tx) => {
        const incident = await findIncident(tx, commune.id, id);
        return incident ? { incident, names: await accountNames(tx, [incident.declaredBy]) } : undefined;
      });
      if (!loaded) throw incidentNotFound();
      const { incident, names } = loaded;
      const who = names.get(incident.declaredBy);
      const steps = stepsFor(incident.personalData);
      const countdown = incident.personalData === 'non' ? null : cnilCountdown(incident.declaredAt, new Date());
      const csrf = reply.generateCsrf();
      return sendAdminPage(request, reply, {
        title: 'Incident de sécurité',
        children: (
          <>
            <span class="govuk-caption-l">Incident de sécurité</span>
            <h1 class="govuk-heading-xl">Déclaré le {formatDateTime(incident.declaredAt)}</h1>
            <SummaryList
              rows={[
                { key: 'Déclaré par', value: who ? `${who.givenName} ${who.familyName}` : 'Personne supprimée' },
                { key: 'Survenu', value: incident.occurredAt ? formatDateTime(incident.occurredAt) : 'Moment inconnu' },
                { key: 'Machine ou compte', value: incident.asset || 'Non précisé' },
                { key: 'Données personnelles', value: PERSONAL_DATA_LABELS[incident.personalData] },
              ]}
            />
            <InsetText>
              <Paragraphs text={incident.what} />
            </InsetText>
            {countdown ? (
              <>
                <h2 class="govuk-heading-l">Notification à la CNIL</h2>
                <WarningText>
                  À notifier au plus tard le {formatDateTime(countdown.deadline)} (
                  {formatCountdown(countdown.minutesLeft)}) : 72 heures après que la commune en a pris connaissance
                  (RGPD, article 33), comptées depuis cette déclaration.
                </WarningText>
                <p class="govuk-body">Les éléments à donner :</p>
                <ul class="govuk-list govuk-list--bullet">
                  {CNIL_NOTIFICATION_FACTS.map((f) => (
                    <li key={f}>{f}</li>
                  ))}
                </ul>
              </>
            ) : null}
            <h2 class="govuk-heading-l">Étapes</h2>
            {steps.map((s) => {
              const done = incident.steps.includes(s.key);
              return (
                <div key={s.key} class="govuk-!-margin-bottom-6">
                  <h3 class="govuk-heading-s">
                    {s.label} {done ? <Tag colour="green">Fait</Tag> : <Tag colour="grey">À faire</Tag>}
                  </h3>
                  <p class="govuk-body">{s.hint}</p>
                  {done ? null : (
                    <form method="post" action={`${adminUrl(request, incident.id)}/etapes`}>
                      <CsrfField token={csrf} />
                      <input type="hidden" name="step" value={s.key} />
                      <Button variant="secondary">
                        Marquer comme fait<span class="govuk-visually-hidden"> : {s.label}</span>
                      </Button>
                    </form>
                  )}
                </div>
              );
            })}
          </>
        ),
      });
    },
  );

  app.post(
    '/c/:slug/admin/sensibilisation/incidents/:incident/etapes',
    { config: { policy: 'communeAdmin' } },
    async (request, reply) => {
      const commune = request.commune!;
      const id = (request.params as { incident: string }).incident;
      if (!isUuid(id)) throw incidentNotFound();
      const step = formString(request.body, 'step');
      await withTenant(ctx.database, commune.id, (tx) =>
        recordIncidentStep(tx, commune.id, request.actor!, id, step, request.id),
      );
      return reply.redirect(adminUrl(request, id), 303);
    },
  );
}
