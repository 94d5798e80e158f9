/**
 * The proof sheet of a folder (fiche de preuve, PDF, separate from the signed document): the
 * folder's facts, the main document's SHA-256 as deposited and as it is now, and every action of
 * its history — what, when, who, on whose behalf, the comment, and the document's SHA-256 after
 * it. Private annotations are left out (the sheet is shown to others); shared ones are in.
 */

import { formatEuros } from '../../platform/money.js';
import { TextDocument } from '../../platform/pdf/index.js';
import type { PesSummary } from '../../platform/signature/index.js';
import { formatDateTime } from '../../platform/views/format.js';
import { bordereauRows } from './bordereaux.js';
import { DOCUMENT_TYPE_LABELS } from './circuits.js';
import { ACTION_LABELS } from './pages/ui.js';
import type { Action, Folder, FolderDocument } from './schema.js';

export interface ProofSheetInput {
  communeName: string;
  folder: Folder;
  principal: FolderDocument;
  actions: Action[];
  names: Map<string, string>;
  /** The bordereaux of a PES V2 main document (null for a PDF). */
  bordereaux?: PesSummary | null;
  /** The public page where anyone checks the signatures. */
  verifyUrl: string;
  now: Date;
}

const STATUS: Record<Folder['status'], string> = { en_cours: 'en cours', termine: 'terminé', refuse: 'refusé' };

/** Who acted: a person of the commune, else the software that pushed the folder. */
function who(action: Action, folder: Folder, names: Map<string, string>): string {
  if (action.accountId) return names.get(action.accountId) ?? 'Personne inconnue';
  return folder.source === 'api' ? 'Application connectée (API)' : 'Module de Guichet';
}

export async function renderProofSheet(input: ProofSheetInput): Promise<Buffer> {
  const { folder, principal, names } = input;
  const w = await TextDocument.create({
    title: `Fiche de preuve du dossier n° ${folder.number}`,
    author: `Mairie de ${input.communeName}`,
    date: input.now,
  });
  w.text(`Mairie de ${input.communeName} — parapheur électronique`, { size: 12, bold: true, gap: 2 });
  w.rule();
  w.text('Fiche de preuve', { size: 18, bold: true, gap: 2 });
  w.text(`Dossier n° ${folder.number} : ${folder.title}`, { size: 12, bold: true, gap: 8 });
  w.text(`Type : ${DOCUMENT_TYPE_LABELS[folder.documentType]}`);
  if (folder.amountCents !== null) w.text(`Montant : ${formatEuros(folder.amountCents)}`);
  if (folder.thirdParty) w.text(`Tiers : ${folder.thirdParty}`);
  w.text(`Circuit : ${folder.circuitName}`);
  w.text(`État : ${STATUS[folder.status]}${folder.closedAt ? `, le ${formatDateTime(folder.closedAt)}` : ''}`);
  w.text(
    `Document principal : ${principal.name}${input.bordereaux ? ' (flux PES V2, signature XAdES de chaque bordereau)' : ''}`,
    {
      gap: 2,
    },
  );
  if (input.bordereaux) {
    for (const b of bordereauRows(input.bordereaux)) {
      w.text(
        `Bordereau ${b.label} — ${b.type} — ${b.pieces} pièce(s) — ${b.amount} HT — ${b.signed ? 'signé' : 'non signé'}`,
        { indent: 12, gap: 1 },
      );
    }
    w.text(`Total des bordereaux : ${formatEuros(input.bordereaux.totalCents)} HT`, { indent: 12, gap: 2 });
  }
  w.text(`Empreinte SHA-256 du document déposé : ${principal.originalSha256}`, { indent: 12, gap: 2 });
  w.text(`Empreinte SHA-256 du document actuel : ${principal.currentSha256}`, { indent: 12, gap: 8 });
  w.rule();
  w.text('Historique du dossier', { size: 13, bold: true, gap: 6 });
  for (const a of input.actions) {
    if (a.kind === 'annotation' && a.isPrivate) continue;
    const behalf = a.onBehalfOf ? `, pour ${names.get(a.onBehalfOf) ?? 'le titulaire'} (par délégation)` : '';
    w.text(`${formatDateTime(a.occurredAt)} — ${ACTION_LABELS[a.kind]}`, { bold: true, gap: 1 });
    w.text(
      `Par ${who(a, folder, names)}${behalf}${a.withdrawnAt ? ` ; décision reprise le ${formatDateTime(a.withdrawnAt)}` : ''}`,
      {
        indent: 12,
        gap: 1,
      },
    );
    if (a.comment) w.text(`Commentaire : ${a.comment}`, { indent: 12, gap: 1 });
    if (a.documentSha256) w.text(`Empreinte SHA-256 du document : ${a.documentSha256}`, { indent: 12, gap: 1 });
    w.text('', { gap: 4 });
  }
  w.rule();
  w.text(
    `Fiche établie le ${formatDateTime(input.now)} à partir du journal du parapheur. Les signatures sont des signatures électroniques avancées faites avec les certificats de l’autorité de certification de la commune ; chacun peut les vérifier sur ${input.verifyUrl}.`,
    { size: 9 },
  );
  return w.finish();
}
