/**
 * An élu's private annotations on the items of a séance (issue 15 item 4): kept on the élu's
 * account, read, changed and deleted by that account only — another élu, the secretariat or
 * another commune gets a 404 as if the note did not exist. Not journaled: the audit journal is
 * read by the commune's administrators, and these notes are nobody's business but their author's.
 */
import { z } from 'zod';
import type { Database } from '../../../platform/db/client.js';
import { type Tx, withTenant } from '../../../platform/db/tenant.js';
import { notFound } from '../../../platform/errors.js';
import { isUuid } from '../../../platform/ids.js';
import { canReadCouncil } from '../policy.js';
import {
  deleteAnnotation as deleteRow,
  findAnnotation,
  findItem,
  findMemberByAccount,
  findSeance,
  insertAnnotation,
  updateAnnotation as updateRow,
} from '../repo.js';
import type { AnnotationRow } from '../schema.js';
import { type CouncilCaller, parseOrRefuse } from './common.js';

const noteSchema = z.object({
  body: z
    .string()
    .transform((v) => v.replace(/\r\n/g, '\n').trim())
    .pipe(
      z
        .string()
        .min(1, 'Saisissez le texte de votre note.')
        .max(5_000, 'Votre note ne doit pas dépasser 5 000 caractères.'),
    ),
});

const NOTE_NOT_FOUND = () => notFound('council.note_not_found');

/** The caller's account, when it is a member of the council (élus only have notes). */
async function author(tx: Tx, caller: CouncilCaller, code = 'council.note_not_found'): Promise<string> {
  const actor = caller.actor;
  if (!canReadCouncil(actor)) throw notFound(code);
  if (!(await findMemberByAccount(tx, caller.commune.id, actor.accountId))) throw notFound(code);
  return actor.accountId;
}

export async function addAnnotation(
  database: Database,
  caller: CouncilCaller,
  itemId: string,
  input: { body?: string },
): Promise<AnnotationRow> {
  if (!isUuid(itemId)) throw notFound('council.item_not_found');
  const communeId = caller.commune.id;
  return withTenant(database, communeId, async (tx) => {
    const accountId = await author(tx, caller, 'council.item_not_found');
    const item = await findItem(tx, communeId, itemId);
    const seance = item ? await findSeance(tx, communeId, item.seanceId) : undefined;
    // Élus see convened séances only.
    if (!item || !seance || seance.status === 'preparation') throw notFound('council.item_not_found');
    const v = parseOrRefuse(noteSchema, { body: '', ...input }, 'council.note_invalid');
    return insertAnnotation(tx, { communeId, accountId, itemId, body: v.body });
  });
}

export async function editAnnotation(
  database: Database,
  caller: CouncilCaller,
  noteId: string,
  input: { body?: string },
): Promise<void> {
  if (!isUuid(noteId)) throw NOTE_NOT_FOUND();
  const communeId = caller.commune.id;
  await withTenant(database, communeId, async (tx) => {
    const accountId = await author(tx, caller);
    if (!(await findAnnotation(tx, communeId, accountId, noteId))) throw NOTE_NOT_FOUND();
    const v = parseOrRefuse(noteSchema, { body: '', ...input }, 'council.note_invalid');
    await updateRow(tx, communeId, accountId, noteId, v.body);
  });
}

export async function removeAnnotation(database: Database, caller: CouncilCaller, noteId: string): Promise<void> {
  if (!isUuid(noteId)) throw NOTE_NOT_FOUND();
  const communeId = caller.commune.id;
  await withTenant(database, communeId, async (tx) => {
    const accountId = await author(tx, caller);
    if (!(await findAnnotation(tx, communeId, accountId, noteId))) throw NOTE_NOT_FOUND();
    await deleteRow(tx, communeId, accountId, noteId);
  });
}
