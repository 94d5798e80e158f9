/**
 * One folder (/c/<slug>/agent/parapheur/<id>): its documents (download of the latest version),
 * its metadata, its circuit, its history, and the actions this person may take now — decided by
 * policy.ts, the same predicates the use cases check. Signing asks for a recent authentication
 * (step-up) first. Every action is a POST form that works without JavaScript; a refused or
 * invalid one shows the page again with the French message.
 */
import type { FastifyContextConfig, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import { isRecentlyAuthenticated } from '../../../platform/authz/step-up.js';
import type { AppContext } from '../../../platform/context.js';
import { AppError } from '../../../platform/errors.js';
import { formatBytes, sendFile } from '../../../platform/files/checks.js';
import { formatEuros } from '../../../platform/money.js';
import type { PesSummary } from '../../../platform/signature/index.js';
import {
  Button,
  CsrfField,
  Details,
  type FieldErrors,
  InsetText,
  Radios,
  Select,
  SummaryList,
  Textarea,
} from '../../../platform/views/components.js';
import type { FormBody } from '../../../platform/views/page-kit.js';
import { sendPage } from '../../../platform/views/page-kit.js';
import { bordereauRows, isPes } from '../bordereaux.js';
import { DOCUMENT_TYPE_LABELS } from '../circuits.js';
import {
  actingFor,
  canAnnotate,
  canDecide,
  canRefuse,
  canSendBack,
  canTransfer,
  currentStep,
  recallableDecision,
} from '../policy.js';
import { type FolderPage, folderDocument, folderPage, folderProofSheet } from '../queries.js';
import { annotateFolder } from '../use-cases/annotate-folder.js';
import type { Caller } from '../use-cases/common.js';
import { decideStep } from '../use-cases/decide-step.js';
import { recallDecision } from '../use-cases/recall-decision.js';
import { refuseFolder } from '../use-cases/refuse-folder.js';
import { sendBackStep } from '../use-cases/send-back-step.js';
import { transferStep } from '../use-cases/transfer-step.js';
import {
  CircuitList,
  certificatePath,
  certificateSentence,
  dueText,
  FolderStatus,
  folderPath,
  History,
  parapheurBreadcrumbs,
} from './ui.js';

const DONE: Record<string, string> = {
  visa: 'Votre visa est enregistré.',
  signature: 'Le document est signé.',
  refus: 'Le dossier est refusé ; son auteur en est informé.',
  renvoi: 'Le dossier est renvoyé à l’étape précédente.',
  annotation: 'Votre annotation est enregistrée.',
  remords: 'Votre décision est reprise : le dossier attend de nouveau votre décision.',
  transfert: 'Le dossier est transféré.',
};

const FIELD_ORDER = ['action', 'commentaire', 'motif', 'motifRenvoi', 'note', 'visibilite', 'destinataire', 'message'];

function caller(request: FastifyRequest): Caller {
  return { communeId: request.commune!.id, actor: request.actor!, requestId: request.id };
}

function folderId(request: FastifyRequest): string {
  return (request.params as { folder: string }).folder;
}

interface Form {
  errors?: FieldErrors;
  status?: number;
  values?: Record<string, string>;
}

/** What the signer signs in a PES V2 file: each bordereau summed up, never the XML (readable on a phone). */
function Bordereaux({ summary }: { summary: PesSummary }) {
  const rows = bordereauRows(summary);
  return (
    <>
      <h2 class="govuk-heading-m">Bordereaux du flux PES ({rows.length})</h2>
      {rows.map((b) => (
        <div key={b.id}>
          <h3 class="govuk-heading-s">Bordereau {b.label}</h3>
          <SummaryList
            rows={[
              { key: 'Nature', value: b.type },
              { key: 'Pièces', value: b.pieces },
              { key: 'Montant HT', value: b.amount },
              { key: 'Signature', value: b.signed ? 'Signé (XAdES)' : 'À signer' },
            ]}
          />
        </div>
      ))}
      <p class="govuk-body govuk-!-text-break-word">
        Total des bordereaux : <strong>{formatEuros(summary.totalCents)} HT</strong>
        {summary.collectivity ? ` — ${summary.collectivity}` : ''}
        {summary.fileName ? ` — fichier ${summary.fileName}` : ''}
      </p>
    </>
  );
}

/** A secondary action folded under its summary, shown unfolded when it has an error to fix. */
function Folded({ summary, open, children }: { summary: string; open: boolean; children: ComponentChildren }) {
  if (!open) return <Details summary={summary}>{children}</Details>;
  return (
    <>
      <h3 class="govuk-heading-s">{summary}</h3>
      {children}
    </>
  );
}

function FolderActions({
  request,
  reply,
  page,
  form,
}: {
  request: FastifyRequest;
  reply: FastifyReply;
  page: FolderPage;
  form: Form;
}) {
  const actor = request.actor!;
  const { view } = page;
  const step = currentStep(view);
  const url = folderPath(request, view.folder.id);
  const csrf = reply.generateCsrf();
  const errors = form.errors ?? {};
  const values = form.values ?? {};
  const recall = recallableDecision(actor, view);
  const forOthers = actingFor(actor, view).filter((a) => a !== actor.accountId);
  const hidden = step ? <input type="hidden" name="etape" value={step.id} /> : null;
  return (
    <>
      <h2 class="govuk-heading-l" id="action" tabindex={-1}>
        Vos actions
      </h2>
      {forOthers.length ? (
        <InsetText>
          Vous agissez par délégation, pour {forOthers.map((a) => page.names.get(a) ?? 'le titulaire').join(', ')}.
        </InsetText>
      ) : null}
      {canDecide(actor, view, 'visa') ? (
        <form method="post" action={`${url}/viser`} novalidate>
          <CsrfField token={csrf} />
          {hidden}
          <Textarea
            name="commentaire"
            label="Commentaire (facultatif)"
            rows={3}
            value={values.commentaire ?? ''}
            error={errors.commentaire}
          />
          <Button>Viser le dossier</Button>
        </form>
      ) : null}
      {canDecide(actor, view, 'signature') ? (
        <form method="post" action={`${url}/signer`} novalidate>
          <CsrfField token={csrf} />
          {hidden}
          {page.bordereaux ? (
            <p class="govuk-body">
              Vous signez chacun des {page.bordereaux.bordereaux.length} bordereaux du flux PES ci-dessus, pour un total
              de {formatEuros(page.bordereaux.totalCents)} HT : une signature électronique avancée XAdES par bordereau,{' '}
              {certificateSentence(page.certificate)}.
            </p>
          ) : (
            <p class="govuk-body">Signature électronique avancée (AdES) {certificateSentence(page.certificate)}.</p>
          )}
          <p class="govuk-body">
            {page.certificate?.kind === 'imported'
              ? null
              : 'Ce n’est pas une signature qualifiée au sens du règlement eIDAS. '}
            <a class="govuk-link" href={certificatePath(request)}>
              Mon certificat de signature
            </a>
          </p>
          {isRecentlyAuthenticated(actor) ? null : (
            <p class="govuk-body">Avant de signer, vous confirmerez votre identité.</p>
          )}
          <Textarea
            name="commentaire"
            label="Commentaire (facultatif)"
            rows={3}
            value={values.commentaire ?? ''}
            error={errors.commentaire}
          />
          <Button>Signer le document</Button>
        </form>
      ) : null}
      {recall ? (
        <form method="post" action={`${url}/remords`} novalidate>
          <CsrfField token={csrf} />
          <p class="govuk-body">
            Personne n’a encore agi après vous : vous pouvez reprendre votre{' '}
            {recall.kind === 'signature' ? 'signature' : 'visa'}.
          </p>
          <Button variant="secondary">Reprendre ma décision</Button>
        </form>
      ) : null}
      {canRefuse(actor, view) ? (
        <Folded summary="Refuser le dossier" open={!!errors.motif}>
          <form method="post" action={`${url}/refuser`} novalidate>
            <CsrfField token={csrf} />
            {hidden}
            <Textarea
              name="motif"
              label="Motif du refus"
              hint="L’auteur du dossier le lira."
              rows={3}
              value={values.motif ?? ''}
              error={errors.motif}
            />
            <Button variant="warning">Refuser le dossier</Button>
          </form>
        </Folded>
      ) : null}
      {canSendBack(actor, view) ? (
        <Folded summary="Renvoyer à l’étape précédente" open={!!errors.motifRenvoi}>
          <form method="post" action={`${url}/renvoyer`} novalidate>
            <CsrfField token={csrf} />
            {hidden}
            <Textarea
              name="motif"
              id="motifRenvoi"
              label="Pourquoi renvoyez-vous le dossier ?"
              rows={3}
              value={values.motifRenvoi ?? ''}
              error={errors.motifRenvoi}
            />
            <Button variant="secondary">Renvoyer le dossier</Button>
          </form>
        </Folded>
      ) : null}
      {canTransfer(actor, view) ? (
        <Folded summary="Transférer à une autre personne" open={!!(errors.destinataire || errors.message)}>
          <form method="post" action={`${url}/transferer`} novalidate>
            <CsrfField token={csrf} />
            {hidden}
            <Select
              name="destinataire"
              label="Personne"
              value={values.destinataire ?? ''}
              error={errors.destinataire}
              options={[
                { value: '', label: 'Choisir une personne' },
                ...page.staff
                  .filter((s) => !step?.assignees.includes(s.accountId))
                  .map((s) => ({ value: s.accountId, label: `${s.givenName} ${s.familyName}` })),
              ]}
            />
            <Textarea
              name="message"
              label="Message (facultatif)"
              rows={3}
              value={values.message ?? ''}
              error={errors.message}
            />
            <Button variant="secondary">Transférer</Button>
          </form>
        </Folded>
      ) : null}
      {canAnnotate(actor, view) ? (
        <Folded summary="Annoter le dossier" open={!!(errors.note || errors.visibilite)}>
          <form method="post" action={`${url}/annoter`} novalidate>
            <CsrfField token={csrf} />
            <Textarea name="note" label="Annotation" rows={3} value={values.note ?? ''} error={errors.note} />
            <Radios
              name="visibilite"
              legend="Qui peut la lire ?"
              small
              value={values.visibilite ?? 'partagee'}
              error={errors.visibilite}
              items={[
                { value: 'partagee', label: 'Les personnes qui voient le dossier' },
                { value: 'privee', label: 'Moi seulement' },
              ]}
            />
            <Button variant="secondary">Enregistrer l’annotation</Button>
          </form>
        </Folded>
      ) : null}
    </>
  );
}

export function registerFolderPages(app: FastifyInstance, ctx: AppContext): void {
  async function show(request: FastifyRequest, reply: FastifyReply, form: Form = {}) {
    const page = await folderPage(ctx, request.commune!.id, request.actor!, folderId(request));
    const { folder } = page.view;
    const done = (request.query as FormBody | undefined)?.fait;
    const notice = typeof done === 'string' ? DONE[done] : undefined;
    const service = page.services.find((s) => s.id === folder.serviceId);
    return sendPage(request, reply, {
      title: `Dossier n° ${folder.number} — ${folder.title}`,
      breadcrumbs: parapheurBreadcrumbs(request),
      errors: form.errors ?? {},
      fieldOrder: FIELD_ORDER,
      ...(form.status ? { status: form.status } : {}),
      ...(notice && !form.errors ? { notice: { kind: 'success' as const, title: notice } } : {}),
      children: (
        <>
          <span class="govuk-caption-l">Dossier n° {folder.number}</span>
          <h1 class="govuk-heading-xl">{folder.title}</h1>
          <p class="govuk-body">
            <FolderStatus folder={folder} />
          </p>
          <h2 class="govuk-heading-m">Documents</h2>
          <ul class="govuk-list govuk-!-text-break-word">
            {page.documents.map((d) => (
              <li key={d.id}>
                <a class="govuk-link" href={`${folderPath(request, folder.id)}/documents/${d.id}`}>
                  {d.role === 'principal' ? 'Document à signer' : 'Annexe'} : {d.name}
                  {d.currentSha256 !== d.originalSha256 ? ' (version signée)' : ''}
                </a>{' '}
                ({isPes(d) ? 'flux PES V2 au format XML' : 'PDF'}, {formatBytes(d.sizeBytes)})
              </li>
            ))}
            <li>
              <a class="govuk-link" href={`${folderPath(request, folder.id)}/fiche-de-preuve.pdf`}>
                Fiche de preuve
              </a>{' '}
              (PDF : chaque action, son auteur, sa date et l’empreinte du document)
            </li>
          </ul>
          {page.bordereaux ? <Bordereaux summary={page.bordereaux} /> : null}
          <SummaryList
            rows={[
              { key: 'Type', value: DOCUMENT_TYPE_LABELS[folder.documentType] },
              ...(folder.amountCents !== null ? [{ key: 'Montant', value: formatEuros(folder.amountCents) }] : []),
              ...(service ? [{ key: 'Service', value: service.name }] : []),
              ...(folder.budgetLine ? [{ key: 'Ligne budgétaire', value: folder.budgetLine }] : []),
              ...(folder.thirdParty ? [{ key: 'Tiers', value: folder.thirdParty }] : []),
              { key: 'Échéance', value: dueText(folder) },
              { key: 'Circuit', value: folder.circuitName },
              {
                key: 'Créé par',
                value: folder.createdBy ? (page.names.get(folder.createdBy) ?? '—') : 'Application connectée',
              },
            ]}
          />
          <h2 class="govuk-heading-m">Circuit</h2>
          <CircuitList view={page.view} names={page.names} />
          <FolderActions request={request} reply={reply} page={page} form={form} />
          <h2 class="govuk-heading-m">Historique</h2>
          <History actions={page.view.actions} names={page.names} />
        </>
      ),
    });
  }

  app.get('/c/:slug/agent/parapheur/:folder', { config: { policy: 'staff' } }, (request, reply) =>
    show(request, reply),
  );

  app.get(
    '/c/:slug/agent/parapheur/:folder/documents/:document',
    { config: { policy: 'staff' } },
    async (request, reply) => {
      const { document } = request.params as { document: string };
      const file = await folderDocument(ctx, request.commune!.id, request.actor!, folderId(request), document);
      return sendFile(reply, file);
    },
  );

  app.get(
    '/c/:slug/agent/parapheur/:folder/fiche-de-preuve.pdf',
    { config: { policy: 'staff' } },
    async (request, reply) =>
      sendFile(reply, await folderProofSheet(ctx, request.commune!, request.actor!, folderId(request))),
  );

  /** A POST action: the use case, then back to the folder (303), or the folder with the message. */
  function action(
    suffix: string,
    done: string,
    run: (request: FastifyRequest, body: FormBody) => Promise<unknown>,
    options: { stepUp?: boolean; fieldMap?: Record<string, string> } = {},
  ) {
    const back = (request: FastifyRequest) => folderPath(request, folderId(request));
    const config: FastifyContextConfig = { policy: 'staff', ...(options.stepUp ? { stepUp: back } : {}) };
    app.post(`/c/:slug/agent/parapheur/:folder/${suffix}`, { config }, async (request, reply) => {
      const url = back(request);
      const body = (request.body ?? {}) as FormBody;
      try {
        await run(request, body);
        return reply.redirect(`${url}?fait=${done}`, 303);
      } catch (error) {
        if (!(error instanceof AppError) || error.status >= 500 || error.status === 404) throw error;
        const rename = (key: string) => options.fieldMap?.[key] ?? key;
        const errors = error.fields
          ? Object.fromEntries(Object.entries(error.fields).map(([k, v]) => [rename(k), v]))
          : { action: error.userMessage };
        const values = Object.fromEntries(
          Object.entries(body)
            .filter(([, v]) => typeof v === 'string')
            .map(([k, v]) => [rename(k), v as string]),
        );
        return show(request, reply, { errors, status: error.status, values });
      }
    });
  }

  action('viser', 'visa', (request, body) => decideStep(ctx, caller(request), folderId(request), 'visa', body));
  action(
    'signer',
    'signature',
    (request, body) => decideStep(ctx, caller(request), folderId(request), 'signature', body),
    { stepUp: true },
  );
  action('refuser', 'refus', (request, body) => refuseFolder(ctx, caller(request), folderId(request), body));
  action('renvoyer', 'renvoi', (request, body) => sendBackStep(ctx, caller(request), folderId(request), body), {
    fieldMap: { motif: 'motifRenvoi' },
  });
  action('annoter', 'annotation', (request, body) => annotateFolder(ctx, caller(request), folderId(request), body));
  action('remords', 'remords', (request) => recallDecision(ctx, caller(request), folderId(request)));
  action('transferer', 'transfert', (request, body) => transferStep(ctx, caller(request), folderId(request), body));
}
