/**
 * The accusé de réception (PDF, written with the platform's TextDocument): commune, request number, date and time of receipt,
 * démarche, service, summary of the answers and, when the démarche has one, the legal mention of
 * silence vaut accord / rejet with its computed date (CRPA L. 112-11 and R. 112-11-1).
 */
import { TextDocument } from '../../platform/pdf/index.js';
import { formatDate, formatDateTime } from '../../platform/views/format.js';

export interface ReceiptInput {
  commune: { name: string; address: string | null; email: string | null; phone: string | null };
  number: string;
  submittedAt: Date;
  procedureTitle: string;
  serviceName: string;
  /** name null: not repeated (an anonymous request, see isUnconfirmedRequester). */
  requester: { name: string | null; email: string };
  /** The requester's own words are left out (anonymous request): the receipt says so. */
  withoutContent?: boolean;
  /** "Question → réponse" rows of the form, in order. */
  summary: ReadonlyArray<{ label: string; value: string }>;
  /** Legal silence rule with the computed date (YYYY-MM-DD), when the démarche has one. */
  silence?: { kind: 'accord' | 'rejet'; date: string; basis: string | null } | null;
  /** Processing deadline shown to the citizen. */
  dueAt?: Date | null;
}

/** The sentence of the silence rule, shared by the PDF, the e-mail and the pages. */
export function silenceMention(silence: NonNullable<ReceiptInput['silence']>): string {
  const date = formatDate(`${silence.date}T12:00:00Z`);
  const basis = silence.basis ? ` Fondement : ${silence.basis.trim().replace(/\.$/, '')}.` : '';
  return silence.kind === 'accord'
    ? `Silence vaut accord : si la mairie ne vous a pas répondu au plus tard le ${date}, votre demande sera réputée acceptée à cette date. Vous pourrez alors demander une attestation d’acceptation.${basis}`
    : `Silence vaut rejet : si la mairie ne vous a pas répondu au plus tard le ${date}, votre demande sera réputée rejetée à cette date. Vous disposerez alors d’un délai de deux mois pour former un recours gracieux auprès du maire ou un recours contentieux devant le tribunal administratif.${basis}`;
}

/** Renders the receipt; deterministic for the same input (fixed document dates). */
export async function renderReceiptPdf(input: ReceiptInput): Promise<Buffer> {
  const w = await TextDocument.create({
    title: `Accusé de réception – demande n° ${input.number}`,
    author: `Mairie de ${input.commune.name}`,
    date: input.submittedAt,
    bodySize: 10.5,
  });

  w.text(`Mairie de ${input.commune.name}`, { size: 14, bold: true, gap: 2 });
  if (input.commune.address) w.text(input.commune.address, { gap: 0 });
  const contact = [input.commune.phone && `Tél. ${input.commune.phone}`, input.commune.email]
    .filter(Boolean)
    .join(' – ');
  if (contact) w.text(contact);
  w.rule();
  w.text('Accusé de réception', { size: 18, bold: true, gap: 2 });
  w.text(`Demande n° ${input.number}`, { size: 13, bold: true, gap: 10 });

  w.text(`Démarche : ${input.procedureTitle}`);
  w.text(`Reçue le : ${formatDateTime(input.submittedAt)}`);
  w.text(`Service chargé de la demande : ${input.serviceName}`);
  w.text(
    input.requester.name === null
      ? `Adresse électronique du demandeur : ${input.requester.email}`
      : `Demandeur : ${input.requester.name} (${input.requester.email})`,
  );
  if (input.dueAt) w.text(`Délai de traitement indicatif : au plus tard le ${formatDate(input.dueAt)}`);
  w.text(
    `La mairie de ${input.commune.name} accuse réception de votre demande, déposée par voie électronique sur son guichet numérique. Rappelez le numéro de la demande dans vos échanges avec la mairie.`,
    { gap: 8 },
  );

  if (input.silence) {
    w.text('Mention légale', { size: 12, bold: true, gap: 2 });
    w.text(silenceMention(input.silence), { gap: 8 });
  } else {
    w.text(
      'Cette démarche n’est pas soumise à une règle de décision implicite : la mairie vous répondra directement.',
      { gap: 8 },
    );
  }

  if (input.withoutContent) {
    w.rule();
    w.text(
      'Le contenu de votre demande n’est pas repris dans ce document, adressé à une adresse électronique qui n’a pas été vérifiée. La mairie l’a bien enregistré et vous répondra à cette adresse.',
      { gap: 8 },
    );
  }
  if (input.summary.length > 0) {
    w.rule();
    w.text('Récapitulatif de votre demande', { size: 12, bold: true, gap: 6 });
    for (const row of input.summary) {
      w.text(row.label, { bold: true, gap: 0 });
      w.text(row.value || '—', { indent: 12, gap: 6 });
    }
  }
  w.rule();
  w.text(
    'Si votre demande est incomplète, la mairie vous indiquera les pièces ou informations manquantes et le délai pour les fournir ; les délais ci-dessus ne courent qu’à compter de la réception des éléments demandés (CRPA, art. L. 114-5).',
    { size: 9 },
  );
  return w.finish();
}
