/**
 * "Mes justificatifs" pages under /c/<slug>/compte/justificatifs: the list with each document's
 * status (valide, expire bientôt, expiré), adding a document (multipart form without JavaScript,
 * content checked like démarche uploads), downloading it (attachment, safe type, nosniff) and
 * deleting it. Only the owner sees a document: anyone else gets 404.
 */

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import { isCounterNumber } from '../../platform/db/counters.js';
import { type Tx, withTenant } from '../../platform/db/tenant.js';
import { AppError, notFound } from '../../platform/errors.js';
import { formatBytes, sendFile, type UploadedPart, uploadedFiles } from '../../platform/files/checks.js';
import { isUuid } from '../../platform/ids.js';
import {
  Button,
  ConfirmForm,
  CsrfField,
  DateInput,
  type FieldErrors,
  InsetText,
  Radios,
  SummaryList,
  Tag,
  type TagColour,
  WarningText,
} from '../../platform/views/components.js';
import { formatDate } from '../../platform/views/format.js';
import { type FormBody, formString, sendPage } from '../../platform/views/page-kit.js';
import { DOCUMENT_KIND_RULES, DOCUMENT_KINDS, DOCUMENT_STATUS_LABELS, type DocumentStatus } from '../forms/index.js';
import { readSavableRequestFile } from '../requests/index.js';
import {
  addDocument,
  deleteDocument,
  listDocuments,
  parseDocumentDetails,
  readDocument,
  readDocumentInfo,
  VAULT_FORMATS_TEXT,
  VAULT_MAX_BYTES,
  validateVaultUpload,
  validityText,
} from './vault.js';

const STATUS_COLOURS: Record<DocumentStatus, TagColour> = {
  valide: 'green',
  expire_bientot: 'yellow',
  expire: 'red',
};

const NOTICES: Record<string, string> = {
  ajoute: 'Le document a été ajouté à vos justificatifs.',
  supprime: 'Le document a été supprimé de vos justificatifs.',
};

const displayDate = (iso: string) => formatDate(`${iso}T12:00:00Z`);

/** A file of one of my requests being saved to the vault. */
interface RequestFileSource {
  number: string;
  fileId: string;
  name: string;
}

export function registerVaultPages(app: FastifyInstance, ctx: AppContext): void {
  const base = (request: FastifyRequest) => `/c/${request.commune!.slug}/compte/justificatifs`;
  const accountOf = (request: FastifyRequest) => request.actor!.accountId;
  const inTenant = <T,>(request: FastifyRequest, work: (tx: Tx) => Promise<T>) =>
    withTenant(ctx.database, request.commune!.id, work);
  const documentIdOf = (request: FastifyRequest) => {
    const id = (request.params as { document?: string }).document ?? '';
    if (!isUuid(id)) throw notFound('vault.document_not_found', 'no such document');
    return id;
  };

  // — List —

  app.get('/c/:slug/compte/justificatifs', { config: { policy: 'signedIn' } }, async (request, reply) => {
    const documents = await inTenant(request, (tx) => listDocuments(tx, accountOf(request)));
    const notice = NOTICES[formString(request.query, 'enregistre')];
    return sendPage(request, reply, {
      title: 'Mes justificatifs',
      ...(notice ? { notice: { kind: 'success' as const, title: notice } } : {}),
      children: (
        <>
          <h1 class="govuk-heading-xl">Mes justificatifs</h1>
          <p class="govuk-body">
            Conservez ici les documents que vous joignez souvent à vos démarches : quand une démarche en demande un,
            vous pourrez utiliser celui-ci au lieu de le joindre à nouveau. Seul vous y avez accès ; la mairie n’en
            reçoit une copie que lorsque vous l’utilisez dans une démarche.
          </p>
          <Button href={`${base(request)}/ajouter`}>Ajouter un document</Button>
          {documents.length === 0 ? (
            <p class="govuk-body">Vous n’avez encore aucun document.</p>
          ) : (
            documents.map((document) => (
              <div class="govuk-summary-card" key={document.id}>
                <div class="govuk-summary-card__title-wrapper">
                  <h2 class="govuk-summary-card__title govuk-!-text-break-word">{document.name}</h2>
                  <ul class="govuk-summary-card__actions">
                    <li class="govuk-summary-card__action">
                      <a class="govuk-link" href={`${base(request)}/${document.id}/telecharger`}>
                        Télécharger<span class="govuk-visually-hidden"> {document.name}</span>
                      </a>
                    </li>
                    <li class="govuk-summary-card__action">
                      <a class="govuk-link" href={`${base(request)}/${document.id}/supprimer`}>
                        Supprimer<span class="govuk-visually-hidden"> {document.name}</span>
                      </a>
                    </li>
                  </ul>
                </div>
                <div class="govuk-summary-card__content">
                  <SummaryList
                    rows={[
                      { key: 'Type', value: DOCUMENT_KIND_RULES[document.kind].label },
                      {
                        key: 'État',
                        value: (
                          <Tag colour={STATUS_COLOURS[document.status]}>{DOCUMENT_STATUS_LABELS[document.status]}</Tag>
                        ),
                      },
                      { key: 'Validité', value: validityText(document.validUntil) },
                      ...(document.issuedOn ? [{ key: 'Émis le', value: displayDate(document.issuedOn) }] : []),
                      {
                        key: 'Fichier',
                        value: `${document.mimeType === 'application/pdf' ? 'PDF' : 'Image'}, ${formatBytes(document.sizeBytes)}`,
                      },
                    ]}
                  />
                </div>
              </div>
            ))
          )}
          <p class="govuk-body">
            <a class="govuk-link" href={`/c/${request.commune!.slug}/compte/profil`}>
              Mon profil (téléphone, adresse, foyer)
            </a>
          </p>
        </>
      ),
    });
  });

  // — Adding a document —

  function addForm(
    request: FastifyRequest,
    reply: FastifyReply,
    values: FormBody,
    errors: FieldErrors = {},
    status?: number,
    fromRequest?: RequestFileSource,
  ) {
    const value = (key: string) => formString(values, key);
    const hasErrors = Object.values(errors).some(Boolean);
    const dateValue = (name: string) => ({
      day: value(`${name}-day`),
      month: value(`${name}-month`),
      year: value(`${name}-year`),
    });
    return sendPage(request, reply, {
      title: 'Ajouter un document à mes justificatifs',
      errors,
      ...(status ? { status } : {}),
      fieldOrder: ['fichier', 'type', 'emission', 'validite'],
      targets: { emission: 'emission-day', validite: 'validite-day' },
      children: (
        <>
          <a class="govuk-back-link" href={base(request)}>
            Retour
          </a>
          <h1 class="govuk-heading-xl">Ajouter un document à mes justificatifs</h1>
          <form method="post" action={`${base(request)}/ajouter`} enctype="multipart/form-data" novalidate>
            <CsrfField token={reply.generateCsrf()} />
            {fromRequest ? (
              <>
                <input type="hidden" name="demande" value={fromRequest.number} />
                <input type="hidden" name="fichier" value={fromRequest.fileId} />
                <SummaryList
                  rows={[
                    {
                      key: 'Fichier',
                      value: <span class="govuk-!-text-break-word">{fromRequest.name}</span>,
                    },
                    { key: 'Joint à', value: `votre demande n° ${fromRequest.number}` },
                  ]}
                />
                {errors.fichier ? (
                  <p id="fichier" class="govuk-error-message">
                    <span class="govuk-visually-hidden">{'Erreur\u00a0:'}</span> {errors.fichier}
                  </p>
                ) : null}
              </>
            ) : (
              <div class={`govuk-form-group${errors.fichier ? ' govuk-form-group--error' : ''}`}>
                <label class="govuk-label govuk-label--s" for="fichier">
                  Fichier
                </label>
                <div id="fichier-hint" class="govuk-hint">
                  {`Formats acceptés\u00a0: ${VAULT_FORMATS_TEXT}. Taille maximale\u00a0: ${formatBytes(VAULT_MAX_BYTES)}.`}
                  {hasErrors && !errors.fichier ? ' Choisissez à nouveau le fichier : il n’a pas été enregistré.' : ''}
                </div>
                {errors.fichier ? (
                  <p id="fichier-error" class="govuk-error-message">
                    <span class="govuk-visually-hidden">{'Erreur\u00a0:'}</span> {errors.fichier}
                  </p>
                ) : null}
                <input
                  class={`govuk-file-upload${errors.fichier ? ' govuk-file-upload--error' : ''}`}
                  id="fichier"
                  name="fichier"
                  type="file"
                  accept=".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
                  aria-describedby={errors.fichier ? 'fichier-hint fichier-error' : 'fichier-hint'}
                />
              </div>
            )}
            <Radios
              name="type"
              legend="Type de document"
              legendSize="s"
              value={value('type')}
              error={errors.type}
              items={DOCUMENT_KINDS.map((kind) => ({
                value: kind,
                label: DOCUMENT_KIND_RULES[kind].label,
                hint: DOCUMENT_KIND_RULES[kind].hint,
              }))}
            />
            <DateInput
              name="emission"
              legend="Date d’émission"
              legendSize="s"
              hint="La date qui figure sur le document (facture, quittance, attestation, avis). Obligatoire pour un justificatif de domicile, une attestation CAF ou de quotient familial et un avis d’imposition. Par exemple 12 3 2026."
              value={dateValue('emission')}
              error={errors.emission}
            />
            <DateInput
              name="validite"
              legend="Fin de validité (facultatif selon le type)"
              legendSize="s"
              hint="Pour une pièce d’identité, indiquez sa date d’expiration : elle est obligatoire. Pour un justificatif de domicile, laissez vide : il sera valable 3 mois après sa date d’émission. Sans date de fin, le document reste proposé sans limite de durée."
              value={dateValue('validite')}
              error={errors.validite}
            />
            <Button>Ajouter le document</Button>
          </form>
        </>
      ),
    });
  }

  /**
   * The file of one of my requests named by `demande` and `fichier` (query or form), to save in the
   * vault; undefined when none is named; 404 when it is not one I may save.
   */
  async function requestFileOf(request: FastifyRequest, values: FormBody) {
    const number = formString(values, 'demande');
    const fileId = formString(values, 'fichier');
    if (number === '' && fileId === '') return undefined;
    const found =
      isCounterNumber(number) && isUuid(fileId)
        ? await inTenant(request, (tx) =>
            readSavableRequestFile(tx, request.commune!.id, accountOf(request), number, fileId),
          )
        : undefined;
    if (!found) throw notFound('vault.request_file_not_found', 'no such request file');
    return { number, fileId, name: found.file.name, kind: found.kind, file: found.file };
  }

  app.get('/c/:slug/compte/justificatifs/ajouter', { config: { policy: 'signedIn' } }, async (request, reply) => {
    const fromRequest = await requestFileOf(request, request.query as FormBody);
    return addForm(request, reply, fromRequest ? { type: fromRequest.kind } : {}, {}, undefined, fromRequest);
  });

  app.post('/c/:slug/compte/justificatifs/ajouter', { config: { policy: 'signedIn' } }, async (request, reply) => {
    const body = (request.body ?? {}) as FormBody;
    const errors: Record<string, string> = {};
    let status = 422;
    const fromRequest = await requestFileOf(request, body);
    const part: UploadedPart | undefined = fromRequest
      ? {
          field: 'fichier',
          filename: fromRequest.file.name,
          declaredType: fromRequest.file.mimeType,
          content: fromRequest.file.content,
          isTruncated: false,
        }
      : uploadedFiles(request).find((p) => p.field === 'fichier');
    let upload: Awaited<ReturnType<typeof validateVaultUpload>> | undefined;
    if (!part) errors.fichier = 'Choisissez le fichier du document';
    else {
      try {
        upload = await validateVaultUpload(part);
      } catch (error) {
        if (!(error instanceof AppError) || !error.fields) throw error;
        errors.fichier = error.userMessage;
        if (error.status === 413) status = 413;
      }
    }
    let details: ReturnType<typeof parseDocumentDetails> | undefined;
    try {
      details = parseDocumentDetails(body);
    } catch (error) {
      if (!(error instanceof AppError) || !error.fields) throw error;
      Object.assign(errors, error.fields);
    }
    if (!upload || !details || Object.keys(errors).length > 0) {
      return addForm(request, reply, body, errors, status, fromRequest);
    }
    try {
      await inTenant(request, (tx) =>
        addDocument(tx, {
          accountId: accountOf(request),
          upload: upload!,
          details: details!,
          source: fromRequest ? 'request' : 'upload',
          httpRequestId: request.id,
        }),
      );
    } catch (error) {
      if (error instanceof AppError && error.fields) {
        return addForm(request, reply, body, error.fields, undefined, fromRequest);
      }
      throw error;
    }
    return reply.redirect(`${base(request)}?enregistre=ajoute`, 303);
  });

  // — Download —

  app.get(
    '/c/:slug/compte/justificatifs/:document/telecharger',
    { config: { policy: 'signedIn' } },
    async (request, reply) => {
      const id = documentIdOf(request);
      const document = await inTenant(request, (tx) => readDocument(tx, accountOf(request), id));
      if (!document) throw notFound('vault.document_not_found', 'no such document');
      return sendFile(reply, document);
    },
  );

  // — Deletion —

  app.get(
    '/c/:slug/compte/justificatifs/:document/supprimer',
    { config: { policy: 'signedIn' } },
    async (request, reply) => {
      const id = documentIdOf(request);
      // Without the bytes: a document whose bytes are damaged can still be deleted.
      const document = await inTenant(request, (tx) => readDocumentInfo(tx, accountOf(request), id));
      if (!document) throw notFound('vault.document_not_found', 'no such document');
      return sendPage(request, reply, {
        title: 'Supprimer un document de mes justificatifs',
        children: (
          <>
            <a class="govuk-back-link" href={base(request)}>
              Retour
            </a>
            <h1 class="govuk-heading-xl">Supprimer ce document ?</h1>
            <InsetText>
              <span class="govuk-!-text-break-word">{document.name}</span> —{' '}
              {DOCUMENT_KIND_RULES[document.kind].label.toLowerCase()}, {validityText(document.validUntil)}
            </InsetText>
            <WarningText>
              Le document ne vous sera plus proposé dans vos démarches. Les démarches où vous l’avez déjà joint en
              gardent une copie.
            </WarningText>
            <ConfirmForm
              action={`${base(request)}/${document.id}/supprimer`}
              csrfToken={reply.generateCsrf()}
              button="Supprimer le document"
              cancelHref={base(request)}
            />
          </>
        ),
      });
    },
  );

  app.post(
    '/c/:slug/compte/justificatifs/:document/supprimer',
    { config: { policy: 'signedIn' } },
    async (request, reply) => {
      const id = documentIdOf(request);
      await inTenant(request, (tx) => deleteDocument(tx, accountOf(request), id, request.id));
      return reply.redirect(`${base(request)}?enregistre=supprime`, 303);
    },
  );
}
