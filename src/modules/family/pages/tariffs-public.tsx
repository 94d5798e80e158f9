/**
 * The public tariff simulator (`/c/<slug>/famille/tarifs`, no account): a family enters its QF,
 * or its composition and resources, and whether it lives in the commune, and reads the price of
 * every activity with how it was computed — the same functions as billing. A GET form: it works
 * without JavaScript and its URL can be shared or bookmarked. The grids in force are listed too.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { formatEuros } from '../../../platform/money.js';
import { parisDateOf } from '../../../platform/time/calendar.js';
import { Button, type FieldErrors, Input, InsetText, Radios, Table } from '../../../platform/views/components.js';
import { formatDate } from '../../../platform/views/format.js';
import { formString, sendPage } from '../../../platform/views/page-kit.js';
import { type ActivityTariff, simulatePrices, tariffsInForce } from '../queries.js';
import { bracketLabel, formatRate, type TariffRules } from '../tariffs/pricing.js';
import { formatParts } from '../tariffs/quotient.js';
import { readSimulation, SIMULATION_FIELDS, type SimulationQuery } from '../tariffs/simulation.js';

const slugParams = z.object({ slug: z.string().max(63) }).strict();

/** The grid's rules in one sentence per part, for the list of tariffs. */
function GridSummary({ rules, unit }: { rules: TariffRules; unit: string }) {
  const model = rules.model;
  return (
    <>
      {model.kind === 'brackets' ? (
        <ul class="govuk-list">
          {model.brackets.map((b) => (
            <li key={b.fromQf}>
              {bracketLabel(b)} : {formatEuros(b.priceCents)} le {unit}
            </li>
          ))}
        </ul>
      ) : (
        <p class="govuk-body">
          {formatRate(model.ratePpm)} du quotient familial par {unit}, au moins {formatEuros(model.floorCents)} et au
          plus {formatEuros(model.ceilingCents)}.
        </p>
      )}
      {rules.nonResidentPriceCents !== null ? (
        <p class="govuk-body">Familles qui n’habitent pas la commune : {formatEuros(rules.nonResidentPriceCents)}.</p>
      ) : null}
      {rules.siblingReductionPercent > 0 ? (
        <p class="govuk-body">Réduction de {rules.siblingReductionPercent} % à partir du deuxième enfant.</p>
      ) : null}
    </>
  );
}

function TariffList({ tariffs }: { tariffs: readonly ActivityTariff[] }) {
  const priced = tariffs.filter((t) => t.grid);
  if (priced.length === 0) return <p class="govuk-body">La commune n’a pas encore publié ses tarifs.</p>;
  return (
    <>
      {priced.map(({ activity, grid }) => (
        <section key={activity.id} aria-labelledby={`tarif-${activity.slug}`}>
          <h3 class="govuk-heading-s" id={`tarif-${activity.slug}`}>
            {activity.name}
          </h3>
          <GridSummary rules={grid!.rules} unit={activity.unit} />
          <p class="govuk-body-s">
            En vigueur depuis le {formatDate(grid!.validFrom)}
            {grid!.validTo ? ` jusqu’au ${formatDate(grid!.validTo)}` : ''} — {grid!.source}.
          </p>
        </section>
      ))}
    </>
  );
}

export function registerPublicTariffPages(parent: FastifyInstance, ctx: AppContext): void {
  const app = parent.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/c/:slug/famille/tarifs',
    { schema: { hide: true, params: slugParams }, config: { policy: 'public' } },
    async (request, reply) => {
      const commune = request.commune!;
      const query = Object.fromEntries(
        SIMULATION_FIELDS.map((k) => [k, formString(request.query, k)]),
      ) as unknown as SimulationQuery;
      const asked = SIMULATION_FIELDS.some((k) => query[k] !== '');
      const read = asked ? readSimulation(query) : null;
      const errors: FieldErrors = read && !read.ok ? read.errors : {};
      const today = parisDateOf(new Date());
      const tariffs = await withTenant(ctx.database, commune.id, (tx) => tariffsInForce(tx, commune.id, today));
      const prices = read?.ok ? simulatePrices(tariffs, read.simulation) : null;
      const anyReduction = prices?.some((p) => p.next) ?? false;
      const action = `/c/${commune.slug}/famille/tarifs`;
      return sendPage(request, reply, {
        title: 'Simuler vos tarifs',
        errors,
        fieldOrder: [...SIMULATION_FIELDS],
        ...(read && !read.ok ? { status: 422 } : {}),
        children: (
          <>
            <h1 class="govuk-heading-xl">Simuler vos tarifs</h1>
            <p class="govuk-body-l">
              Restauration scolaire, accueil périscolaire, mercredis et vacances : calculez ce que vous paierez à{' '}
              {commune.name}, sans créer de compte.
            </p>
            {prices && read?.ok ? (
              <section id="resultat" aria-labelledby="resultat-titre">
                <h2 class="govuk-heading-l" id="resultat-titre">
                  Vos tarifs
                </h2>
                <p class="govuk-body">
                  Quotient familial retenu : <strong>{read.simulation.qf.toLocaleString('fr-FR')}</strong>
                  {read.simulation.quotient
                    ? ` (calcul de la CAF : revenus annuels ÷ 12, plus les prestations mensuelles, divisés par ${formatParts(read.simulation.quotient.halfParts)} parts, soit ${(read.simulation.quotient.exactCents / 100).toLocaleString('fr-FR', { minimumFractionDigits: 2 })} arrondi à l’euro inférieur)`
                    : ''}
                  {read.simulation.resident ? '' : ' — famille qui n’habite pas la commune'}.
                </p>
                {prices.length === 0 ? (
                  <p class="govuk-body">La commune n’a pas encore publié ses tarifs.</p>
                ) : (
                  <Table
                    caption="Prix par activité"
                    columns={[
                      { label: 'Activité' },
                      { label: anyReduction ? 'Premier enfant' : 'Prix', numeric: true },
                      ...(anyReduction ? [{ label: 'Enfants suivants', numeric: true }] : []),
                      { label: 'Calcul' },
                    ]}
                    firstCellIsHeader
                    rows={prices.map((p) => [
                      p.activity.name,
                      `${formatEuros(p.first.cents)} le ${p.activity.unit}`,
                      ...(anyReduction ? [p.next ? `${formatEuros(p.next.cents)} le ${p.activity.unit}` : '—'] : []),
                      p.first.explanation,
                    ])}
                  />
                )}
                <InsetText>
                  Ce résultat est indicatif : la facture applique le quotient familial que la mairie retient
                  (attestation de la CAF ou de la MSA). Pour garder cette simulation, ajoutez cette page à vos favoris :
                  son adresse contient vos réponses.
                </InsetText>
              </section>
            ) : null}
            <form method="get" action={`${action}#resultat`} novalidate>
              <Radios
                name="qfConnu"
                legend="Connaissez-vous votre quotient familial ?"
                legendSize="m"
                hint="Il figure sur votre attestation de la CAF ou de la MSA, et dans votre espace sur caf.fr."
                inline
                items={[
                  { value: 'oui', label: 'Oui' },
                  { value: 'non', label: 'Non' },
                ]}
                value={query.qfConnu}
                error={errors.qfConnu}
              />
              <Input
                name="qf"
                label="Si oui : votre quotient familial"
                hint="En euros, par exemple 1047"
                inputmode="numeric"
                width={5}
                value={query.qf}
                error={errors.qf}
              />
              <fieldset class="govuk-fieldset">
                <legend class="govuk-fieldset__legend govuk-fieldset__legend--m">
                  Si non : votre foyer et vos ressources
                </legend>
                <p class="govuk-body">Le quotient est calculé comme le fait la CAF.</p>
                <Radios
                  name="couple"
                  legend="Élevez-vous vos enfants en couple ?"
                  inline
                  items={[
                    { value: 'oui', label: 'En couple' },
                    { value: 'non', label: 'Seul ou seule' },
                  ]}
                  value={query.couple}
                  error={errors.couple}
                />
                <Input
                  name="enfants"
                  label="Nombre d’enfants à charge"
                  inputmode="numeric"
                  width={2}
                  value={query.enfants}
                  error={errors.enfants}
                />
                <Input
                  name="enfantsAeeh"
                  label="Dont enfants qui perçoivent l’allocation d’éducation de l’enfant handicapé (AEEH)"
                  hint="Chacun compte une demi-part de plus. Laissez vide s’il n’y en a pas."
                  inputmode="numeric"
                  width={2}
                  value={query.enfantsAeeh}
                  error={errors.enfantsAeeh}
                />
                <Input
                  name="revenus"
                  label="Revenus annuels imposables du foyer"
                  hint="Ceux de l’avant-dernière année, en euros, par exemple 36 000"
                  inputmode="decimal"
                  width={10}
                  value={query.revenus}
                  error={errors.revenus}
                />
                <Input
                  name="prestations"
                  label="Prestations familiales mensuelles"
                  hint="Allocations familiales, aide au logement, RSA… en euros par mois, par exemple 142 ; sans l’allocation de rentrée scolaire."
                  inputmode="decimal"
                  width={10}
                  value={query.prestations}
                  error={errors.prestations}
                />
              </fieldset>
              <Radios
                name="residence"
                legend={`Habitez-vous ${commune.name} ?`}
                legendSize="m"
                inline
                items={[
                  { value: 'oui', label: 'Oui' },
                  { value: 'non', label: 'Non' },
                ]}
                value={query.residence}
                error={errors.residence}
              />
              <Button>Calculer mes tarifs</Button>
            </form>
            <h2 class="govuk-heading-l">Les tarifs en vigueur</h2>
            <TariffList tariffs={tariffs} />
          </>
        ),
      });
    },
  );
}
