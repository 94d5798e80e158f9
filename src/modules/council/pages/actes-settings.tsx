/**
 * The commune's @ctes settings (/c/<slug>/admin/teletransmission, administrators): the emitter of
 * the ACTES envelopes its délibérations are transmitted with (decision 0055).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { adminBase, sendAdminPage } from '../../../platform/views/admin-area.js';
import {
  Button,
  CsrfField,
  DateInput,
  type FieldErrors,
  Input,
  InsetText,
  Select,
} from '../../../platform/views/components.js';
import { type FormBody, formString, handleForm } from '../../../platform/views/page-kit.js';
import { COLLECTIVITY_NATURES } from '../actes.js';
import { findSetting } from '../repo.js';
import type { SettingRow } from '../schema.js';
import { setActesSettings } from '../use-cases/actes-settings.js';
import { caller, dateOf } from './ui.js';

const POLICY = { config: { policy: 'communeAdmin' } } as const;
const FIELDS = ['departement', 'arrondissement', 'siren', 'nature', 'classificationDate', 'returnEmail'];

async function render(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  form: { values?: FormBody; errors?: FieldErrors; status?: number } = {},
) {
  const communeId = request.commune!.id;
  const s: SettingRow | undefined = await withTenant(ctx.database, communeId, (tx) => findSetting(tx, communeId));
  const errors = form.errors ?? {};
  const v = (key: string, saved: string | null | undefined) =>
    form.values ? formString(form.values, key) : (saved ?? '');
  const [year, month, day] = (s?.actesClassificationDate ?? '').split('-');
  const saved = formString(request.query, 'fait') === 'enregistre' && !form.errors;
  return sendAdminPage(request, reply, {
    title: 'Télétransmission @ctes',
    errors,
    fieldOrder: FIELDS,
    targets: { classificationDate: 'classificationDate-day' },
    ...(form.status ? { status: form.status } : {}),
    ...(saved
      ? { notice: { kind: 'success' as const, title: 'Les paramètres de télétransmission sont enregistrés.' } }
      : {}),
    children: (
      <>
        <h1 class="govuk-heading-xl">Télétransmission @ctes</h1>
        <p class="govuk-body">
          Les délibérations signées sont transmises au contrôle de légalité par le tiers de télétransmission de la
          commune. Le secrétariat du conseil prépare pour chacune le paquet prévu par le protocole ACTES ; ces
          renseignements identifient la commune dans son enveloppe.
        </p>
        <InsetText>
          Ils figurent dans la convention signée avec la préfecture et dans le compte de la commune chez son tiers de
          télétransmission.
        </InsetText>
        <form method="post" action={`${adminBase(request)}/teletransmission`} novalidate>
          <CsrfField token={reply.generateCsrf()} />
          <Input
            name="departement"
            label="Code du département"
            hint="Trois caractères, par exemple 034, 974 ou 02A."
            width={4}
            value={v('departement', s?.actesDepartement)}
            error={errors.departement}
          />
          <Input
            name="arrondissement"
            label="Arrondissement"
            hint="Un chiffre : 1 pour l’arrondissement de la préfecture."
            inputmode="numeric"
            width={2}
            value={v('arrondissement', s?.actesArrondissement)}
            error={errors.arrondissement}
          />
          <Input
            name="siren"
            label="SIREN de la commune"
            hint="9 chiffres, les premiers de son SIRET."
            inputmode="numeric"
            width={10}
            value={v('siren', s?.actesSiren ?? s?.siret?.slice(0, 9))}
            error={errors.siren}
          />
          <Select
            name="nature"
            label="Nature de la collectivité"
            value={v('nature', s?.actesNature ?? '31')}
            error={errors.nature}
            options={Object.entries(COLLECTIVITY_NATURES).map(([value, label]) => ({ value, label }))}
          />
          <DateInput
            name="classificationDate"
            legend="Date de la classification des actes"
            hint="La date de la nomenclature des matières que la préfecture a transmise à la commune, par exemple 15 6 2022."
            value={
              form.values
                ? {
                    day: formString(form.values, 'classificationDate-day'),
                    month: formString(form.values, 'classificationDate-month'),
                    year: formString(form.values, 'classificationDate-year'),
                  }
                : { day: day ?? '', month: month ?? '', year: year ?? '' }
            }
            {...(errors.classificationDate ? { error: errors.classificationDate } : {})}
          />
          <Input
            name="returnEmail"
            type="email"
            autocomplete="email"
            spellcheck={false}
            label="Adresse de retour"
            hint="Elle reçoit les accusés de réception et les courriers de la préfecture."
            value={v('returnEmail', s?.actesReturnEmail)}
            error={errors.returnEmail}
          />
          <Button>Enregistrer</Button>
        </form>
      </>
    ),
  });
}

export function registerActesSettingsPages(app: FastifyInstance, ctx: AppContext): void {
  app.get('/c/:slug/admin/teletransmission', POLICY, (request, reply) => render(ctx, request, reply));
  app.post('/c/:slug/admin/teletransmission', POLICY, async (request, reply) => {
    const body = (request.body ?? {}) as FormBody;
    const result = await handleForm(
      () =>
        setActesSettings(ctx.database, caller(request), {
          departement: formString(body, 'departement'),
          arrondissement: formString(body, 'arrondissement'),
          siren: formString(body, 'siren'),
          nature: formString(body, 'nature'),
          classificationDate: dateOf(body, 'classificationDate'),
          returnEmail: formString(body, 'returnEmail'),
        }),
      (errors, status) => render(ctx, request, reply, { values: body, errors, status }),
    );
    if (!result.ok) return result.response;
    return reply.redirect(`${adminBase(request)}/teletransmission?fait=enregistre`, 303);
  });
}
