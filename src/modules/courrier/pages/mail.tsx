/**
 * One mail's page (/c/<slug>/agent/courrier/<id>): what was registered, the scans, the text read
 * by OCR (with its progress while the worker reads), the service the classifier proposes, the
 * processing forms (assign, redirect with a reason), the replies and their sending, and the
 * history. Every route answers 404 to a person who may not see the mail (a confidential mail to
 * anyone not named on it), and to another commune.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.js';
import { sendFile } from '../../../platform/files/checks.js';
import {
  Button,
  CsrfField,
  type FieldErrors,
  Input,
  InsetText,
  Radios,
  Select,
  SummaryList,
  Textarea,
  WarningText,
} from '../../../platform/views/components.js';
import { formatDate, formatDateTime, formatNumber } from '../../../platform/views/format.js';
import { type FormBody, formString, handleForm, sendPage } from '../../../platform/views/page-kit.js';
import { MAIL_TYPE_RULES } from '../deadlines.js';
import { type MailPage, mailDocument, mailPage, staffName } from '../queries.js';
import { CATEGORY_LABELS, OCR_LABELS, PRIORITY_LABELS } from '../texts.js';
import { assignMail, completeMail, redirectMail } from '../use-cases/process-mail.js';
import { decideProposal } from '../use-cases/propose-service.js';
import { UNKNOWN_SENDER } from '../use-cases/register-bundle.js';
import { AvisSection, registerAvisRoutes } from './avis.js';
import { RepliesSection, registerReplyRoutes } from './replies.js';
import { callerOf, courrierBreadcrumbs, mailPath, POLICY, StatusTag } from './ui.js';

const NOTICES: Record<string, string> = {
  enregistre: 'Le courrier est enregistré.',
  courriel: 'Le courriel est enregistré au courrier arrivé.',
  deja: 'Ce courriel était déjà enregistré : voici le courrier.',
  avis_demande: 'La demande d’avis est envoyée.',
  avis_donne: 'Votre avis est enregistré.',
  attribue: 'Le courrier est confié.',
  reoriente: 'Le courrier est réorienté.',
  complete: 'L’enregistrement est complété.',
  proposition: 'Le service du courrier est choisi.',
  brouillon: 'Le projet de réponse est enregistré.',
  parapheur: 'La réponse est envoyée au parapheur pour visa et signature.',
  envoye: 'La réponse est partie ; le courrier est clos.',
  suivi: 'Le suivi est demandé au prestataire : actualisez la page dans un instant pour voir sa réponse.',
};

export interface FormState {
  form: string;
  values: Record<string, string>;
  errors: FieldErrors;
  status: number;
}

function OcrSection({ request, data }: { request: FastifyRequest; data: MailPage }) {
  const { mail } = data;
  if (mail.ocrStatus === 'aucun') return null;
  return (
    <>
      <h2 class="govuk-heading-m" id="texte">
        Texte lu
      </h2>
      {(mail.ocrStatus === 'en_attente' || mail.ocrStatus === 'en_cours') && (
        <div role="status">
          <p class="govuk-body">
            {OCR_LABELS[mail.ocrStatus]}
            {mail.ocrPagesTotal > 0 &&
              ` : page ${formatNumber(mail.ocrPagesDone)} sur ${formatNumber(mail.ocrPagesTotal)} lue${mail.ocrPagesDone > 1 ? 's' : ''}`}
            .
          </p>
          {mail.ocrPagesTotal > 0 && (
            <progress max={mail.ocrPagesTotal} value={mail.ocrPagesDone} aria-label="Avancement de la lecture">
              {mail.ocrPagesDone} sur {mail.ocrPagesTotal}
            </progress>
          )}
          <p class="govuk-body">
            <a class="govuk-link" href={`${mailPath(request, mail.id)}#texte`}>
              Actualiser la page
            </a>
          </p>
        </div>
      )}
      {(mail.ocrStatus === 'echec' || mail.ocrStatus === 'indisponible') && (
        <WarningText>{mail.ocrMessage ?? OCR_LABELS[mail.ocrStatus]}</WarningText>
      )}
      {mail.ocrStatus === 'termine' && (
        <details class="govuk-details" open>
          <summary class="govuk-details__summary">
            <span class="govuk-details__summary-text">Texte lu automatiquement (à vérifier sur le scan)</span>
          </summary>
          <div class="govuk-details__text guichet-pre-line guichet-break">
            {mail.ocrText || 'Aucun texte trouvé sur les scans.'}
          </div>
        </details>
      )}
    </>
  );
}

function ProposalSection({
  request,
  data,
  csrf,
  state,
}: {
  request: FastifyRequest;
  data: MailPage;
  csrf: string;
  state: FormState | null;
}) {
  const { mail } = data;
  if (!mail.proposedServiceId || mail.status === 'clos') return null;
  const proposed = data.services.find((s) => s.id === mail.proposedServiceId);
  const confidence = mail.proposalConfidence == null ? null : Math.round(mail.proposalConfidence * 100);
  const words = mail.proposalExplanation ?? [];
  const errors = state?.form === 'proposition' ? state.errors : {};
  return (
    <>
      <h2 class="govuk-heading-m">Service proposé</h2>
      <InsetText>
        <p class="govuk-body">
          Service proposé : <strong>{proposed?.name ?? 'inconnu'}</strong>
          {confidence !== null && ` (confiance ${confidence} %)`}
          {words.length > 0 ? `, d’après les mots : ${words.join(', ')}.` : '.'}
        </p>
        {mail.proposalDecision && (
          <p class="govuk-body">
            {mail.proposalDecision === 'acceptee' ? 'Proposition acceptée.' : 'Proposition écartée.'}
          </p>
        )}
      </InsetText>
      {!mail.proposalDecision && mail.proposedServiceId === mail.serviceId && (
        <p class="govuk-body">C’est déjà le service en charge de ce courrier.</p>
      )}
      {!mail.proposalDecision && mail.proposedServiceId !== mail.serviceId && data.canProcess && (
        <form method="post" action={`${mailPath(request, mail.id)}/proposition`} novalidate>
          <CsrfField token={csrf} />
          <Radios
            name="decision"
            legend="Que faites-vous de cette proposition ?"
            legendSize="s"
            value={state?.form === 'proposition' ? state.values.decision : 'accepter'}
            items={[
              { value: 'accepter', label: `Accepter : confier le courrier au service ${proposed?.name ?? ''}` },
              { value: 'autre', label: 'Choisir un autre service' },
            ]}
            {...(errors.decision ? { error: errors.decision } : {})}
          />
          <Select
            name="service"
            label="Autre service"
            value={state?.form === 'proposition' ? state.values.service : ''}
            error={errors.service}
            options={[
              { value: '', label: 'Choisir un service' },
              ...data.services.filter((s) => !s.retiredAt).map((s) => ({ value: s.id, label: s.name })),
            ]}
          />
          <Button variant="secondary">Valider le service</Button>
        </form>
      )}
    </>
  );
}

/** Corrects the sender and the subject (a letter of a bulk intake arrives « Expéditeur à identifier »). */
function CompleteForm({
  request,
  data,
  csrf,
  state,
}: {
  request: FastifyRequest;
  data: MailPage;
  csrf: string;
  state: FormState | null;
}) {
  const { mail, contact } = data;
  const unknown = contact.name === UNKNOWN_SENDER;
  const mine = state?.form === 'completer';
  const errors = mine ? state.errors : {};
  const v = (key: string, current: string) => (mine ? (state.values[key] ?? '') : current);
  return (
    <details class="govuk-details" {...(unknown || mine ? { open: true } : {})}>
      <summary class="govuk-details__summary">
        <span class="govuk-details__summary-text">
          {unknown ? 'Compléter l’expéditeur et l’objet' : 'Corriger l’expéditeur ou l’objet'}
        </span>
      </summary>
      <div class="govuk-details__text">
        <form method="post" action={`${mailPath(request, mail.id)}/completer`} novalidate>
          <CsrfField token={csrf} />
          <Input name="objet" label="Objet" value={v('objet', mail.subject)} error={errors.objet} />
          <Radios
            name="expediteur_type"
            legend="L’expéditeur est"
            legendSize="s"
            inline
            value={v('expediteur_type', contact.kind)}
            items={[
              { value: 'personne', label: 'Une personne' },
              { value: 'organisation', label: 'Un organisme' },
            ]}
            {...(errors.expediteur_type ? { error: errors.expediteur_type } : {})}
          />
          <Input
            name="expediteur_nom"
            label="Nom de l’expéditeur"
            autocomplete="off"
            value={v('expediteur_nom', unknown ? '' : contact.name)}
            error={errors.expediteur_nom}
          />
          <Input
            name="expediteur_courriel"
            type="email"
            label="Adresse électronique (facultatif)"
            spellcheck={false}
            value={v('expediteur_courriel', contact.email ?? '')}
            error={errors.expediteur_courriel}
          />
          <Textarea
            name="expediteur_adresse"
            label="Adresse postale"
            hint="Obligatoire sans adresse électronique. Un expéditeur déjà connu est retrouvé dans le carnet."
            rows={3}
            value={v('expediteur_adresse', contact.postalAddress ?? '')}
            error={errors.expediteur_adresse}
          />
          <Button variant="secondary">Enregistrer l’expéditeur et l’objet</Button>
        </form>
      </div>
    </details>
  );
}

function ProcessingSection({
  request,
  data,
  csrf,
  state,
}: {
  request: FastifyRequest;
  data: MailPage;
  csrf: string;
  state: FormState | null;
}) {
  const { mail } = data;
  if (!data.canProcess || mail.status === 'clos') return null;
  const actor = request.actor!;
  const agents = data.staff.filter(
    (s) => s.serviceIds.includes(mail.serviceId) || s.roles.some((r) => r === 'mayor' || r === 'dgs'),
  );
  const absent = data.absentToday.filter((a) => agents.some((s) => s.accountId === a.accountId));
  const assignErrors = state?.form === 'attribuer' ? state.errors : {};
  const redirectErrors = state?.form === 'reorienter' ? state.errors : {};
  return (
    <>
      <h2 class="govuk-heading-m">Traitement</h2>
      <CompleteForm request={request} data={data} csrf={csrf} state={state} />
      <form method="post" action={`${mailPath(request, mail.id)}/attribuer`} novalidate>
        <CsrfField token={csrf} />
        {absent.length > 0 && (
          <InsetText>
            {absent.map((a) => (
              <p class="govuk-body">
                Absence de {staffName(data.staff, a.accountId)} jusqu’au {formatDate(a.endsOn)} inclus : le courrier qui
                lui est confié va à {staffName(data.staff, a.delegateId)}.
              </p>
            ))}
          </InsetText>
        )}
        <Select
          name="agent"
          label="Confier à"
          value={(state?.form === 'attribuer' ? state.values.agent : null) ?? mail.assignedTo ?? actor.accountId}
          error={assignErrors.agent}
          options={[
            { value: '', label: 'Choisir un agent' },
            ...agents.map((s) => ({ value: s.accountId, label: `${s.givenName} ${s.familyName}` })),
          ]}
        />
        <Button variant="secondary">Confier le courrier</Button>
      </form>
      <form method="post" action={`${mailPath(request, mail.id)}/reorienter`} novalidate>
        <CsrfField token={csrf} />
        <Select
          name="service"
          label="Réorienter vers le service"
          value={state?.form === 'reorienter' ? state.values.service : ''}
          error={redirectErrors.service}
          options={[
            { value: '', label: 'Choisir un service' },
            ...data.services
              .filter((s) => !s.retiredAt && s.id !== mail.serviceId)
              .map((s) => ({ value: s.id, label: s.name })),
          ]}
        />
        <Textarea
          name="motif"
          label="Motif de la réorientation"
          hint="Il est noté dans l’historique du courrier."
          rows={2}
          value={state?.form === 'reorienter' ? state.values.motif : ''}
          error={redirectErrors.motif}
        />
        <Button variant="secondary">Réorienter</Button>
      </form>
    </>
  );
}

export function showMailPage(
  request: FastifyRequest,
  reply: FastifyReply,
  data: MailPage,
  state: FormState | null = null,
) {
  const { mail, contact } = data;
  const service = data.services.find((s) => s.id === mail.serviceId);
  const csrf = reply.generateCsrf();
  const done = formString(request.query, 'fait');
  const late = mail.status !== 'clos' && mail.dueOn !== null && mail.dueOn < data.today;
  const named = (role: 'copie' | 'lecteur') =>
    data.people
      .filter((p) => p.role === role)
      .map((p) => p.name)
      .join(', ') || 'personne';
  return sendPage(request, reply, {
    title: `Courrier ${mail.chrono}`,
    workspace: true,
    wide: true,
    breadcrumbs: courrierBreadcrumbs(request),
    ...(state ? { errors: state.errors, status: state.status } : {}),
    ...(NOTICES[done] ? { notice: { kind: 'success' as const, title: NOTICES[done]! } } : {}),
    children: (
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <span class="govuk-caption-l">Courrier arrivé {mail.chrono}</span>
          <h1 class="govuk-heading-l guichet-break">{mail.subject}</h1>
          <p class="govuk-body">
            <StatusTag status={mail.status} late={late} />
            {mail.confidential && (
              <>
                {' '}
                <strong class="govuk-tag govuk-tag--purple">Confidentiel</strong>
              </>
            )}
          </p>
          <SummaryList
            rows={[
              { key: 'Numéro', value: mail.chrono },
              { key: 'Arrivé le', value: formatDate(mail.arrivedOn) },
              {
                key: 'Expéditeur',
                value: (
                  <>
                    {contact.name}
                    {contact.email && <span class="govuk-!-display-block">{contact.email}</span>}
                    {contact.postalAddress && (
                      <span class="govuk-!-display-block guichet-pre-line">{contact.postalAddress}</span>
                    )}
                  </>
                ),
              },
              { key: 'Type', value: MAIL_TYPE_RULES[mail.mailType].label },
              { key: 'Arrivé par', value: CATEGORY_LABELS[mail.category] },
              { key: 'Priorité', value: PRIORITY_LABELS[mail.priority] },
              { key: 'Service en charge', value: service?.name ?? '' },
              { key: 'Agent attributaire', value: staffName(data.staff, mail.assignedTo) ?? 'personne pour l’instant' },
              {
                key: 'À traiter avant le',
                value: mail.dueOn
                  ? `${formatDate(mail.dueOn)} (${MAIL_TYPE_RULES[mail.mailType].basis})`
                  : 'sans délai : aucune réponse attendue',
              },
              ...(mail.confidential ? [{ key: 'Personnes nommées', value: named('lecteur') }] : []),
              { key: 'En copie', value: named('copie') },
              {
                key: 'Enregistré',
                value: mail.registeredBy
                  ? `le ${formatDateTime(mail.registeredAt)} par ${staffName(data.staff, mail.registeredBy)}`
                  : `le ${formatDateTime(mail.registeredAt)}, automatiquement (courriel reçu)`,
              },
            ]}
          />
          {data.documents.length > 0 && (
            <>
              <h2 class="govuk-heading-m">{mail.category === 'courriel' ? 'Documents' : 'Scans'}</h2>
              <ul class="govuk-list">
                {data.documents.map((d) => (
                  <li>
                    <a class="govuk-link" href={`${mailPath(request, mail.id)}/documents/${d.id}`}>
                      Télécharger {d.name}
                    </a>{' '}
                    ({formatNumber(Math.ceil(d.sizeBytes / 1024))} ko)
                  </li>
                ))}
              </ul>
            </>
          )}
          {mail.bodyText && (
            <>
              <h2 class="govuk-heading-m" id="courriel">
                Texte du courriel
              </h2>
              <div class="govuk-inset-text guichet-pre-line guichet-break">{mail.bodyText}</div>
            </>
          )}
          <OcrSection request={request} data={data} />
          <ProposalSection request={request} data={data} csrf={csrf} state={state} />
          <ProcessingSection request={request} data={data} csrf={csrf} state={state} />
          <AvisSection request={request} data={data} csrf={csrf} state={state} />
          <RepliesSection request={request} data={data} csrf={csrf} state={state} />
          <h2 class="govuk-heading-m">Historique</h2>
          <ol class="govuk-list govuk-list--spaced">
            {data.history.map((h) => (
              <li>
                <span class="govuk-body-s govuk-!-display-block govuk-!-margin-bottom-0">
                  {formatDateTime(h.at)}
                  {h.actorName ? ` — ${h.actorName}` : ' — automatique'}
                </span>
                {h.text}
              </li>
            ))}
          </ol>
        </div>
      </div>
    ),
  });
}

/** Posts a form of the mail page: the use case, then back to the page (or the page again with the form's errors). */
export async function postMailForm(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  form: string,
  work: () => Promise<unknown>,
  done: string,
) {
  const id = (request.params as { mail: string }).mail;
  const body = (request.body ?? {}) as FormBody;
  const values = Object.fromEntries(
    Object.entries(body)
      .filter(([k, v]) => k !== '_csrf' && typeof v === 'string')
      .map(([k, v]) => [k, v as string]),
  );
  const result = await handleForm(work, async (errors, status) =>
    showMailPage(request, reply, await mailPage(ctx, callerOf(request), id), { form, values, errors, status }),
  );
  if (!result.ok) return result.response;
  return reply.redirect(`${mailPath(request, id)}?fait=${done}`, 303);
}

export function registerMailPages(app: FastifyInstance, ctx: AppContext): void {
  app.get('/c/:slug/agent/courrier/:mail', POLICY, async (request, reply) => {
    const { mail } = request.params as { mail: string };
    return showMailPage(request, reply, await mailPage(ctx, callerOf(request), mail));
  });

  app.get('/c/:slug/agent/courrier/:mail/documents/:document', POLICY, async (request, reply) => {
    const { mail, document } = request.params as { mail: string; document: string };
    return sendFile(reply, await mailDocument(ctx, callerOf(request), mail, document));
  });

  // The mail page's forms: the path, the use case, and the confirmation shown after it.
  const forms = [
    ['attribuer', assignMail, 'attribue'],
    ['reorienter', redirectMail, 'reoriente'],
    ['completer', completeMail, 'complete'],
    ['proposition', decideProposal, 'proposition'],
  ] as const;
  for (const [path, run, done] of forms) {
    app.post(`/c/:slug/agent/courrier/:mail/${path}`, POLICY, async (request, reply) => {
      const { mail } = request.params as { mail: string };
      return postMailForm(ctx, request, reply, path, () => run(ctx, callerOf(request), mail, request.body), done);
    });
  }

  registerReplyRoutes(app, ctx);
  registerAvisRoutes(app, ctx, (request, reply, form, work, done) =>
    postMailForm(ctx, request, reply, form, work, done),
  );
}
