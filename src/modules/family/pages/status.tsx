/** Where an enrolment stands, as a tag (the family's page and the administrators'). */
import { Tag } from '../../../platform/views/components.js';
import { formatDateTime } from '../../../platform/views/format.js';
import type { EnrolmentRow } from '../schema.js';

export function StatusTag({ enrolment, rank }: { enrolment: EnrolmentRow; rank: number | null }) {
  switch (enrolment.status) {
    case 'inscrit':
      return <Tag colour="green">Inscrit</Tag>;
    case 'en_attente':
      return <Tag colour="yellow">{rank ? `Liste d’attente, rang ${rank}` : 'Liste d’attente'}</Tag>;
    case 'place_proposee':
      return <Tag>{`Place proposée jusqu’au ${formatDateTime(enrolment.offeredUntil!)}`}</Tag>;
    case 'annulee':
      return <Tag colour="grey">Annulée</Tag>;
    default:
      return <Tag colour="red">Proposition expirée</Tag>;
  }
}
