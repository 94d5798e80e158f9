import { Tag, type TagColour } from '../../platform/views/components.js';
import type { RequestStatus } from '../procedures/index.js';
import { positionLabel, storedWorkflow } from '../procedures/index.js';

export const STATUS_COLOURS: Record<RequestStatus, TagColour | undefined> = {
  nouvelle: undefined,
  en_cours: 'yellow',
  attente_usager: 'orange',
  acceptee: 'green',
  refusee: 'red',
  classee: 'grey',
};

/** A request's status as the citizen reads it, in the words of its démarche's workflow. */
export function StatusTag({
  request,
  workflow,
}: {
  request: { status: RequestStatus; step: string | null };
  /** The démarche's stored workflow (null or absent: the default one). */
  workflow?: unknown;
}) {
  const colour = STATUS_COLOURS[request.status];
  const label = positionLabel(storedWorkflow(workflow), request, 'citizen');
  return colour ? <Tag colour={colour}>{label}</Tag> : <Tag>{label}</Tag>;
}
