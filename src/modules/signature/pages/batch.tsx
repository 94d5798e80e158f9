/**
 * Batch signing (/c/<slug>/agent/parapheur/lot): the queue's « Signer plusieurs documents » form
 * (GET, the ticked folders) leads to one confirmation page listing them; its POST asks for the
 * same recent authentication as a single signature, signs each folder in its own transaction and
 * answers with the result of each one. Works without JavaScript.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isRecentlyAuthenticated } from '../../../platform/authz/step-up.js';
import type { AppContext } from '../../../platform/context.js';
import { AppError } from '../../../platform/errors.js';
import { formatEuros } from '../../../platform/money.js';
import { Button, CsrfField, type FieldErrors, Table, Tag, WarningText } from '../../../platform/views/components.js';
import { formatNumber } from '../../../platform/views/format.js';
import type { FormBody } from '../../../platform/views/page-kit.js';
import { sendPage } from '../../../platform/views/page-kit.js';
import { DOCUMENT_TYPE_LABELS } from '../circuits.js';
import { signatureQueue } from '../queries.js';
import type { QueueRow } from '../repo.js';
import { type BatchItem, MAX_BATCH, signBatch } from '../use-cases/sign-batch.js';
import { folderPath, parapheurBase, parapheurBreadcrumbs } from './ui.js';

const many = (v: unknown): string[] =>
  (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string');

export function batchPath(request: FastifyRequest, ids: readonly string[] = []): string {
  const query = new URLSearchParams(ids.map((id) => ['dossier', id]));
  return `${parapheurBase(request)}/lot${ids.length ? `?${query}` : ''}`;
}

function confirmation(
  request: FastifyRequest,
  reply: FastifyReply,
  rows: QueueRow[],
  errors: FieldErrors = {},
  status?: number,
) {
  return sendPage(request, reply, {
    title: 'Signer plusieurs documents',
    breadcrumbs: parapheurBreadcrumbs(request),
    errors,
    fieldOrder: ['dossier'],
    ...(status ? { status } : {}),
    children: (
      <>
        <h1 class="govuk-heading-xl">Signer plusieurs documents</h1>
        {rows.length === 0 ? (
          <p class="govuk-body">
            <a class="govuk-link" href={parapheurBase(request)}>
              Revenir au parapheur
            </a>{' '}
            pour cocher les dossiers à signer.
          </p>
        ) : (
          <form method="post" action={batchPath(request)} novalidate>
            <CsrfField token={reply.generateCsrf()} />
            <p class="govuk-body">
              Vous allez signer {rows.length > 1 ? `ces ${formatNumber(rows.length)} documents` : 'ce document'}, chacun
              séparément, avec votre certificat délivré par l’autorité de certification de la commune (signature
              électronique avancée, non qualifiée au sens du règlement eIDAS).
            </p>
            <ul class="govuk-list govuk-list--bullet">
              {rows.map(({ folder, step }) => (
                <li key={folder.id}>
                  <input type="hidden" name="dossier" value={folder.id} />
                  <input type="hidden" name="etape" value={step.id} />
                  <a class="govuk-link" href={folderPath(request, folder.id)}>
                    {folder.title}
                  </a>{' '}
                  — n° {folder.number}, {DOCUMENT_TYPE_LABELS[folder.documentType]}
                  {folder.amountCents !== null ? `, ${formatEuros(folder.amountCents)}` : ''}
                </li>
              ))}
            </ul>
            {isRecentlyAuthenticated(request.actor!) ? null : (
              <p class="govuk-body">Avant de signer, vous confirmerez votre identité.</p>
            )}
            <WarningText>
              Un document qui ne peut pas être signé est signalé ; les autres sont signés quand même.
            </WarningText>
            <Button>
              {rows.length > 1 ? `Signer les ${formatNumber(rows.length)} documents` : 'Signer le document'}
            </Button>
          </form>
        )}
      </>
    ),
  });
}

function results(request: FastifyRequest, reply: FastifyReply, items: BatchItem[]) {
  const signed = items.filter((i) => i.ok).length;
  const failed = items.length - signed;
  const title =
    failed === 0
      ? `${formatNumber(signed)} document${signed > 1 ? 's' : ''} signé${signed > 1 ? 's' : ''}`
      : `${formatNumber(signed)} signé${signed > 1 ? 's' : ''}, ${formatNumber(failed)} non signé${failed > 1 ? 's' : ''}`;
  return sendPage(request, reply, {
    title: `Signature par lot : ${title}`,
    breadcrumbs: parapheurBreadcrumbs(request),
    wide: true,
    ...(failed === 0 ? { notice: { kind: 'success' as const, title: `Signature par lot : ${title}` } } : {}),
    children: (
      <>
        <h1 class="govuk-heading-xl">Signature par lot : {title}</h1>
        <Table
          caption="Résultat pour chaque dossier"
          columns={[{ label: 'Dossier' }, { label: 'Résultat' }]}
          rows={items.map((item) => [
            item.number ? (
              <a key="l" class="govuk-link" href={folderPath(request, item.folderId)}>
                {item.title} (n° {item.number})
              </a>
            ) : (
              'Dossier inconnu'
            ),
            <span key="r">
              <Tag colour={item.ok ? 'green' : 'red'}>{item.ok ? 'Signé' : 'Non signé'}</Tag> {item.message}
            </span>,
          ])}
        />
        <p class="govuk-body">
          <a class="govuk-link" href={parapheurBase(request)}>
            Revenir au parapheur
          </a>
        </p>
      </>
    ),
  });
}

export function registerBatchPages(app: FastifyInstance, ctx: AppContext): void {
  app.get('/c/:slug/agent/parapheur/lot', { config: { policy: 'staff' } }, async (request, reply) => {
    const wanted = new Set(many((request.query as FormBody | undefined)?.dossier));
    const queue = await signatureQueue(ctx, request.commune!.id, request.actor!);
    const rows = queue.filter((r) => wanted.has(r.folder.id)).slice(0, MAX_BATCH);
    if (rows.length === 0) {
      return confirmation(
        request,
        reply,
        [],
        { dossier: 'Cochez au moins un dossier qui attend votre signature.' },
        422,
      );
    }
    return confirmation(request, reply, rows);
  });

  app.post(
    '/c/:slug/agent/parapheur/lot',
    {
      config: {
        policy: 'staff',
        // Back to the same confirmation after confirming one's identity (the form is not re-sent).
        stepUp: (request) => batchPath(request, many((request.body as FormBody | undefined)?.dossier)),
      },
    },
    async (request, reply) => {
      const body = (request.body ?? {}) as FormBody;
      try {
        const items = await signBatch(
          ctx,
          { communeId: request.commune!.id, actor: request.actor!, requestId: request.id },
          body,
        );
        return results(request, reply, items);
      } catch (error) {
        if (!(error instanceof AppError) || !error.fields || error.status >= 500) throw error;
        const wanted = new Set(many(body.dossier));
        const queue = await signatureQueue(ctx, request.commune!.id, request.actor!);
        const rows = queue.filter((r) => wanted.has(r.folder.id));
        return confirmation(request, reply, rows, error.fields, error.status);
      }
    },
  );
}
