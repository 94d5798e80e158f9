/**
 * The incoming register (/c/<slug>/agent/courrier): the mails the person may see, filtered by
 * service, status, late ones and words (also searched in the text read by OCR); and registering
 * a mail (/nouveau): sender, subject, type, category, priority, confidentiality with its named
 * readers, service in charge, people in copy, and the scans — a plain multipart form.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { AppError } from '../../../platform/errors.js';
import {
  describeTypes,
  formatBytes,
  MAX_UPLOAD_BYTES,
  uploadedFiles,
  validateUpload,
} from '../../../platform/files/checks.js';
import { isUuid } from '../../../platform/ids.js';
import { listActiveServices, type Service } from '../../../platform/tenancy/communes.js';
import { parisDateOf } from '../../../platform/time/calendar.js';
import {
  Button,
  Checkboxes,
  CsrfField,
  DateInput,
  type FieldErrors,
  FileUpload,
  Input,
  Radios,
  Select,
  Table,
  Textarea,
} from '../../../platform/views/components.js';
import { formatDate } from '../../../platform/views/format.js';
import { type FormBody, formString, handleForm, sendPage } from '../../../platform/views/page-kit.js';
import { listStaffContacts, type StaffContact } from '../../identity/index.js';
import { MAIL_TYPE_RULES, MAIL_TYPES } from '../deadlines.js';
import { outgoingRegister, registerPage } from '../queries.js';
import { CATEGORY_LABELS, CHANNEL_LABELS, OUTGOING_LABELS } from '../texts.js';
import { type ExportFormat, exportIncoming, exportOutgoing } from '../use-cases/export-register.js';
import { importEmail } from '../use-cases/intake-email.js';
import { MAX_SCANS, registerMail, type Scan } from '../use-cases/register-mail.js';
import {
  callerOf,
  courrierBase,
  courrierBreadcrumbs,
  dayFromParts,
  mailPath,
  POLICY,
  PriorityRadios,
  StatusTag,
} from './ui.js';

const SCAN_TYPES = ['application/pdf', 'image/jpeg', 'image/png', 'image/tiff'];
const FIELD_ORDER = [
  'arrivee',
  'expediteur_type',
  'expediteur_nom',
  'expediteur_courriel',
  'expediteur_adresse',
  'objet',
  'type',
  'categorie',
  'priorite',
  'service',
  'confidentiel',
  'lecteurs',
  'copies',
  'documents',
];

type Values = Record<string, string | string[]>;

const STATUS_FILTERS = [
  { value: 'ouverts', label: 'Non clos' },
  { value: 'a_traiter', label: 'À traiter' },
  { value: 'en_cours', label: 'En cours' },
  { value: 'clos', label: 'Clos' },
  { value: 'tous', label: 'Tous' },
] as const;

function staffLabel(s: StaffContact): string {
  return `${s.givenName} ${s.familyName}`;
}

function newMailForm(
  request: FastifyRequest,
  reply: FastifyReply,
  data: { services: Service[]; staff: StaffContact[] },
  form: { values?: Values; errors?: FieldErrors; status?: number } = {},
) {
  const values = form.values ?? {};
  const errors = form.errors ?? {};
  const v = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : '');
  const list = (k: string) => (Array.isArray(values[k]) ? (values[k] as string[]) : v(k) ? [v(k)] : []);
  const today = parisDateOf(new Date());
  const people = data.staff.map((s) => ({ value: s.accountId, label: staffLabel(s) }));
  return sendPage(request, reply, {
    title: 'Enregistrer un courrier',
    workspace: true,
    breadcrumbs: courrierBreadcrumbs(request),
    errors,
    fieldOrder: FIELD_ORDER,
    targets: { arrivee: 'arrivee-day', expediteur_type: 'expediteur_type', lecteurs: 'lecteurs', copies: 'copies' },
    ...(form.status ? { status: form.status } : {}),
    children: (
      <>
        <h1 class="govuk-heading-xl">Enregistrer un courrier</h1>
        <p class="govuk-body">
          Le numéro d’enregistrement (chrono) et la date limite de traitement sont donnés à l’enregistrement.
        </p>
        <form method="post" action={`${courrierBase(request)}/nouveau`} enctype="multipart/form-data" novalidate>
          <CsrfField token={reply.generateCsrf()} />
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
          <h2 class="govuk-heading-m">Expéditeur</h2>
          <Radios
            name="expediteur_type"
            legend="L’expéditeur est"
            inline
            value={v('expediteur_type') || 'personne'}
            items={[
              { value: 'personne', label: 'Une personne' },
              { value: 'organisation', label: 'Un organisme (entreprise, association, administration)' },
            ]}
            {...(errors.expediteur_type ? { error: errors.expediteur_type } : {})}
          />
          <Input
            name="expediteur_nom"
            label="Nom"
            autocomplete="off"
            value={v('expediteur_nom')}
            error={errors.expediteur_nom}
          />
          <Input
            name="expediteur_courriel"
            type="email"
            label="Adresse électronique (facultatif)"
            spellcheck={false}
            value={v('expediteur_courriel')}
            error={errors.expediteur_courriel}
          />
          <Textarea
            name="expediteur_adresse"
            label="Adresse postale"
            hint="Obligatoire sans adresse électronique. Un expéditeur déjà connu (même nom, même adresse) est retrouvé dans le carnet."
            rows={3}
            value={v('expediteur_adresse')}
            error={errors.expediteur_adresse}
          />
          <h2 class="govuk-heading-m">Courrier</h2>
          <Input name="objet" label="Objet" value={v('objet')} error={errors.objet} />
          <Select
            name="type"
            label="Type de courrier"
            hint="Il fixe la date limite de traitement."
            value={v('type')}
            error={errors.type}
            options={[
              { value: '', label: 'Choisir un type' },
              ...MAIL_TYPES.map((t) => ({
                value: t,
                label: `${MAIL_TYPE_RULES[t].label} — ${MAIL_TYPE_RULES[t].basis}`,
              })),
            ]}
          />
          <Select
            name="categorie"
            label="Arrivé par"
            value={v('categorie') || 'courrier'}
            error={errors.categorie}
            options={Object.entries(CATEGORY_LABELS).map(([value, label]) => ({ value, label }))}
          />
          <PriorityRadios value={v('priorite')} error={errors.priorite} />
          <Select
            name="service"
            label="Service en charge"
            hint="Sans choix sûr, confiez-le à l’accueil : une proposition de service est faite d’après l’objet et le texte lu."
            value={v('service')}
            error={errors.service}
            options={[
              { value: '', label: 'Choisir un service' },
              ...data.services.map((s) => ({ value: s.id, label: s.name })),
            ]}
          />
          <Checkboxes
            name="confidentiel"
            legend="Confidentialité"
            items={[
              {
                value: 'oui',
                label: 'Courrier confidentiel',
                hint: 'Seules les personnes nommées ci-dessous, vous-même et l’agent attributaire le verront.',
              },
            ]}
            values={list('confidentiel')}
            {...(errors.confidentiel ? { error: errors.confidentiel } : {})}
          />
          <Checkboxes
            name="lecteurs"
            legend="Personnes nommées (courrier confidentiel)"
            small
            items={people}
            values={list('lecteurs')}
            {...(errors.lecteurs ? { error: errors.lecteurs } : {})}
          />
          <Checkboxes
            name="copies"
            legend="En copie (facultatif)"
            hint="Elles voient le courrier sans le traiter."
            small
            items={people}
            values={list('copies')}
            {...(errors.copies ? { error: errors.copies } : {})}
          />
          <FileUpload
            name="documents"
            label="Scans du courrier (facultatif)"
            labelSize="m"
            hint={`Au format ${describeTypes(SCAN_TYPES)}, ${MAX_SCANS} fichiers et ${formatBytes(MAX_UPLOAD_BYTES)} par fichier au plus. Le texte en est lu automatiquement.`}
            accept=".pdf,.jpg,.jpeg,.png,.tif,.tiff"
            multiple
            error={errors.documents}
          />
          <Button>Enregistrer le courrier</Button>
        </form>
      </>
    ),
  });
}

function emailForm(request: FastifyRequest, reply: FastifyReply, form: { errors?: FieldErrors; status?: number } = {}) {
  const errors = form.errors ?? {};
  return sendPage(request, reply, {
    title: 'Importer un courriel',
    workspace: true,
    breadcrumbs: courrierBreadcrumbs(request),
    errors,
    fieldOrder: ['courriel'],
    ...(form.status ? { status: form.status } : {}),
    children: (
      <>
        <h1 class="govuk-heading-xl">Importer un courriel</h1>
        <p class="govuk-body">
          Enregistrez au courrier arrivé un courriel reçu dans une messagerie : enregistrez-le au format .eml (dans
          Thunderbird : « Enregistrer sous », dans Outlook : glisser le message dans un dossier), puis choisissez le
          fichier. L’expéditeur, l’objet, la date, le texte et les pièces jointes sont repris ; un courriel déjà
          enregistré ne l’est pas deux fois.
        </p>
        <form method="post" action={`${courrierBase(request)}/courriel`} enctype="multipart/form-data" novalidate>
          <CsrfField token={reply.generateCsrf()} />
          <FileUpload
            name="courriel"
            label="Fichier du courriel"
            labelSize="m"
            hint={`Un fichier .eml de ${formatBytes(MAX_UPLOAD_BYTES)} au plus.`}
            accept=".eml,message/rfc822"
            error={errors.courriel}
          />
          <Button>Enregistrer le courriel</Button>
        </form>
      </>
    ),
  });
}

/** The register's filters from the query string (the page and its exports read the same). */
function registerFilters(request: FastifyRequest) {
  const q = request.query;
  const serviceParam = formString(q, 'service');
  const statusParam = formString(q, 'statut') || 'ouverts';
  const late = formString(q, 'retard') === '1';
  const mine = formString(q, 'moi') === '1';
  const query = formString(q, 'q').slice(0, 200);
  const status = STATUS_FILTERS.some((s) => s.value === statusParam) ? statusParam : 'ouverts';
  return {
    serviceParam,
    status,
    late,
    mine,
    query,
    filters: {
      serviceId: isUuid(serviceParam) ? serviceParam : null,
      status: status === 'tous' ? null : (status as 'ouverts'),
      late,
      mine,
      query,
    },
  };
}

function sendExport(reply: FastifyReply, name: string, format: ExportFormat, body: string | Buffer) {
  return reply
    .type(
      format === 'csv'
        ? 'text/csv; charset=utf-8'
        : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    )
    .header('cache-control', 'no-store')
    .header('content-disposition', `attachment; filename="${name}-${parisDateOf(new Date())}.${format}"`)
    .send(body);
}

export function registerRegisterPages(app: FastifyInstance, ctx: AppContext): void {
  // Exports hold personal data: a recent authentication is asked for (as for the requests' inbox).
  for (const format of ['csv', 'xlsx'] as const) {
    app.get(
      `/c/:slug/agent/courrier/export.${format}`,
      { config: { ...POLICY.config, stepUp: true } },
      async (request, reply) => {
        const { body } = await exportIncoming(
          ctx,
          callerOf(request),
          request.commune!.name,
          registerFilters(request).filters,
          format,
        );
        return sendExport(reply, `courrier-arrive-${request.commune!.slug}`, format, body);
      },
    );
    app.get(
      `/c/:slug/agent/courrier/depart/export.${format}`,
      { config: { ...POLICY.config, stepUp: true } },
      async (request, reply) => {
        const { body } = await exportOutgoing(ctx, callerOf(request), request.commune!.name, format);
        return sendExport(reply, `courrier-depart-${request.commune!.slug}`, format, body);
      },
    );
  }

  app.get('/c/:slug/agent/courrier/courriel', POLICY, async (request, reply) => emailForm(request, reply));

  app.post('/c/:slug/agent/courrier/courriel', POLICY, async (request, reply) => {
    const result = await handleForm(
      async () => {
        const part = uploadedFiles(request, 'courriel').find((p) => p.filename || p.content.length > 0);
        if (part?.isTruncated) {
          const message = `Le fichier dépasse la taille maximale de ${formatBytes(MAX_UPLOAD_BYTES)}.`;
          throw new AppError('upload.too_large', 'eml too large', 413, { fields: { courriel: message } });
        }
        return importEmail(ctx, callerOf(request), part ? { name: part.filename, content: part.content } : null);
      },
      async (errors, status) => emailForm(request, reply, { errors, status }),
    );
    if (!result.ok) return result.response;
    const done = result.value.outcome === 'registered' ? 'courriel' : 'deja';
    return reply.redirect(`${mailPath(request, result.value.mail.id)}?fait=${done}`, 303);
  });

  app.get('/c/:slug/agent/courrier', POLICY, async (request, reply) => {
    const { serviceParam, status, late, mine, query, filters } = registerFilters(request);
    const data = await registerPage(ctx, callerOf(request), filters);
    const exportQuery = new URLSearchParams({
      ...(query ? { q: query } : {}),
      ...(isUuid(serviceParam) ? { service: serviceParam } : {}),
      statut: status,
      ...(late ? { retard: '1' } : {}),
      ...(mine ? { moi: '1' } : {}),
    }).toString();
    const serviceName = new Map(data.services.map((s) => [s.id, s.name]));
    const base = courrierBase(request);
    return sendPage(request, reply, {
      title: 'Courrier arrivé',
      wide: true,
      workspace: true,
      breadcrumbs: courrierBreadcrumbs(request).slice(0, 1),
      children: (
        <>
          <h1 class="govuk-heading-xl">Courrier arrivé</h1>
          <p class="govuk-body">
            <a class="govuk-link" href={`${base}/nouveau`}>
              Enregistrer un courrier
            </a>
            {' · '}
            <a class="govuk-link" href={`${base}/lot`}>
              Enregistrer un lot de scans
            </a>
            {' · '}
            <a class="govuk-link" href={`${base}/courriel`}>
              Importer un courriel (.eml)
            </a>
            {' · '}
            <a class="govuk-link" href={`${base}/avis`}>
              Avis demandés
            </a>
            {' · '}
            <a class="govuk-link" href={`${base}/depart`}>
              Registre du courrier départ
            </a>
            {' · '}
            <a class="govuk-link" href={`${base}/absences`}>
              Absences
            </a>
          </p>
          <form method="get" action={base} class="govuk-!-margin-bottom-6">
            <Input name="q" label="Rechercher" hint="Numéro, objet, expéditeur ou mot du texte lu." value={query} />
            <Select
              name="service"
              label="Service"
              value={isUuid(serviceParam) ? serviceParam : ''}
              options={[
                { value: '', label: 'Tous mes services' },
                ...data.services.map((s) => ({ value: s.id, label: s.name })),
              ]}
            />
            <Select
              name="statut"
              label="État"
              value={status}
              options={STATUS_FILTERS.map((s) => ({ value: s.value, label: s.label }))}
            />
            <Checkboxes
              name="retard"
              legend="Délai"
              small
              items={[{ value: '1', label: 'En retard seulement' }]}
              values={late ? ['1'] : []}
            />
            <Checkboxes
              name="moi"
              legend="Attribution"
              small
              items={[{ value: '1', label: 'Confiés à moi seulement' }]}
              values={mine ? ['1'] : []}
            />
            <Button variant="secondary">Afficher</Button>
          </form>
          <p class="govuk-body">
            Exporter ces courriers :{' '}
            <a class="govuk-link" href={`${base}/export.csv?${exportQuery}`}>
              CSV (Excel)
            </a>
            {' · '}
            <a class="govuk-link" href={`${base}/export.xlsx?${exportQuery}`}>
              XLSX
            </a>
          </p>
          {data.rows.length === 0 ? (
            <p class="govuk-body">Aucun courrier ne correspond.</p>
          ) : (
            <Table
              caption={`${data.rows.length} courrier${data.rows.length > 1 ? 's' : ''}`}
              firstCellIsHeader
              columns={[
                { label: 'Numéro' },
                { label: 'Arrivé le' },
                { label: 'Expéditeur' },
                { label: 'Objet' },
                { label: 'Service' },
                { label: 'À traiter avant' },
                { label: 'État' },
              ]}
              rows={data.rows.map((r) => [
                <a class="govuk-link" href={mailPath(request, r.id)}>
                  {r.chrono}
                </a>,
                formatDate(r.arrived_on),
                r.contact_name,
                <>
                  {r.subject}
                  {r.confidential && <strong class="govuk-!-display-block govuk-body-s">Confidentiel</strong>}
                  {r.priority === 'urgente' && <strong class="govuk-!-display-block govuk-body-s">Urgent</strong>}
                </>,
                serviceName.get(r.service_id) ?? '',
                r.due_on ? formatDate(r.due_on) : 'sans délai',
                <StatusTag
                  status={r.status as 'a_traiter'}
                  late={r.status !== 'clos' && r.due_on !== null && r.due_on < data.today}
                />,
              ])}
            />
          )}
        </>
      ),
    });
  });

  app.get('/c/:slug/agent/courrier/depart', POLICY, async (request, reply) => {
    const rows = await outgoingRegister(ctx, callerOf(request));
    return sendPage(request, reply, {
      title: 'Courrier départ',
      wide: true,
      workspace: true,
      breadcrumbs: courrierBreadcrumbs(request),
      children: (
        <>
          <h1 class="govuk-heading-xl">Courrier départ</h1>
          <p class="govuk-body">Les réponses aux courriers que vous voyez, numérotées au registre du départ.</p>
          <p class="govuk-body">
            Exporter le registre :{' '}
            <a class="govuk-link" href={`${courrierBase(request)}/depart/export.csv`}>
              CSV (Excel)
            </a>
            {' · '}
            <a class="govuk-link" href={`${courrierBase(request)}/depart/export.xlsx`}>
              XLSX
            </a>
          </p>
          {rows.length === 0 ? (
            <p class="govuk-body">Aucune réponse enregistrée.</p>
          ) : (
            <Table
              caption={`${rows.length} réponse${rows.length > 1 ? 's' : ''}`}
              firstCellIsHeader
              columns={[
                { label: 'Numéro' },
                { label: 'Destinataire' },
                { label: 'Objet' },
                { label: 'En réponse à' },
                { label: 'État' },
                { label: 'Partie' },
              ]}
              rows={rows.map((r) => [
                r.chrono,
                r.contact_name,
                r.subject,
                r.mail_id ? (
                  <a class="govuk-link" href={mailPath(request, r.mail_id)}>
                    {r.mail_chrono}
                  </a>
                ) : (
                  '—'
                ),
                OUTGOING_LABELS[r.status as keyof typeof OUTGOING_LABELS] ?? r.status,
                r.sent_at
                  ? `${formatDate(r.sent_at)}${r.channel ? `, ${CHANNEL_LABELS[r.channel as keyof typeof CHANNEL_LABELS].toLowerCase()}` : ''}`
                  : '—',
              ])}
            />
          )}
        </>
      ),
    });
  });

  const formData = (request: FastifyRequest) =>
    withTenant(ctx.database, request.commune!.id, async (tx) => ({
      services: await listActiveServices(tx, request.commune!.id),
      staff: await listStaffContacts(tx, request.commune!.id),
    }));

  app.get('/c/:slug/agent/courrier/nouveau', POLICY, async (request, reply) =>
    newMailForm(request, reply, await formData(request)),
  );

  app.post('/c/:slug/agent/courrier/nouveau', POLICY, async (request, reply) => {
    const body = (request.body ?? {}) as FormBody;
    const values: Values = Object.fromEntries(
      Object.entries(body)
        .filter(([k]) => k !== '_csrf')
        .map(([k, v]) => [
          k,
          Array.isArray(v) ? v.filter((x) => typeof x === 'string') : typeof v === 'string' ? v : '',
        ]),
    );
    const result = await handleForm(
      async () => {
        const scans: Scan[] = [];
        const parts = uploadedFiles(request, 'documents').filter((p) => p.filename || p.content.length > 0);
        if (parts.length > MAX_SCANS) {
          const message = `Joignez au plus ${MAX_SCANS} fichiers.`;
          throw new AppError('input.invalid', 'too many scans', 422, { fields: { documents: message } });
        }
        for (const part of parts) scans.push(await validateUpload(part, { accept: SCAN_TYPES }));
        return registerMail(ctx, callerOf(request), { ...values, arrivee: dayFromParts(body, 'arrivee') }, scans);
      },
      async (errors, status) => newMailForm(request, reply, await formData(request), { values, errors, status }),
    );
    if (!result.ok) return result.response;
    return reply.redirect(`${mailPath(request, result.value.id)}?fait=enregistre`, 303);
  });
}
