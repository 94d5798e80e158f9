/** Views shared by the parapheur's pages: status tags, the circuit as a list, the history. */
import type { FastifyRequest } from 'fastify';
import { SummaryList, Tag, type TagColour } from '../../../platform/views/components.js';
import { formatDate, formatDateTime } from '../../../platform/views/format.js';
import type { NavItem } from '../../../platform/views/layout.js';
import { FUNCTION_TITLES, type StepActor } from '../circuits.js';
import type { FolderView } from '../policy.js';
import { type CertificateInfo, isLate } from '../queries.js';
import type { Action, Folder, Step } from '../schema.js';

export function parapheurBase(request: FastifyRequest): string {
  return `/c/${request.commune!.slug}/agent/parapheur`;
}

export function folderPath(request: FastifyRequest, folderId: string): string {
  return `${parapheurBase(request)}/${folderId}`;
}

export function parapheurBreadcrumbs(request: FastifyRequest, extra: NavItem[] = []): NavItem[] {
  return [
    { href: `/c/${request.commune!.slug}/agent`, label: 'Espace agent' },
    { href: parapheurBase(request), label: 'Parapheur' },
    ...extra,
  ];
}

const STATUS: Record<Folder['status'], { label: string; colour: TagColour | undefined }> = {
  en_cours: { label: 'En cours', colour: undefined },
  termine: { label: 'Terminé', colour: 'green' },
  refuse: { label: 'Refusé', colour: 'red' },
};

export function FolderStatus({ folder }: { folder: Folder }) {
  const s = STATUS[folder.status];
  return (
    <>
      <Tag {...(s.colour ? { colour: s.colour } : {})}>{s.label}</Tag>
      {isLate(folder) ? (
        <>
          {' '}
          <Tag colour="orange">En retard</Tag>
        </>
      ) : null}
    </>
  );
}

const STEP_KIND: Record<Step['kind'], string> = { visa: 'Visa', signature: 'Signature' };

export function actorLabel(actor: StepActor, names: Map<string, string>): string {
  return 'function' in actor ? FUNCTION_TITLES[actor.function] : (names.get(actor.accountId) ?? 'Personne désignée');
}

/** The circuit of a folder: each step, who it waits for, and where the folder is. */
export function CircuitList({ view, names }: { view: FolderView; names: Map<string, string> }) {
  return (
    <ol class="govuk-list govuk-list--number">
      {view.steps.map((s) => {
        const people = s.assignees.length
          ? s.assignees.map((a) => names.get(a) ?? 'Personne inconnue').join(s.mode === 'any' ? ' ou ' : ' et ')
          : s.actors.map((a) => actorLabel(a, names)).join(s.mode === 'any' ? ' ou ' : ' et ');
        const state = s.status === 'fait' ? 'fait' : s.status === 'en_cours' ? 'en cours' : 'à venir';
        return (
          <li key={s.id}>
            <strong>{STEP_KIND[s.kind]}</strong> : {people} — {state}
          </li>
        );
      })}
    </ol>
  );
}

export const ACTION_LABELS: Record<Action['kind'], string> = {
  creation: 'Dossier créé',
  visa: 'Visa',
  signature: 'Signature',
  refus: 'Refus',
  renvoi: 'Renvoi à l’étape précédente',
  annotation: 'Annotation',
  remords: 'Décision reprise (droit de remords)',
  transfert: 'Transfert',
};

/** The folder's history, oldest first; private notes are shown only to their author (filtered before). */
export function History({ actions, names }: { actions: Action[]; names: Map<string, string> }) {
  return (
    <SummaryList
      rows={actions.map((a) => {
        const who = a.accountId ? (names.get(a.accountId) ?? 'Personne inconnue') : 'Application connectée';
        const behalf = a.onBehalfOf ? `, pour ${names.get(a.onBehalfOf) ?? 'le titulaire'} (délégation)` : '';
        return {
          key: `${formatDateTime(a.occurredAt)}`,
          value: (
            <>
              <p class="govuk-body govuk-!-margin-bottom-1">
                <strong>{ACTION_LABELS[a.kind]}</strong>
                {a.kind === 'annotation' ? (a.isPrivate ? ' (privée)' : ' (partagée)') : ''} — {who}
                {behalf}
                {a.withdrawnAt ? ' — reprise ensuite' : ''}
              </p>
              {a.comment ? <p class="govuk-body govuk-!-margin-bottom-0">{a.comment}</p> : null}
            </>
          ),
        };
      })}
    />
  );
}

export function dueText(folder: Folder): string {
  return folder.dueOn ? formatDate(`${folder.dueOn}T12:00:00Z`) : 'sans échéance';
}

export function certificatePath(request: FastifyRequest): string {
  return `${parapheurBase(request)}/certificat`;
}

/** Which certificate a signature uses, in a sentence (folder page, batch confirmation). */
export function certificateSentence(certificate: CertificateInfo | null): string {
  if (certificate?.kind === 'imported') {
    return `avec votre certificat importé au nom de ${certificate.subject}, délivré par ${certificate.issuer} et valable jusqu’au ${formatDate(certificate.notAfter)} ; sa chaîne de confiance est celle de cet émetteur, pas celle de l’autorité de certification de la commune`;
  }
  return 'avec votre certificat délivré par l’autorité de certification de la commune';
}
