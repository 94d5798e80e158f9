/**
 * The family portal's tariffs in the administration area (`/c/<slug>/admin/famille`, commune
 * administrators): the activities, each with its grids in dated versions; a form to add an
 * activity, and one to record a new grid adopted by délibération (brackets typed one per line,
 * or an effort rate). Refused input comes back with its French message; nothing typed is lost.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { isUuid } from '../../../platform/ids.js';
import { eurosInputValue, formatEuros } from '../../../platform/money.js';
import { adminBase, sendAdminPage } from '../../../platform/views/admin-area.js';
import {
  BackLink,
  Button,
  Checkboxes,
  CsrfField,
  DateInput,
  type FieldErrors,
  Input,
  Radios,
  Table,
  Textarea,
} from '../../../platform/views/components.js';
import { formatDate } from '../../../platform/views/format.js';
import { formString, handleForm } from '../../../platform/views/page-kit.js';
import { activitiesWithGrids } from '../queries.js';
import { findActivity } from '../repo.js';
import type { ActivityRow } from '../schema.js';
import { GRID_FORM_FIELDS, type GridForm } from '../tariffs/grid-form.js';
import { bracketLabel, formatRate, type TariffRules } from '../tariffs/pricing.js';
import { type ActivityInput, createActivity } from '../use-cases/create-activity.js';
import { ACTIVITY_NOT_FOUND, saveTariffGrid } from '../use-cases/save-tariff-grid.js';

const slugParams = z.object({ slug: z.string().max(63) }).strict();
const activityParams = z.object({ slug: z.string().max(63), activity: z.string().max(100) }).strict();

function rulesText(rules: TariffRules): string {
  const m = rules.model;
  const base =
    m.kind === 'brackets'
      ? m.brackets.map((b) => `${bracketLabel(b)} : ${formatEuros(b.priceCents)}`).join(' ; ')
      : `${formatRate(m.ratePpm)} du QF, de ${formatEuros(m.floorCents)} à ${formatEuros(m.ceilingCents)}`;
  return [
    base,
    rules.nonResidentPriceCents !== null ? `extérieurs ${formatEuros(rules.nonResidentPriceCents)}` : null,
    rules.siblingReductionPercent > 0 ? `fratrie −${rules.siblingReductionPercent} %` : null,
    rules.oneEuroCanteen ? 'cantine à 1 €' : null,
  ]
    .filter(Boolean)
    .join(' ; ');
}

/** The form's values from the latest grid (a new version usually changes a few prices). */
function formFromRules(rules: TariffRules | undefined): GridForm {
  const empty = Object.fromEntries(GRID_FORM_FIELDS.map((k) => [k, ''])) as unknown as GridForm;
  if (!rules) return { ...empty, model: 'brackets', missingQf: 'highest' };
  const m = rules.model;
  return {
    ...empty,
    model: m.kind,
    brackets:
      m.kind === 'brackets'
        ? m.brackets
            .map((b) => `${b.fromQf} ${b.toQf === null ? 'et plus' : `à ${b.toQf}`} : ${eurosInputValue(b.priceCents)}`)
            .join('\n')
        : '',
    rate: m.kind === 'effort' ? String(m.ratePpm / 10_000).replace('.', ',') : '',
    floor: m.kind === 'effort' ? eurosInputValue(m.floorCents) : '',
    ceiling: m.kind === 'effort' ? eurosInputValue(m.ceilingCents) : '',
    nonResident: rules.nonResidentPriceCents === null ? '' : eurosInputValue(rules.nonResidentPriceCents),
    missingQf: rules.missingQf,
    siblingReduction: rules.siblingReductionPercent > 0 ? String(rules.siblingReductionPercent) : '',
    costPerUser: rules.costPerUserCents === null ? '' : eurosInputValue(rules.costPerUserCents),
    oneEuroCanteen: rules.oneEuroCanteen ? 'oui' : '',
  };
}

function gridFormFromBody(body: unknown): GridForm {
  const form = Object.fromEntries(GRID_FORM_FIELDS.map((k) => [k, formString(body, k)])) as unknown as GridForm;
  return {
    ...form,
    validFromDay: formString(body, 'validFrom-day'),
    validFromMonth: formString(body, 'validFrom-month'),
    validFromYear: formString(body, 'validFrom-year'),
  };
}

export function registerAdminTariffPages(parent: FastifyInstance, ctx: AppContext): void {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const base = (request: FastifyRequest) => `${adminBase(request)}/famille`;

  async function listPage(
    request: FastifyRequest,
    reply: FastifyReply,
    form: { values?: ActivityInput; errors?: FieldErrors; saved?: string } = {},
  ) {
    const commune = request.commune!;
    const activities = await withTenant(ctx.database, commune.id, (tx) => activitiesWithGrids(tx, commune.id));
    const errors = form.errors ?? {};
    return sendAdminPage(request, reply, {
      title: 'Portail famille : activités et tarifs',
      errors,
      fieldOrder: ['name', 'unit'],
      ...(form.saved ? { notice: { kind: 'success' as const, title: form.saved } } : {}),
      wide: true,
      children: (
        <>
          <h1 class="govuk-heading-xl">Activités et tarifs</h1>
          <p class="govuk-body">
            Les tarifs publiés ici sont ceux du{' '}
            <a class="govuk-link" href={`/c/${commune.slug}/famille/tarifs`}>
              simulateur public
            </a>{' '}
            et de la facturation. Chaque nouvelle grille, adoptée par délibération, remplace la précédente à sa date
            d’entrée en vigueur ; les anciennes restent consultables.
          </p>
          {activities.length === 0 ? <p class="govuk-body">Aucune activité pour l’instant.</p> : null}
          {activities.map(({ activity, grids }) => (
            <section key={activity.id} aria-labelledby={`activite-${activity.slug}`}>
              <h2 class="govuk-heading-m" id={`activite-${activity.slug}`}>
                {activity.name} <span class="govuk-caption-m">prix par {activity.unit}</span>
              </h2>
              {grids.length === 0 ? (
                <p class="govuk-body">Pas encore de grille de tarifs.</p>
              ) : (
                <Table
                  caption={`Grilles de tarifs : ${activity.name}`}
                  captionSize="s"
                  columns={[{ label: 'En vigueur' }, { label: 'Tarifs' }, { label: 'Délibération' }]}
                  rows={grids.map((g) => [
                    g.validTo
                      ? `du ${formatDate(g.validFrom)} au ${formatDate(g.validTo)}`
                      : `depuis le ${formatDate(g.validFrom)}`,
                    rulesText(g.rules),
                    g.source,
                  ])}
                />
              )}
              <ul class="govuk-list">
                <li>
                  <a class="govuk-link" href={`${base(request)}/activites/${activity.id}/grille`}>
                    Enregistrer une nouvelle grille<span class="govuk-visually-hidden"> : {activity.name}</span>
                  </a>
                </li>
                <li>
                  <a class="govuk-link" href={`${base(request)}/activites/${activity.id}/jours`}>
                    Jours d’ouverture et fermetures<span class="govuk-visually-hidden"> : {activity.name}</span>
                  </a>
                </li>
                <li>
                  <a class="govuk-link" href={`${base(request)}/activites/${activity.id}/inscriptions`}>
                    Inscriptions{activity.openForEnrolment ? ' (ouvertes)' : ' (fermées)'}
                    <span class="govuk-visually-hidden"> : {activity.name}</span>
                  </a>
                </li>
              </ul>
            </section>
          ))}
          <h2 class="govuk-heading-l">Ajouter une activité</h2>
          <form method="post" action={`${base(request)}/activites`} novalidate>
            <CsrfField token={reply.generateCsrf()} />
            <Input
              name="name"
              label="Nom de l’activité"
              hint="Par exemple : Restauration scolaire, Accueil du soir, Centre de loisirs du mercredi"
              value={form.values?.name}
              error={errors.name}
            />
            <Input
              name="unit"
              label="Ce que paie un prix"
              hint="Par exemple : repas, séance, demi-journée, heure"
              width={20}
              value={form.values?.unit}
              error={errors.unit}
            />
            <Button>Ajouter l’activité</Button>
          </form>
        </>
      ),
    });
  }

  async function gridPage(
    request: FastifyRequest,
    reply: FastifyReply,
    activity: ActivityRow,
    latest: TariffRules | undefined,
    form: { values?: GridForm; errors?: FieldErrors } = {},
  ) {
    const values = form.values ?? formFromRules(latest);
    const errors = form.errors ?? {};
    return sendAdminPage(request, reply, {
      title: `Nouvelle grille : ${activity.name}`,
      errors,
      fieldOrder: [
        'model',
        'brackets',
        'rate',
        'floor',
        'ceiling',
        'nonResident',
        'missingQf',
        'siblingReduction',
        'costPerUser',
        'oneEuroCanteen',
        'validFrom',
        'source',
      ],
      targets: { validFrom: 'validFrom-day' },
      children: (
        <>
          <BackLink href={base(request)}>Activités et tarifs</BackLink>
          <h1 class="govuk-heading-xl">
            <span class="govuk-caption-l">{activity.name}</span>
            Nouvelle grille de tarifs
          </h1>
          <p class="govuk-body">
            {latest
              ? 'Le formulaire reprend la grille actuelle : modifiez ce qui change. Elle sera close la veille de l’entrée en vigueur de la nouvelle.'
              : 'Première grille de cette activité.'}
          </p>
          <form method="post" novalidate>
            <CsrfField token={reply.generateCsrf()} />
            <Radios
              name="model"
              legend="Mode de calcul"
              legendSize="m"
              items={[
                { value: 'brackets', label: 'Par tranches de quotient familial' },
                {
                  value: 'effort',
                  label: 'Par taux d’effort',
                  hint: 'Un pourcentage du QF, avec un plancher et un plafond : pas d’effet de seuil.',
                },
              ]}
              value={values.model}
              error={errors.model}
            />
            <Textarea
              name="brackets"
              label="Tranches (par tranches)"
              hint="Une tranche par ligne, du QF le plus bas au plus haut, par exemple « 0 à 622 : 1,00 », « 623 à 1000 : 3,30 », « 1001 et plus : 3,50 »."
              rows={6}
              value={values.brackets}
              error={errors.brackets}
            />
            <Input
              name="rate"
              label="Taux d’effort en % du QF (par taux d’effort)"
              hint="Par exemple 0,36"
              inputmode="decimal"
              width={5}
              value={values.rate}
              error={errors.rate}
            />
            <Input
              name="floor"
              label="Prix plancher en euros"
              inputmode="decimal"
              width={5}
              value={values.floor}
              error={errors.floor}
            />
            <Input
              name="ceiling"
              label="Prix plafond en euros"
              inputmode="decimal"
              width={5}
              value={values.ceiling}
              error={errors.ceiling}
            />
            <Input
              name="nonResident"
              label="Tarif extérieur en euros (facultatif)"
              hint="Pour les familles qui n’habitent pas la commune. Laissé vide, elles paient comme les habitants."
              inputmode="decimal"
              width={5}
              value={values.nonResident}
              error={errors.nonResident}
            />
            <Radios
              name="missingQf"
              legend="Quand le quotient familial n’est pas connu"
              items={[
                { value: 'highest', label: 'Appliquer le tarif le plus élevé' },
                { value: 'non-resident', label: 'Appliquer le tarif extérieur' },
              ]}
              value={values.missingQf}
              error={errors.missingQf}
            />
            <Input
              name="siblingReduction"
              label="Réduction à partir du deuxième enfant, en % (facultatif)"
              inputmode="numeric"
              width={3}
              value={values.siblingReduction}
              error={errors.siblingReduction}
            />
            <Input
              name="costPerUser"
              label="Coût par usager en euros, subventions déduites (facultatif)"
              hint="Aucun prix ne peut le dépasser (code de l’éducation, article R531-53, pour la restauration scolaire)."
              inputmode="decimal"
              width={5}
              value={values.costPerUser}
              error={errors.costPerUser}
            />
            <Checkboxes
              name="oneEuroCanteen"
              legend="Aide de l’État"
              items={[
                {
                  value: 'oui',
                  label: 'La commune participe à la cantine à 1 €',
                  hint: 'Au moins trois tranches, dont une à 1 € ou moins réservée aux QF jusqu’à 1 000.',
                },
              ]}
              values={values.oneEuroCanteen === 'oui' ? ['oui'] : []}
              error={errors.oneEuroCanteen}
            />
            <DateInput
              name="validFrom"
              legend="Date d’entrée en vigueur"
              hint="Par exemple 1 9 2026"
              value={{ day: values.validFromDay, month: values.validFromMonth, year: values.validFromYear }}
              error={errors.validFrom}
            />
            <Input
              name="source"
              label="Délibération qui adopte la grille"
              hint="Par exemple : Délibération n° 2026-041 du 12 juin 2026"
              value={values.source}
              error={errors.source}
            />
            <Button>Enregistrer la grille</Button>
          </form>
        </>
      ),
    });
  }

  async function loadActivity(request: FastifyRequest, id: string) {
    const commune = request.commune!;
    if (!isUuid(id)) throw ACTIVITY_NOT_FOUND();
    const found = await withTenant(ctx.database, commune.id, async (tx) => {
      const activity = await findActivity(tx, commune.id, id);
      if (!activity) return null;
      const grids = (await activitiesWithGrids(tx, commune.id)).find((a) => a.activity.id === id)?.grids ?? [];
      return { activity, latest: grids[0]?.rules };
    });
    if (!found) throw ACTIVITY_NOT_FOUND();
    return found;
  }

  app.get(
    '/c/:slug/admin/famille',
    { schema: { hide: true, params: slugParams }, config: { policy: 'communeAdmin' } },
    (request, reply) => {
      const saved = formString(request.query, 'ajoutee')
        ? 'Activité ajoutée'
        : formString(request.query, 'grille')
          ? 'Grille de tarifs enregistrée'
          : undefined;
      return listPage(request, reply, saved ? { saved } : {});
    },
  );

  app.post(
    '/c/:slug/admin/famille/activites',
    { schema: { hide: true, params: slugParams }, config: { policy: 'communeAdmin' } },
    async (request, reply) => {
      const values: ActivityInput = { name: formString(request.body, 'name'), unit: formString(request.body, 'unit') };
      const result = await handleForm(
        () => createActivity(ctx.database, request.commune!.id, request.actor, values, request.id),
        (errors) => listPage(request, reply, { values, errors }),
      );
      if (!result.ok) return result.response;
      return reply.redirect(`${base(request)}?ajoutee=${encodeURIComponent(result.value.slug)}`, 303);
    },
  );

  app.get(
    '/c/:slug/admin/famille/activites/:activity/grille',
    { schema: { hide: true, params: activityParams }, config: { policy: 'communeAdmin' } },
    async (request, reply) => {
      const { activity, latest } = await loadActivity(request, request.params.activity);
      return gridPage(request, reply, activity, latest);
    },
  );

  app.post(
    '/c/:slug/admin/famille/activites/:activity/grille',
    { schema: { hide: true, params: activityParams }, config: { policy: 'communeAdmin' } },
    async (request, reply) => {
      const { activity, latest } = await loadActivity(request, request.params.activity);
      const values = gridFormFromBody(request.body);
      const result = await handleForm(
        () => saveTariffGrid(ctx.database, request.commune!.id, request.actor, activity.id, values, request.id),
        (errors) => gridPage(request, reply, activity, latest, { values, errors }),
      );
      if (!result.ok) return result.response;
      return reply.redirect(`${base(request)}?grille=${activity.slug}`, 303);
    },
  );
}
