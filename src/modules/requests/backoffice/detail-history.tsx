/** The request's full history as the agent reads it (internal notes marked, files attached). */
import type { FastifyRequest } from 'fastify';
import type { Service } from '../../../platform/tenancy/communes.js';
import { InsetText, Tag } from '../../../platform/views/components.js';
import { formatDateTime } from '../../../platform/views/format.js';
import { AGENT_STATUS_LABELS, type RequestStatus } from '../../procedures/index.js';
import { appointmentEventTitle } from '../history.js';
import type { StoredFileInfo } from '../repo.js';
import { Lines } from './answers.js';
import type { DetailData } from './detail-data.js';
import type { HistoryEntry } from './queries.js';
import { requestPath } from './ui.js';

function Paragraphs({ text }: { text: string }) {
  return (
    <>
      {text
        .split(/\n{2,}/)
        .filter((p) => p.trim())
        .map((paragraph, index) => (
          <p class="govuk-body" key={index}>
            <Lines text={paragraph} />
          </p>
        ))}
    </>
  );
}

/** A status of the history: the label recorded at the time, else the default name. */
function statusName(value: unknown, recorded: unknown): string {
  if (typeof recorded === 'string' && recorded !== '') return recorded;
  return typeof value === 'string' && value in AGENT_STATUS_LABELS
    ? AGENT_STATUS_LABELS[value as RequestStatus]
    : String(value ?? '');
}

function eventTitle(entry: HistoryEntry, names: Map<string, string>, services: Service[]): string {
  const service = (id: unknown, name: unknown) =>
    typeof name === 'string' ? name : (services.find((s) => s.id === id)?.name ?? 'inconnu');
  const name = (id: unknown) => (typeof id === 'string' ? (names.get(id) ?? 'un agent') : 'personne');
  switch (entry.kind) {
    case 'submitted':
      return entry.authorRole === 'agent' ? 'Demande enregistrée au guichet' : 'Demande déposée';
    case 'status':
      return `Statut : ${statusName(entry.data.from, entry.data.fromAgentLabel)} → ${statusName(entry.data.to, entry.data.agentLabel)}`;
    case 'assigned':
      return entry.data.to ? `Attribuée à ${name(entry.data.to)}` : 'Attribution retirée';
    case 'rerouted':
      return `Transmise du service ${service(entry.data.from, entry.data.fromServiceName)} au service ${service(entry.data.to, entry.data.toServiceName)}`;
    case 'message_to_citizen':
      return 'Message à l’usager';
    case 'message_from_citizen':
      return 'Message de l’usager';
    case 'internal_note':
      return 'Note interne — visible des agents seulement';
    case 'attachment':
      return 'Pièce jointe ajoutée';
    case 'appointment':
      return appointmentEventTitle(entry.data);
    default:
      return entry.kind;
  }
}

function eventAuthor(entry: HistoryEntry): string {
  if (entry.authorRole === 'system') return 'Guichet (automatique)';
  if (entry.authorRole === 'citizen') return entry.authorName ? `${entry.authorName} (usager)` : 'L’usager';
  return entry.authorName ?? 'Un agent';
}

/** The files of an event (`data.files`: ids), with their names. */
function eventFiles(entry: HistoryEntry, files: StoredFileInfo[]): StoredFileInfo[] {
  const ids = entry.data.files;
  if (!Array.isArray(ids)) return [];
  return ids.flatMap((id) => files.filter((f) => f.id === id));
}

export function History({ request, data }: { request: FastifyRequest; data: DetailData }) {
  const { detail, history, names } = data;
  return (
    <ol class="govuk-list">
      {[...history].reverse().map((entry) => {
        const files = eventFiles(entry, data.files);
        const content = (
          <>
            <h3 class="govuk-heading-s govuk-!-margin-bottom-1">
              {eventTitle(entry, names, data.services)}{' '}
              {entry.isInternal && entry.kind !== 'internal_note' ? (
                <Tag colour="yellow">Visible des agents seulement</Tag>
              ) : null}
            </h3>
            <p class="govuk-body-s govuk-!-margin-bottom-2">
              {formatDateTime(entry.createdAt)} — {eventAuthor(entry)}
            </p>
            {entry.body ? <Paragraphs text={entry.body} /> : null}
            {files.length > 0 ? (
              <ul class="govuk-list">
                {files.map((f) => (
                  <li key={f.id}>
                    <a class="govuk-link" href={`${requestPath(request, detail.number)}/fichiers/${f.id}`} download>
                      {f.name}
                    </a>
                  </li>
                ))}
              </ul>
            ) : null}
          </>
        );
        return (
          <li key={entry.id} class="govuk-!-margin-bottom-6">
            {entry.kind === 'internal_note' ? <InsetText>{content}</InsetText> : content}
          </li>
        );
      })}
    </ol>
  );
}
