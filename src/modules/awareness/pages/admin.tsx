/**
 * The security officer's pages (`/c/:slug/admin/sensibilisation`, communeAdmin — the commune's
 * administrators are its security officer, decision 0053): the staff notice and its publication,
 * the campaigns (launch, results per service, individual results), the queue of real suspicious
 * mails reported by agents, the trainings (how many people passed each — counts, no names — and
 * the monthly reminder setting).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ROLE_LABELS } from '../../../platform/authz/roles.js';
import type { AppContext } from '../../../platform/context.js';
import { type Tx, withTenant } from '../../../platform/db/tenant.js';
import { AppError } from '../../../platform/errors.js';
import { isUuid } from '../../../platform/ids.js';
import { listServices } from '../../../platform/tenancy/communes.js';
import { adminBase, sendAdminPage } from '../../../platform/views/admin-area.js';
import {
  Button,
  Checkboxes,
  CsrfField,
  Details,
  type FieldErrors,
  Input,
  InsetText,
  Radios,
  SummaryList,
  Table,
  Tag,
  WarningText,
} from '../../../platform/views/components.js';
import { formatDateTime } from '../../../platform/views/format.js';
import { type FormBody, formString, handleForm } from '../../../platform/views/page-kit.js';
import { accountNames, listStaffContacts } from '../../identity/index.js';
import { cnilCountdown, formatCountdown } from '../cnil-deadline.js';
import { staffNoticeText } from '../notice.js';
import {
  campaignCounts,
  completionsByAccount,
  findCampaign,
  findNotice,
  individualResults,
  listCampaigns,
  listOpenIncidents,
  listOpenReports,
  trainingRemindersOn,
} from '../repo.js';
import { formatRate, ratesOf } from '../results.js';
import { DIFFICULTY_LABELS, findScenario, SCENARIOS } from '../scenarios.js';
import { TRAININGS } from '../trainings.js';
import { launchCampaign, TARGET_ROLES } from '../use-cases/launch-campaign.js';
import { publishNotice } from '../use-cases/publish-notice.js';
import { configureTrainingReminders } from '../use-cases/set-training-reminders.js';
import { EVENT_LABELS, Paragraphs } from './ui.js';

function campaignNotFound(): AppError {
  return new AppError('awareness.campaign_not_found', 'unknown campaign', 404, {
    userMessage: 'Cette campagne n’existe pas.',
  });
}

function list(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : typeof value === 'string' ? [value] : [];
}

interface TrainingSummary {
  staff: number;
  perTraining: Array<{ title: string; passed: number }>;
  allPassed: number;
  reminders: boolean;
}

/** Counts only: how many of the commune's current staff passed each training, and all of them. */
async function trainingSummary(tx: Tx, communeId: string): Promise<TrainingSummary> {
  const staff = await listStaffContacts(tx, communeId);
  const ids = new Set(staff.map((m) => m.accountId));
  const byAccount = await completionsByAccount(tx, communeId);
  const current = [...byAccount].filter(([id]) => ids.has(id)).map(([, set]) => set);
  return {
    staff: staff.length,
    perTraining: TRAININGS.map((t) => ({ title: t.title, passed: current.filter((set) => set.has(t.key)).length })),
    allPassed: current.filter((set) => TRAININGS.every((t) => set.has(t.key))).length,
    reminders: await trainingRemindersOn(tx, communeId),
  };
}

function TrainingSection({ training, csrf, action }: { training: TrainingSummary; csrf: string; action: string }) {
  return (
    <>
      <h2 class="govuk-heading-l" id="formations">
        Formations
      </h2>
      <p class="govuk-body">
        Cinq formations de 5 minutes pour les agents et les élus. Ces chiffres ne nomment personne : chacun voit ses
        propres formations et télécharge lui-même son attestation.
      </p>
      <Table
        caption="Personnes ayant réussi chaque formation"
        captionSize="s"
        columns={[{ label: 'Formation' }, { label: 'Réussie par', numeric: true }]}
        rows={[
          ...training.perTraining.map((t) => [t.title, `${t.passed} sur ${training.staff}`]),
          ['Les cinq formations', `${training.allPassed} sur ${training.staff}`],
        ]}
      />
      <form method="post" action={action} novalidate>
        <CsrfField token={csrf} />
        <Radios
          name="reminders"
          legend="Rappel mensuel par courriel"
          legendSize="m"
          hint="Une fois par mois au plus, un courriel rappelle les formations qui restent à chaque membre du personnel qui ne les a pas toutes réussies."
          value={training.reminders ? 'oui' : 'non'}
          items={[
            { value: 'oui', label: 'Envoyer le rappel mensuel' },
            { value: 'non', label: 'Ne pas envoyer de rappel' },
          ]}
        />
        <Button variant="secondary">Enregistrer le choix des rappels</Button>
      </form>
    </>
  );
}

export function registerAdminPages(app: FastifyInstance, ctx: AppContext): void {
  const base = (request: FastifyRequest) => `${adminBase(request)}/sensibilisation`;

  app.get('/c/:slug/admin/sensibilisation', { config: { policy: 'communeAdmin' } }, async (request, reply) => {
    const commune = request.commune!;
    const { notice, campaigns, reports, incidents, names, training } = await withTenant(
      ctx.database,
      commune.id,
      async (tx) => {
        const reports = await listOpenReports(tx, commune.id);
        const incidents = await listOpenIncidents(tx, commune.id);
        return {
          training: await trainingSummary(tx, commune.id),
          notice: await findNotice(tx, commune.id),
          campaigns: await listCampaigns(tx, commune.id),
          reports,
          incidents,
          names: await accountNames(tx, [...reports.map((r) => r.accountId), ...incidents.map((i) => i.declaredBy)]),
        };
      },
    );
    const now = new Date();
    const csrf = reply.generateCsrf();
    const query = request.query as FormBody;
    return sendAdminPage(request, reply, {
      title: 'Sensibilisation à la cybersécurité',
      wide: true,
      ...(query.note === 'publiee'
        ? { notice: { kind: 'success' as const, title: 'La note d’information du personnel est publiée.' } }
        : query.rappels === 'oui' || query.rappels === 'non'
          ? {
              notice: {
                kind: 'success' as const,
                title:
                  query.rappels === 'oui'
                    ? 'Les rappels mensuels des formations sont activés.'
                    : 'Les rappels mensuels des formations sont arrêtés.',
              },
            }
          : {}),
      children: (
        <>
          <h1 class="govuk-heading-xl">Sensibilisation à la cybersécurité</h1>
          <h2 class="govuk-heading-l">Note d’information du personnel</h2>
          {notice ? (
            <p class="govuk-body">
              <Tag colour="green">Publiée</Tag> le {formatDateTime(notice.publishedAt)}. Les agents la lisent depuis
              leur page « Sensibilisation ».
            </p>
          ) : (
            <WarningText>
              Aucune campagne ne peut commencer avant la publication de cette note : le personnel doit être informé que
              des exercices d’hameçonnage peuvent avoir lieu, de ce qui est mesuré et de qui voit les résultats.
            </WarningText>
          )}
          <details class="govuk-details">
            <summary class="govuk-details__summary">
              <span class="govuk-details__summary-text">Lire la note {notice ? 'publiée' : 'proposée'}</span>
            </summary>
            <div class="govuk-details__text">
              <Paragraphs text={notice?.body ?? staffNoticeText(commune.name)} />
            </div>
          </details>
          <form method="post" action={`${base(request)}/note`}>
            <CsrfField token={csrf} />
            <Button variant={notice ? 'secondary' : undefined}>
              {notice ? 'Publier à nouveau la note' : 'Publier la note d’information'}
            </Button>
          </form>

          <h2 class="govuk-heading-l">Campagnes</h2>
          {notice ? (
            <Button href={`${base(request)}/campagnes/nouvelle`}>Lancer une campagne</Button>
          ) : (
            <p class="govuk-body">Publiez la note pour pouvoir lancer une campagne.</p>
          )}
          {campaigns.length === 0 ? (
            <p class="govuk-body">Aucune campagne pour l’instant.</p>
          ) : (
            <Table
              caption="Campagnes de la commune"
              captionSize="m"
              columns={[{ label: 'Campagne' }, { label: 'Scénario' }, { label: 'Lancée le' }]}
              rows={campaigns.map((c) => [
                <a key={c.id} class="govuk-link" href={`${base(request)}/campagnes/${c.id}`}>
                  {c.name}
                </a>,
                findScenario(c.scenario)?.title ?? c.scenario,
                formatDateTime(c.startsAt),
              ])}
            />
          )}

          <TrainingSection training={training} csrf={csrf} action={`${base(request)}/rappels`} />

          <h2 class="govuk-heading-l">Incidents de sécurité déclarés</h2>
          {incidents.length === 0 ? (
            <p class="govuk-body">Aucun incident en cours.</p>
          ) : (
            <Table
              caption="Incidents en cours"
              captionSize="s"
              columns={[{ label: 'Déclaré le' }, { label: 'Par' }, { label: 'Notification à la CNIL' }]}
              rows={incidents.map((i) => {
                const who = names.get(i.declaredBy);
                const countdown = i.personalData === 'non' ? null : cnilCountdown(i.declaredAt, now);
                return [
                  <a key={i.id} class="govuk-link" href={`${base(request)}/incidents/${i.id}`}>
                    {formatDateTime(i.declaredAt)}
                  </a>,
                  who ? `${who.givenName} ${who.familyName}` : 'Personne supprimée',
                  countdown === null ? (
                    'Sans objet'
                  ) : i.steps.includes('cnil') ? (
                    <Tag colour="green">Notifiée</Tag>
                  ) : (
                    <>
                      <Tag colour={countdown.overdue ? 'red' : 'yellow'}>{formatCountdown(countdown.minutesLeft)}</Tag>{' '}
                      avant le {formatDateTime(countdown.deadline)}
                    </>
                  ),
                ];
              })}
            />
          )}

          <h2 class="govuk-heading-l">Messages suspects signalés</h2>
          {reports.length === 0 ? (
            <p class="govuk-body">Aucun message suspect en attente.</p>
          ) : (
            reports.map((r) => {
              const who = names.get(r.accountId);
              return (
                <div key={r.id} class="govuk-!-margin-bottom-6">
                  <h3 class="govuk-heading-s">
                    Signalé le {formatDateTime(r.createdAt)}
                    {who ? ` par ${who.givenName} ${who.familyName}` : ''}
                  </h3>
                  <InsetText>
                    <Paragraphs text={r.content} />
                  </InsetText>
                </div>
              );
            })
          )}
        </>
      ),
    });
  });

  app.post('/c/:slug/admin/sensibilisation/rappels', { config: { policy: 'communeAdmin' } }, async (request, reply) => {
    const commune = request.commune!;
    const reminders = formString(request.body, 'reminders');
    const { on } = await withTenant(ctx.database, commune.id, (tx) =>
      configureTrainingReminders(tx, commune.id, request.actor!, { reminders }, request.id),
    );
    return reply.redirect(`${base(request)}?rappels=${on ? 'oui' : 'non'}#formations`, 303);
  });

  app.post('/c/:slug/admin/sensibilisation/note', { config: { policy: 'communeAdmin' } }, async (request, reply) => {
    const commune = request.commune!;
    await withTenant(ctx.database, commune.id, (tx) => publishNotice(tx, commune, request.actor!, request.id));
    return reply.redirect(`${base(request)}?note=publiee`, 303);
  });

  async function newCampaignPage(
    request: FastifyRequest,
    reply: FastifyReply,
    values: {
      name?: string;
      scenario?: string;
      serviceIds?: string[];
      roles?: string[];
      accountIds?: string[];
      windowHours?: string;
    },
    errors: FieldErrors = {},
    status?: number,
  ) {
    const commune = request.commune!;
    const [services, staff] = await withTenant(ctx.database, commune.id, async (tx) => [
      await listServices(tx, commune.id),
      await listStaffContacts(tx, commune.id),
    ]);
    const csrf = reply.generateCsrf();
    return sendAdminPage(request, reply, {
      title: 'Lancer une campagne',
      errors,
      ...(status ? { status } : {}),
      fieldOrder: ['name', 'scenario', 'serviceIds', 'roles', 'accountIds', 'windowHours'],
      children: (
        <>
          <h1 class="govuk-heading-xl">Lancer une campagne</h1>
          <p class="govuk-body">
            Chaque personne visée reçoit le message du scénario, avec un lien qui lui est propre. Les envois sont
            répartis sur la durée choisie, dans un ordre tiré au hasard.
          </p>
          <form method="post" action={`${base(request)}/campagnes`} novalidate>
            <CsrfField token={csrf} />
            <Input
              name="name"
              label="Nom de la campagne"
              hint="Pour vous seulement, par exemple « Décembre 2026 – services techniques »."
              value={values.name ?? ''}
              error={errors.name}
            />
            <Radios
              name="scenario"
              legend="Scénario"
              legendSize="m"
              value={values.scenario ?? ''}
              error={errors.scenario}
              items={SCENARIOS.map((s) => ({
                value: s.key,
                label: s.title,
                hint: `${DIFFICULTY_LABELS[s.difficulty]}. Objet : « ${s.mail(commune.name).subject} »${s.fakePage ? ' ; le lien mène à une fausse page de connexion' : ''}.`,
              }))}
            />
            <Checkboxes
              name="serviceIds"
              legend="Services visés"
              legendSize="m"
              hint="Les membres du personnel rattachés à l’un de ces services."
              values={values.serviceIds ?? []}
              error={errors.serviceIds}
              items={services.map((s) => ({ value: s.id, label: s.name }))}
            />
            <Checkboxes
              name="roles"
              legend="Rôles visés"
              legendSize="m"
              hint="Et, quel que soit leur service, les personnes qui ont l’un de ces rôles."
              values={values.roles ?? []}
              error={errors.roles}
              items={TARGET_ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }))}
            />
            <Details
              summary="Viser aussi des personnes nommément"
              open={(values.accountIds ?? []).length > 0 || errors.accountIds !== undefined}
            >
              <Checkboxes
                name="accountIds"
                legend="Personnes visées"
                legendSize="s"
                hint="Par exemple pour refaire l’exercice avec une personne seulement, ou pour une petite commune."
                values={values.accountIds ?? []}
                error={errors.accountIds}
                items={staff.map((m) => ({
                  value: m.accountId,
                  label: `${[m.givenName, m.familyName].filter(Boolean).join(' ') || m.email}`,
                  hint: m.email,
                }))}
              />
            </Details>
            <Input
              name="windowHours"
              label="Durée de l’envoi, en heures"
              hint="Entre 0 (tout envoyer tout de suite) et 168 heures (une semaine). Étaler l’envoi évite que les collègues se préviennent."
              inputmode="numeric"
              width={3}
              value={values.windowHours ?? '8'}
              error={errors.windowHours}
            />
            <Button>Lancer la campagne</Button>
          </form>
        </>
      ),
    });
  }

  app.get(
    '/c/:slug/admin/sensibilisation/campagnes/nouvelle',
    { config: { policy: 'communeAdmin' } },
    async (request, reply) => newCampaignPage(request, reply, {}),
  );

  app.post(
    '/c/:slug/admin/sensibilisation/campagnes',
    { config: { policy: 'communeAdmin' } },
    async (request, reply) => {
      const commune = request.commune!;
      const body = (request.body ?? {}) as FormBody;
      const values = {
        name: formString(body, 'name'),
        scenario: formString(body, 'scenario'),
        serviceIds: list(body.serviceIds),
        roles: list(body.roles),
        accountIds: list(body.accountIds),
        windowHours: formString(body, 'windowHours'),
      };
      const result = await handleForm(
        () =>
          withTenant(ctx.database, commune.id, (tx) =>
            launchCampaign(tx, ctx.queue, commune.id, request.actor!, values, request.id),
          ),
        (errors, status) => newCampaignPage(request, reply, values, errors, status),
      );
      if (!result.ok) return result.response;
      return reply.redirect(`${base(request)}/campagnes/${result.value.campaignId}?lancee=1`, 303);
    },
  );

  app.get(
    '/c/:slug/admin/sensibilisation/campagnes/:campaign',
    { config: { policy: 'communeAdmin' } },
    async (request, reply) => {
      const commune = request.commune!;
      const id = (request.params as { campaign: string }).campaign;
      if (!isUuid(id)) throw campaignNotFound();
      const loaded = await withTenant(ctx.database, commune.id, async (tx) => {
        const campaign = await findCampaign(tx, commune.id, id);
        if (!campaign) return undefined;
        const individual = await individualResults(tx, commune.id, { campaignId: id });
        return {
          campaign,
          counts: await campaignCounts(tx, commune.id, id),
          services: await listServices(tx, commune.id),
          individual,
          names: await accountNames(
            tx,
            individual.map((r) => r.accountId),
          ),
        };
      });
      if (!loaded) throw campaignNotFound();
      const { campaign, counts, services, individual, names } = loaded;
      const scenario = findScenario(campaign.scenario);
      const serviceName = new Map(services.map((s) => [s.id, s.name]));
      const rates = ratesOf(counts.total);
      const launched = (request.query as FormBody).lancee === '1';
      return sendAdminPage(request, reply, {
        title: `Campagne ${campaign.name}`,
        wide: true,
        ...(launched
          ? {
              notice: {
                kind: 'success' as const,
                title: 'La campagne est lancée.',
                text: `${counts.total.targeted} message${counts.total.targeted > 1 ? 's' : ''} ${counts.total.targeted > 1 ? 'partiront' : 'partira'} dans les ${campaign.windowHours} heure${campaign.windowHours > 1 ? 's' : ''}.`,
              },
            }
          : {}),
        children: (
          <>
            <span class="govuk-caption-l">Campagne de sensibilisation</span>
            <h1 class="govuk-heading-xl">{campaign.name}</h1>
            <SummaryList
              rows={[
                {
                  key: 'Scénario',
                  value: scenario ? `${scenario.title} (${DIFFICULTY_LABELS[scenario.difficulty]})` : '',
                },
                { key: 'Lancée le', value: formatDateTime(campaign.startsAt) },
                { key: 'Personnes visées', value: String(counts.total.targeted) },
                { key: 'Messages envoyés', value: String(counts.total.sent) },
                { key: 'Taux de clic', value: formatRate(rates.click) },
                { key: 'Taux de saisie sur la fausse page', value: formatRate(rates.submit) },
                { key: 'Taux de signalement', value: formatRate(rates.report) },
                { key: 'Taux d’ouverture (indicatif)', value: formatRate(rates.open) },
              ]}
            />
            <p class="govuk-body">
              L’ouverture n’est qu’indicative : beaucoup de messageries bloquent les images, d’autres les chargent
              toutes. Une personne qui a cliqué compte comme ayant ouvert le message.
            </p>
            <Table
              caption="Résultats par service"
              captionSize="m"
              columns={[
                { label: 'Service' },
                { label: 'Envoyés', numeric: true },
                { label: 'Taux de clic', numeric: true },
                { label: 'Taux de signalement', numeric: true },
              ]}
              rows={counts.perService.map((s) => {
                const r = ratesOf(s);
                return [
                  serviceName.get(s.serviceId) ?? 'Service retiré',
                  String(s.sent),
                  formatRate(r.click),
                  formatRate(r.report),
                ];
              })}
            />
            <h2 class="govuk-heading-l">Résultats individuels</h2>
            <InsetText>
              Réservés à la personne chargée de la sécurité informatique : ils ne sont pas communiqués à la hiérarchie
              et ne servent à aucune évaluation (note d’information du personnel).
            </InsetText>
            {individual.length === 0 ? (
              <p class="govuk-body">Aucun message envoyé pour l’instant.</p>
            ) : (
              <Table
                caption="Ce que chaque personne a fait"
                captionSize="s"
                columns={[{ label: 'Personne' }, { label: 'Envoyé le' }, { label: 'Actions' }]}
                rows={individual.map((r) => {
                  const who = names.get(r.accountId);
                  return [
                    who ? `${who.givenName} ${who.familyName}` : 'Personne supprimée',
                    formatDateTime(r.sendAt),
                    r.events.length === 0 ? 'Aucune' : r.events.map((e) => EVENT_LABELS[e]).join(', '),
                  ];
                })}
              />
            )}
          </>
        ),
      });
    },
  );
}
