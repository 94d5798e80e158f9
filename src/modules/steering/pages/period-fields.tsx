/** The « Du / Au » fields of the pilotage filters (commune dashboard and operator roll-up). */
import { Input } from '../../../platform/views/components.js';

const frDate = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

export function PeriodFields({
  typed,
  query,
  errors,
}: {
  typed: { du?: string; au?: string };
  query: { from: string; to: string };
  errors: { du?: string; au?: string };
}) {
  return (
    <>
      <div class="govuk-grid-column-one-quarter">
        <Input
          name="du"
          label="Du"
          hint="JJ/MM/AAAA"
          width={10}
          inputmode="numeric"
          value={typed.du || frDate(query.from)}
          error={errors.du}
        />
      </div>
      <div class="govuk-grid-column-one-quarter">
        <Input
          name="au"
          label="Au"
          hint="JJ/MM/AAAA, inclus"
          width={10}
          inputmode="numeric"
          value={typed.au || frDate(query.to)}
          error={errors.au}
        />
      </div>
    </>
  );
}
