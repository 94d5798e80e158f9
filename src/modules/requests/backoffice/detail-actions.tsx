/**
 * The actions panel of a request in the back office (take, status, message, note, assign,
 * re-route) and how it was routed: POST forms that work without JavaScript.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import { competenceLabel } from '../../../platform/classifier/competences.js';
import {
  DEFAULT_ACCEPTED_TYPES,
  describeTypes,
  formatBytes,
  MAX_UPLOAD_BYTES,
} from '../../../platform/files/checks.js';
import {
  Button,
  Checkboxes,
  CsrfField,
  type FieldErrors,
  FileUpload,
  Radios,
  Select,
  SummaryList,
  Textarea,
} from '../../../platform/views/components.js';
import { formatNumber } from '../../../platform/views/format.js';
import { nextPositions, positionLabel, positionValue } from '../../procedures/index.js';
import { MAX_MESSAGE_LENGTH } from '../deps.js';
import { canAddNote, canAssign, canChangeStatus, canMessageCitizen, canReroute, canTakeRequest } from '../policy.js';
import type { DetailData } from './detail-data.js';
import { isClosed, type RequestDetail, ROUTED_BY_LABELS } from './queries.js';
import { requestPath } from './ui.js';

export function Section({ title, id, children }: { title: string; id: string; children: ComponentChildren }) {
  return (
    <section aria-labelledby={id} class="govuk-!-margin-bottom-8">
      <h2 class="govuk-heading-m" id={id}>
        {title}
      </h2>
      {children}
    </section>
  );
}

export function Routing({
  detail,
  competenceServices,
}: {
  detail: RequestDetail;
  /** Competence → the service that handles it in the commune's map (shown next to each suggestion). */
  competenceServices?: ReadonlyMap<string, string>;
}) {
  const rows = [{ key: 'Mode d’orientation', value: ROUTED_BY_LABELS[detail.routedBy] ?? detail.routedBy }];
  if (detail.routingConfidence !== null) {
    rows.push({
      key: 'Confiance du classifieur',
      value: `${formatNumber(Math.round(detail.routingConfidence * 100))} %`,
    });
  }
  const competences = detail.routingCompetences ?? [];
  if (competences.length > 0) {
    rows.push({
      key: competences.length > 1 ? 'Compétences proches (à départager)' : 'Compétence estimée',
      value: competences
        .map((c) => {
          const service = competenceServices?.get(c);
          return service ? `${competenceLabel(c)} (service « ${service} »)` : competenceLabel(c);
        })
        .join(' ou '),
    });
  }
  return (
    <>
      <SummaryList rows={rows} />
      {detail.routingExplanation && detail.routingExplanation.length > 0 ? (
        <>
          <p class="govuk-body">Mots du message qui ont pesé dans l’orientation :</p>
          <ul class="govuk-list govuk-list--bullet">
            {detail.routingExplanation.map((word) => (
              <li key={word}>{word}</li>
            ))}
          </ul>
        </>
      ) : null}
    </>
  );
}

export interface FormValues {
  attente?: boolean;
  statut?: string;
  messageStatut?: string;
  message?: string;
  note?: string;
  attribuer?: string;
  service?: string;
  motif?: string;
}

/** One action of the panel, folded (a `<details>`, no JavaScript needed); open when its form has an error. */
function ActionDetails({
  title,
  id,
  errors,
  fields,
  children,
}: {
  title: string;
  id: string;
  errors: FieldErrors;
  fields: string[];
  children: ComponentChildren;
}) {
  return (
    <details class="govuk-details" id={id} open={fields.some((f) => errors[f]) ? true : undefined}>
      <summary class="govuk-details__summary">
        <span class="govuk-details__summary-text">{title}</span>
      </summary>
      <div class="govuk-details__text">{children}</div>
    </details>
  );
}

export function Actions({
  request,
  reply,
  data,
  values,
  errors,
}: {
  request: FastifyRequest;
  reply: FastifyReply;
  data: DetailData;
  values: FormValues;
  errors: FieldErrors;
}) {
  const { detail } = data;
  const path = requestPath(request, detail.number);
  const csrf = reply.generateCsrf();
  const actorId = request.actor!.accountId;
  const otherServices = data.services.filter((s) => s.id !== detail.serviceId && s.retiredAt === null);
  const actor = request.actor!;
  const closed = isClosed(detail.status);
  const mine = detail.assigneeId === actorId;
  const canStart = detail.status === 'nouvelle';
  return (
    <section class="guichet-actions-panel" aria-labelledby="actions">
      <h2 class="govuk-heading-m" id="actions">
        Actions
      </h2>
      {canTakeRequest(actor, detail) ? (
        <form method="post" action={`${path}/prendre`} novalidate>
          <CsrfField token={csrf} />
          {errors.prendre ? (
            <p id="prendre" class="govuk-error-message">
              <span class="govuk-visually-hidden">Erreur :</span> {errors.prendre}
            </p>
          ) : null}
          <p class="govuk-body-s">
            {mine
              ? 'Elle vous est attribuée.'
              : detail.assigneeName
                ? `Elle est attribuée à ${detail.assigneeName} : elle vous sera attribuée à sa place.`
                : 'Elle vous sera attribuée.'}
            {canStart ? ' Elle passera « En cours » et l’usager en sera prévenu.' : ''}
          </p>
          <Button>Prendre en charge</Button>
        </form>
      ) : (
        <p class="govuk-body">{closed ? 'Cette demande est clôturée.' : 'Vous avez pris en charge cette demande.'}</p>
      )}
      {canChangeStatus(actor, detail) ? (
        <ActionDetails
          title="Changer le statut"
          id="action-statut"
          errors={errors}
          fields={['statut', 'messageStatut']}
        >
          <form method="post" action={`${path}/statut`} novalidate>
            <CsrfField token={csrf} />
            <Radios
              name="statut"
              legend={`Statut actuel : ${detail.statusLabel}. Nouveau statut`}
              legendSize="s"
              value={values.statut ?? ''}
              error={errors.statut}
              items={nextPositions(detail.workflow, detail).map((p) => ({
                value: positionValue(p),
                label: positionLabel(detail.workflow, p, 'agent'),
                ...(p.status === 'refusee' ? { hint: 'Un message expliquant le motif du refus est obligatoire.' } : {}),
                ...(p.status === 'attente_usager' ? { hint: 'Dites à l’usager ce que vous attendez de lui.' } : {}),
              }))}
            />
            <Textarea
              name="messageStatut"
              label="Message à l’usager (facultatif, obligatoire en cas de refus)"
              hint="Il est joint au courriel qui prévient l’usager du changement et figure dans son espace."
              rows={4}
              maxLength={MAX_MESSAGE_LENGTH}
              value={values.messageStatut ?? ''}
              error={errors.messageStatut}
            />
            <Button>Changer le statut</Button>
          </form>
        </ActionDetails>
      ) : null}

      {canMessageCitizen(actor, detail) ? (
        <ActionDetails
          title="Écrire à l’usager"
          id="action-message"
          errors={errors}
          fields={['message', 'fichier', 'attente']}
        >
          <form method="post" action={`${path}/message`} enctype="multipart/form-data" novalidate>
            <CsrfField token={csrf} />
            <Textarea
              name="message"
              label="Message"
              hint="L’usager le lit dans son espace « Mes demandes » et en est prévenu par courriel."
              rows={5}
              maxLength={MAX_MESSAGE_LENGTH}
              value={values.message ?? ''}
              error={errors.message}
            />
            <FileUpload
              name="fichier"
              label="Pièce jointe (facultatif)"
              hint={`Un fichier ${describeTypes(DEFAULT_ACCEPTED_TYPES)}, ${formatBytes(MAX_UPLOAD_BYTES)} au plus.`}
              accept={DEFAULT_ACCEPTED_TYPES.join(',')}
              error={errors.fichier}
            />
            <Checkboxes
              name="attente"
              legend="Réponse de l’usager"
              legendSize="s"
              small
              error={errors.attente}
              values={values.attente ? ['1'] : []}
              items={[
                {
                  value: '1',
                  label: 'J’attends une réponse de l’usager',
                  hint: 'La demande passe « En attente de l’usager » jusqu’à sa réponse.',
                },
              ]}
            />
            <Button>Envoyer le message</Button>
          </form>
        </ActionDetails>
      ) : null}

      {canAddNote(actor, detail) ? (
        <ActionDetails title="Note interne" id="action-note" errors={errors} fields={['note']}>
          <form method="post" action={`${path}/note`} novalidate>
            <CsrfField token={csrf} />
            <Textarea
              name="note"
              label="Note"
              hint="Visible des agents seulement : l’usager ne la voit jamais."
              rows={3}
              maxLength={MAX_MESSAGE_LENGTH}
              value={values.note ?? ''}
              error={errors.note}
            />
            <Button variant="secondary">Ajouter la note interne</Button>
          </form>
        </ActionDetails>
      ) : null}

      {canAssign(actor, detail) ? (
        <ActionDetails title="Attribuer" id="action-attribuer" errors={errors} fields={['attribuer']}>
          <form method="post" action={`${path}/attribuer`} novalidate>
            <CsrfField token={csrf} />
            <Select
              name="attribuer"
              label={`Agent du service ${detail.serviceName}`}
              value={values.attribuer ?? ''}
              error={errors.attribuer}
              options={[
                { value: '', label: 'Choisir une personne' },
                ...(detail.assigneeId === actorId ? [] : [{ value: 'moi', label: 'Moi' }]),
                ...data.agents.filter((a) => a.id !== actorId).map((a) => ({ value: a.id, label: a.name })),
                ...(detail.assigneeId ? [{ value: 'personne', label: 'Personne (retirer l’attribution)' }] : []),
              ]}
            />
            <Button variant="secondary">Attribuer</Button>
          </form>
        </ActionDetails>
      ) : null}

      {canReroute(actor, detail) ? (
        <ActionDetails
          title="Transmettre à un autre service"
          id="action-service"
          errors={errors}
          fields={['service', 'motif']}
        >
          <form method="post" action={`${path}/reorienter`} novalidate>
            <CsrfField token={csrf} />
            <p class="govuk-body">
              La demande quittera la liste du service {detail.serviceName}. Son texte servira d’exemple pour améliorer
              l’orientation automatique des prochaines demandes.
            </p>
            <Select
              name="service"
              label="Service qui doit traiter la demande"
              value={values.service ?? ''}
              error={errors.service}
              options={[
                { value: '', label: 'Choisir un service' },
                ...otherServices.map((s) => ({ value: s.id, label: s.name })),
              ]}
            />
            <Textarea
              name="motif"
              label="Motif"
              hint="Visible des agents seulement."
              rows={3}
              maxLength={MAX_MESSAGE_LENGTH}
              value={values.motif ?? ''}
              error={errors.motif}
            />
            <Button variant="secondary">Transmettre la demande</Button>
          </form>
        </ActionDetails>
      ) : null}
    </section>
  );
}
