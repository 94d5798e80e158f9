/**
 * A new folder (/c/<slug>/agent/parapheur/nouveau): the document to sign (PDF, or an ODT/DOCX
 * converted to PDF), annexes, type and metadata. The circuit is chosen automatically from the
 * type and the amount; the folder page then shows it.
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
import { listActiveServices, type Service } from '../../../platform/tenancy/communes.js';
import {
  Button,
  CsrfField,
  DateInput,
  type FieldErrors,
  FileUpload,
  Input,
  Select,
} from '../../../platform/views/components.js';
import { parseDay } from '../../../platform/views/format.js';
import { type FormBody, formString, handleForm, sendPage } from '../../../platform/views/page-kit.js';
import { PES_MIME_TYPE } from '../bordereaux.js';
import { DOCUMENT_TYPE_LABELS, DOCUMENT_TYPES } from '../circuits.js';
import { createFolder, type IncomingDocument, OFFICE_TYPES } from '../use-cases/create-folder.js';
import { folderPath, parapheurBase, parapheurBreadcrumbs } from './ui.js';

const ACCEPTED = ['application/pdf', ...OFFICE_TYPES];
/** The document to sign may also be a PES V2 Aller file (bordereaux de mandats or de titres). */
const MAIN_ACCEPTED = [...ACCEPTED, PES_MIME_TYPE];
const MAIN_FORMATS = 'PDF, ODT ou Word (DOCX), ou XML PES V2 pour un bordereau';
const FIELD_ORDER = ['document', 'annexes', 'titre', 'type', 'montant', 'service', 'ligne', 'tiers', 'echeance'];

type Values = Record<string, string>;

/** « 2027-01-15 » from the three boxes; '' when all are empty; 'invalide' otherwise. */
function dayFromParts(body: FormBody, name: string): string {
  const [d, m, y] = ['day', 'month', 'year'].map((p) => formString(body, `${name}-${p}`).trim());
  if (!d && !m && !y) return '';
  const day = parseDay(`${d}/${m}/${y}`);
  return day ? `${day.year}-${String(day.month).padStart(2, '0')}-${String(day.day).padStart(2, '0')}` : 'invalide';
}

function page(
  request: FastifyRequest,
  reply: FastifyReply,
  services: Service[],
  form: { values?: Values; errors?: FieldErrors; status?: number } = {},
) {
  const values = form.values ?? {};
  const errors = form.errors ?? {};
  return sendPage(request, reply, {
    title: 'Nouveau dossier',
    breadcrumbs: parapheurBreadcrumbs(request),
    errors,
    fieldOrder: FIELD_ORDER,
    targets: { echeance: 'echeance-day' },
    ...(form.status ? { status: form.status } : {}),
    children: (
      <>
        <h1 class="govuk-heading-xl">Nouveau dossier</h1>
        <p class="govuk-body">
          Le circuit de visas et de signatures est choisi selon le type de document et son montant ; vous le verrez sur
          la page du dossier.
        </p>
        <form method="post" action={`${parapheurBase(request)}/nouveau`} enctype="multipart/form-data" novalidate>
          <CsrfField token={reply.generateCsrf()} />
          <FileUpload
            name="document"
            label="Document à signer"
            labelSize="m"
            hint={`Au format ${describeTypes(ACCEPTED)} (converti en PDF), ${formatBytes(MAX_UPLOAD_BYTES)} au plus. Pour un bordereau de mandats ou de titres : le flux PES V2 (XML) de votre logiciel financier, chaque bordereau sera signé.`}
            accept=".pdf,.odt,.docx,.xml"
            error={errors.document}
          />
          <FileUpload
            name="annexes"
            label="Annexes (facultatif)"
            hint="Jusqu’à 4 fichiers, lus par les signataires mais non signés."
            accept=".pdf,.odt,.docx"
            multiple
            error={errors.annexes}
          />
          <Input name="titre" label="Intitulé du dossier" value={values.titre ?? ''} error={errors.titre} />
          <Select
            name="type"
            label="Type de document"
            value={values.type ?? ''}
            error={errors.type}
            options={[
              { value: '', label: 'Choisir un type' },
              ...DOCUMENT_TYPES.map((t) => ({ value: t, label: DOCUMENT_TYPE_LABELS[t] })),
            ]}
          />
          <Input
            name="montant"
            label="Montant TTC en euros (facultatif, obligatoire pour un bon de commande)"
            hint="Par exemple 12 500,00."
            inputmode="decimal"
            width={10}
            value={values.montant ?? ''}
            error={errors.montant}
          />
          <Select
            name="service"
            label="Service concerné (facultatif)"
            hint="Son chef de service vise les documents qui le demandent."
            value={values.service ?? ''}
            error={errors.service}
            options={[{ value: '', label: 'Aucun' }, ...services.map((s) => ({ value: s.id, label: s.name }))]}
          />
          <Input
            name="ligne"
            label="Ligne budgétaire (facultatif)"
            width={20}
            value={values.ligne ?? ''}
            error={errors.ligne}
          />
          <Input
            name="tiers"
            label="Tiers (facultatif)"
            hint="Fournisseur, cocontractant…"
            value={values.tiers ?? ''}
            error={errors.tiers}
          />
          <DateInput
            name="echeance"
            legend="Échéance (facultatif)"
            hint="Par exemple 15 1 2027."
            value={{
              day: values['echeance-day'] ?? '',
              month: values['echeance-month'] ?? '',
              year: values['echeance-year'] ?? '',
            }}
            {...(errors.echeance ? { error: errors.echeance } : {})}
          />
          <Button>Créer le dossier</Button>
        </form>
      </>
    ),
  });
}

export function registerNewFolderPages(app: FastifyInstance, ctx: AppContext): void {
  const services = (request: FastifyRequest) =>
    withTenant(ctx.database, request.commune!.id, (tx) => listActiveServices(tx, request.commune!.id));

  app.get('/c/:slug/agent/parapheur/nouveau', { config: { policy: 'requestsInbox' } }, async (request, reply) =>
    page(request, reply, await services(request)),
  );

  app.post('/c/:slug/agent/parapheur/nouveau', { config: { policy: 'requestsInbox' } }, async (request, reply) => {
    const body = (request.body ?? {}) as FormBody;
    const values: Values = Object.fromEntries(
      Object.entries(body)
        .filter(([k, v]) => typeof v === 'string' && k !== '_csrf')
        .map(([k, v]) => [k, v as string]),
    );
    const result = await handleForm(
      async () => {
        const documents: IncomingDocument[] = [];
        const main = uploadedFiles(request, 'document');
        if (main.length !== 1) {
          const message = 'Joignez le document à faire signer.';
          throw new AppError('input.invalid', 'no document', 422, { fields: { document: message } });
        }
        const annexes = uploadedFiles(request, 'annexes');
        for (const [i, part] of [...main, ...annexes].entries()) {
          const rule = i === 0 ? { accept: MAIN_ACCEPTED, formatsText: MAIN_FORMATS } : { accept: ACCEPTED };
          const file = await validateUpload(part, rule);
          documents.push({ name: file.name, mimeType: file.mimeType, content: file.content });
        }
        return createFolder(
          ctx,
          { communeId: request.commune!.id, requestId: request.id, by: request.actor!, origin: 'agent' },
          {
            titre: formString(body, 'titre'),
            type: formString(body, 'type') as never,
            montant: formString(body, 'montant'),
            service: formString(body, 'service'),
            ligne: formString(body, 'ligne'),
            tiers: formString(body, 'tiers'),
            echeance: dayFromParts(body, 'echeance'),
          },
          documents,
        );
      },
      async (errors, status) => page(request, reply, await services(request), { values, errors, status }),
    );
    if (!result.ok) return result.response;
    return reply.redirect(folderPath(request, result.value.id), 303);
  });
}
