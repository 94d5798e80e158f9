/**
 * Bulk intake (/c/<slug>/agent/courrier/lot): one PDF of several scanned letters separated by
 * blank pages, and what they share; each letter becomes its own incoming mail (use-cases/
 * register-bundle.ts). A plain multipart form; after it, the page says how many mails were
 * registered and links to them.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { formatBytes, MAX_UPLOAD_BYTES, uploadedFiles, validateUpload } from '../../../platform/files/checks.js';
import { listActiveServices, type Service } from '../../../platform/tenancy/communes.js';
import { parisDateOf } from '../../../platform/time/calendar.js';
import {
  Button,
  CsrfField,
  DateInput,
  type FieldErrors,
  FileUpload,
  Input,
  Select,
} from '../../../platform/views/components.js';
import { type FormBody, formString, handleForm, sendPage } from '../../../platform/views/page-kit.js';
import { MAIL_TYPE_RULES, MAIL_TYPES } from '../deadlines.js';
import { MAX_BUNDLE_PAGES } from '../split.js';
import { CATEGORY_LABELS } from '../texts.js';
import { registerBundle } from '../use-cases/register-bundle.js';
import { callerOf, courrierBase, courrierBreadcrumbs, dayFromParts, POLICY, PriorityRadios } from './ui.js';

function bundleForm(
  request: FastifyRequest,
  reply: FastifyReply,
  services: Service[],
  form: { values?: FormBody; errors?: FieldErrors; status?: number } = {},
) {
  const errors = form.errors ?? {};
  const v = (k: string) => formString(form.values ?? {}, k);
  const today = parisDateOf(new Date());
  const done = Number(formString(request.query, 'fait'));
  const first = formString(request.query, 'premier');
  const last = formString(request.query, 'dernier');
  const base = courrierBase(request);
  return sendPage(request, reply, {
    title: 'Enregistrer un lot de courriers',
    workspace: true,
    breadcrumbs: courrierBreadcrumbs(request),
    errors,
    fieldOrder: ['lot', 'arrivee', 'type', 'categorie', 'priorite', 'service', 'objet'],
    targets: { arrivee: 'arrivee-day' },
    ...(form.status ? { status: form.status } : {}),
    ...(done > 0 && !form.errors
      ? {
          notice: {
            kind: 'success' as const,
            title: `${done} courrier${done > 1 ? 's' : ''} enregistré${done > 1 ? 's' : ''}${
              /^\d{4}-A\d{6}$/.test(first) && /^\d{4}-A\d{6}$/.test(last)
                ? done > 1
                  ? `, du ${first} au ${last}`
                  : ` sous le numéro ${first}`
                : ''
            }. Leur texte est lu automatiquement ; leur expéditeur est « à identifier » sur la page de chacun.`,
          },
        }
      : {}),
    children: (
      <>
        <h1 class="govuk-heading-xl">Enregistrer un lot de courriers</h1>
        <p class="govuk-body">
          Numérisez les courriers en un seul PDF, en glissant une page blanche entre deux courriers (numérisation recto
          seul : au recto-verso, le verso blanc d’une lettre la couperait). Chaque courrier est enregistré à part, avec
          son numéro, ses pages et la lecture de son texte. Le lot est enregistré en entier ou pas du tout.
        </p>
        {done > 0 && !form.errors && (
          <p class="govuk-body">
            <a class="govuk-link" href={`${base}?statut=a_traiter`}>
              Voir les courriers à traiter
            </a>
          </p>
        )}
        <form method="post" action={`${base}/lot`} enctype="multipart/form-data" novalidate>
          <CsrfField token={reply.generateCsrf()} />
          <FileUpload
            name="lot"
            label="Fichier PDF du lot"
            labelSize="m"
            hint={`Un PDF de ${MAX_BUNDLE_PAGES} pages et ${formatBytes(MAX_UPLOAD_BYTES)} au plus.`}
            accept=".pdf,application/pdf"
            error={errors.lot}
          />
          <DateInput
            name="arrivee"
            legend="Date d’arrivée"
            legendSize="m"
            hint={`Par exemple ${Number(today.slice(8))} ${Number(today.slice(5, 7))} ${today.slice(0, 4)}.`}
            value={{
              day: v('arrivee-day') || (form.values ? '' : String(Number(today.slice(8)))),
              month: v('arrivee-month') || (form.values ? '' : String(Number(today.slice(5, 7)))),
              year: v('arrivee-year') || (form.values ? '' : today.slice(0, 4)),
            }}
            {...(errors.arrivee ? { error: errors.arrivee } : {})}
          />
          <Select
            name="type"
            label="Type de courrier"
            hint="Il fixe la date limite de traitement de chacun."
            value={v('type') || 'demande'}
            error={errors.type}
            options={MAIL_TYPES.map((t) => ({
              value: t,
              label: `${MAIL_TYPE_RULES[t].label} — ${MAIL_TYPE_RULES[t].basis}`,
            }))}
          />
          <Select
            name="categorie"
            label="Arrivés par"
            value={v('categorie') || 'courrier'}
            error={errors.categorie}
            options={Object.entries(CATEGORY_LABELS).map(([value, label]) => ({ value, label }))}
          />
          <PriorityRadios value={v('priorite')} error={errors.priorite} />
          <Select
            name="service"
            label="Service en charge"
            hint="L’accueil, en général : un service est proposé pour chaque courrier d’après son texte lu."
            value={v('service')}
            error={errors.service}
            options={[
              { value: '', label: 'Choisir un service' },
              ...services.map((s) => ({ value: s.id, label: s.name })),
            ]}
          />
          <Input
            name="objet"
            label="Objet commun (facultatif)"
            hint="Par exemple « Observations sur l’enquête publique ». Sans objet commun : « Courrier 1 sur 3 du lot du … »."
            value={v('objet')}
            error={errors.objet}
          />
          <Button>Enregistrer les courriers du lot</Button>
        </form>
      </>
    ),
  });
}

export function registerBundlePages(app: FastifyInstance, ctx: AppContext): void {
  const services = (request: FastifyRequest) =>
    withTenant(ctx.database, request.commune!.id, (tx) => listActiveServices(tx, request.commune!.id));

  app.get('/c/:slug/agent/courrier/lot', POLICY, async (request, reply) =>
    bundleForm(request, reply, await services(request)),
  );

  app.post('/c/:slug/agent/courrier/lot', POLICY, async (request, reply) => {
    const body = (request.body ?? {}) as FormBody;
    const result = await handleForm(
      async () => {
        const part = uploadedFiles(request, 'lot').find((p) => p.filename || p.content.length > 0);
        const file = part ? await validateUpload(part, { accept: ['application/pdf'] }) : null;
        return registerBundle(
          ctx,
          callerOf(request),
          {
            arrivee: dayFromParts(body, 'arrivee'),
            type: formString(body, 'type'),
            categorie: formString(body, 'categorie'),
            priorite: formString(body, 'priorite'),
            service: formString(body, 'service'),
            objet: formString(body, 'objet'),
          },
          file,
        );
      },
      async (errors, status) => bundleForm(request, reply, await services(request), { values: body, errors, status }),
    );
    if (!result.ok) return result.response;
    const mails = result.value;
    const query = new URLSearchParams({
      fait: String(mails.length),
      premier: mails[0]!.chrono,
      dernier: mails[mails.length - 1]!.chrono,
    });
    return reply.redirect(`${courrierBase(request)}/lot?${query}`, 303);
  });
}
