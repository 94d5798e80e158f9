/**
 * The finance side of billing (decision 0042), for the commune's administrators:
 *
 * - `configureHelios`: the identifiers a PES V2 flow names the commune by;
 * - `emitRole`: a billed month's rôle as a PES V2 ORMC bordereau — every invoice of the month
 *   still to pay (its lines not credited) becomes a piece with the paying guardian as debtor,
 *   numbered IdBord in the commune's yearly sequence. Emitted once: the XML is kept, and asking
 *   again for the month gives the same file with the same number (a second bordereau with the
 *   same IdBord would be rejected by Hélios as a duplicate, and a new number would bill twice).
 *   The invoices then belong to the comptable: they leave online payment by the régie.
 */
import { z } from 'zod';
import { recordAudit } from '../../../platform/audit/journal.js';
import type { Database } from '../../../platform/db/client.js';
import { nextValue } from '../../../platform/db/counters.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { AppError, notFound } from '../../../platform/errors.js';
import { parisDateOf, parisYearOf } from '../../../platform/time/calendar.js';
import { formatMonth } from '../../../platform/views/format.js';
import { accountNames } from '../../identity/index.js';
import { postalAddresses } from '../../profile/index.js';
import {
  type CancellationPiece,
  cancellationXml,
  type OrmcPiece,
  ormcXml,
  rolePieces,
  roleTotal,
} from '../billing/ormc.js';
import { canManageBilling } from '../policy.js';
import {
  creditNotesOf,
  findInvoice,
  findRole,
  heliosSettings,
  insertCancellation,
  insertInvoiceEvents,
  insertRole,
  invoiceLines,
  invoicesForRole,
  linesOfInvoices,
  pendingRoleCredits,
  putInRole,
  saveHeliosSettings,
} from '../repo.js';
import type { CancellationRow, RoleRow } from '../schema.js';
import type { FamilyCaller } from './common.js';

function invalid(code: string, fields: Record<string, string>): AppError {
  return new AppError(code, 'invalid input', 422, { fields });
}

function fieldsOf(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) fields[String(issue.path[0])] ??= issue.message;
  return fields;
}

const heliosSchema = z.object({
  idPost: z
    .string()
    .trim()
    .regex(/^\d{6,7}$/, 'Le code du poste comptable compte 6 ou 7 chiffres (il figure sur la convention Hélios).'),
  libellePoste: z
    .string()
    .trim()
    .min(1, 'Saisissez le nom du poste comptable (la trésorerie ou le service de gestion comptable).')
    .max(100, 'Le nom du poste comptable tient en 100 caractères.'),
  siret: z
    .string()
    .trim()
    .transform((s) => s.replace(/\s/g, ''))
    .pipe(z.string().regex(/^\d{14}$/, 'Le SIRET du budget compte 14 chiffres.')),
  codCol: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[0-9A-Z]{3}$/, 'Le code collectivité compte 3 caractères.'),
  codBud: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[0-9A-Z]{2}$/, 'Le code budget compte 2 caractères (00 pour le budget principal).'),
  nature: z
    .string()
    .trim()
    .regex(/^\d{3,10}$/, 'Saisissez le compte de recette, en chiffres (par exemple 7067).'),
});

export type HeliosInput = Record<keyof z.input<typeof heliosSchema>, string>;

export async function configureHelios(database: Database, caller: FamilyCaller, input: HeliosInput): Promise<void> {
  if (!canManageBilling(caller.actor)) throw notFound('family.forbidden', 'not an administrator');
  const parsed = heliosSchema.safeParse(input);
  if (!parsed.success) throw invalid('family.helios_settings_invalid', fieldsOf(parsed.error));
  const communeId = caller.commune.id;
  await withTenant(database, communeId, async (tx) => {
    await saveHeliosSettings(tx, { communeId, ...parsed.data });
    await recordAudit(tx, {
      action: 'family.helios_settings_changed',
      actorType: 'agent',
      actorId: caller.actor!.accountId,
      targetType: 'commune',
      targetId: communeId,
      data: { ...parsed.data },
      requestId: caller.httpRequestId ?? null,
    });
  });
}

const monthSchema = z.object({ mois: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/) });

/** The debtor's reference in the rôle: stable per account (the random end of its id). */
export function debtorReference(accountId: string): string {
  return accountId.replace(/-/g, '').slice(-15).toUpperCase();
}

export interface EmittedRole {
  role: RoleRow;
  /** False when the month's rôle had already been emitted (the same file again). */
  created: boolean;
}

export async function emitRole(
  database: Database,
  caller: FamilyCaller,
  input: { mois: string },
  now: Date = new Date(),
): Promise<EmittedRole> {
  const actor = caller.actor;
  if (!canManageBilling(actor)) throw notFound('family.forbidden', 'not an administrator');
  const parsed = monthSchema.safeParse(input);
  if (!parsed.success) throw invalid('family.role_invalid', { mois: 'Choisissez un mois facturé (AAAA-MM).' });
  const month = parsed.data.mois;
  const communeId = caller.commune.id;
  return withTenant(database, communeId, async (tx) => {
    // The settings row locked: two administrators emitting at once get one rôle.
    const helios = await heliosSettings(tx, communeId, true);
    if (!helios) {
      throw new AppError('family.helios_missing', 'no Hélios settings', 422, {
        userMessage: 'Renseignez d’abord les identifiants Hélios de la commune (plus bas sur cette page).',
        fields: { mois: 'Renseignez d’abord les identifiants Hélios de la commune.' },
      });
    }
    const existing = await findRole(tx, communeId, month);
    if (existing) return { role: existing, created: false };
    const invoices = await invoicesForRole(tx, communeId, month);
    const ids = invoices.map((i) => i.id);
    const [lines, credits] = await Promise.all([
      linesOfInvoices(tx, communeId, ids),
      creditNotesOf(tx, communeId, ids),
    ]);
    const creditedLines = new Set(credits.map((c) => c.lineId).filter((id): id is string => id !== null));
    const owedOf = new Map(
      invoices.map((invoice) => [
        invoice.id,
        lines.filter((l) => l.invoiceId === invoice.id && !creditedLines.has(l.id) && l.amountCents > 0),
      ]),
    );
    const inRole = invoices.filter((invoice) => (owedOf.get(invoice.id) ?? []).length > 0);
    const payers = [...new Set(inRole.map((i) => i.accountId))];
    const names = await accountNames(tx, payers);
    const addresses = await postalAddresses(tx, payers);
    // The comptable sends each debtor an avis des sommes à payer: no rôle with a payer he cannot reach.
    const unreachable = inRole.filter((i) => !addresses.has(i.accountId));
    if (unreachable.length > 0) throw addressesMissing(unreachable);
    const pieces: Array<OrmcPiece & { invoiceId: string }> = inRole.map((invoice) => {
      const payer = names.get(invoice.accountId);
      return {
        invoiceId: invoice.id,
        invoiceNumber: invoice.number,
        debtor: {
          reference: debtorReference(invoice.accountId),
          givenName: payer?.givenName ?? '',
          familyName: payer?.familyName || invoice.payerName,
          address: addresses.get(invoice.accountId)!,
        },
        lines: (owedOf.get(invoice.id) ?? []).map((l) => ({
          label: `${l.childName}, ${l.activityName} : ${l.label}`,
          amountCents: l.amountCents,
        })),
      };
    });
    if (pieces.length === 0) {
      const message = `Aucune facture de ${formatMonth(month)} n’est à payer : il n’y a pas de rôle à émettre.`;
      throw new AppError('family.role_empty', 'nothing to recover', 422, {
        userMessage: message,
        fields: { mois: message },
      });
    }
    const idBord = await nextValue(tx, 'family.ormc', now);
    const exer = parisYearOf(now);
    const xml = ormcXml(
      { ...helios, libelleColBud: caller.commune.name },
      {
        exer,
        idBord,
        emittedOn: parisDateOf(now),
        objet: `Portail famille, prestations de ${formatMonth(month)}`,
        fileName: roleFileName(caller.commune.slug, exer, idBord),
        pieces,
      },
    );
    const totalCents = roleTotal(pieces);
    const role = await insertRole(tx, {
      communeId,
      month,
      exer,
      idBord,
      pieceCount: pieces.length,
      totalCents,
      xml,
      createdBy: actor.accountId,
    });
    await putInRole(
      tx,
      communeId,
      pieces.map((p) => p.invoiceId),
      role.id,
    );
    await insertInvoiceEvents(
      tx,
      pieces.map((p) => ({
        communeId,
        invoiceId: p.invoiceId,
        kind: 'role' as const,
        detail: `Transmise au comptable public dans le rôle n° ${idBord} de ${exer} : à payer au Trésor public avec l’avis des sommes à payer.`,
        createdBy: actor.accountId,
      })),
    );
    await recordAudit(tx, {
      action: 'family.role_emitted',
      actorType: 'agent',
      actorId: actor.accountId,
      targetType: 'family_role',
      targetId: role.id,
      data: { month, exer, idBord, pieces: pieces.length, totalCents },
      requestId: caller.httpRequestId ?? null,
    });
    return { role, created: true };
  });
}

/** How many households a refusal names before « et N autres ». */
const LISTED = 10;

/** The refusal of a rôle whose payers have no postal address, naming the households (French). */
export function addressesMissing(invoices: ReadonlyArray<{ payerName: string; number: string }>): AppError {
  const named = invoices.slice(0, LISTED).map((i) => `${i.payerName} (facture ${i.number})`);
  const rest = invoices.length - named.length;
  const list = named.join(', ') + (rest > 0 ? ` et ${rest} autre${rest > 1 ? 's' : ''}` : '');
  const count = invoices.length === 1 ? 'un foyer' : `${invoices.length} foyers`;
  const message =
    `Le rôle n’est pas émis : l’adresse postale du payeur manque pour ${count} — ${list}. ` +
    'Le comptable public envoie l’avis des sommes à payer à cette adresse : demandez au payeur de la renseigner dans « Mon profil », ou annulez la facture par un avoir.';
  return new AppError('family.role_addresses_missing', 'payers without a postal address', 422, {
    userMessage: message,
    fields: { mois: message },
  });
}

export function roleFileName(slug: string, exer: number, idBord: number): string {
  return `PES_ORMC_${slug}_${exer}_${String(idBord).padStart(7, '0')}.xml`;
}

/** A rôle already emitted, for its download (the commune's administrators). */
export async function emittedRole(database: Database, caller: FamilyCaller, month: string): Promise<RoleRow> {
  if (!canManageBilling(caller.actor) || !/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) {
    throw notFound('family.role_not_found', 'no such rôle');
  }
  const communeId = caller.commune.id;
  const role = await withTenant(database, communeId, (tx) => findRole(tx, communeId, month));
  if (!role) throw notFound('family.role_not_found', 'no such rôle');
  return role;
}

export function cancellationFileName(slug: string, exer: number, idBord: number): string {
  return `PES_ANNULATION_${slug}_${exer}_${String(idBord).padStart(7, '0')}.xml`;
}

/**
 * The annulation-réduction bordereau of a month's rôle (decision 0048): every credit note issued
 * on an invoice of the rôle since it was emitted (or since the last such bordereau) goes to the
 * comptable once, grouped by invoice, each piece naming the rôle's piece it reduces. Numbered
 * IdBord in the commune's yearly sequence of annulations (its own type: numbers are unique per
 * year and type). Nothing pending → refused in French.
 */
export async function emitCancellation(
  database: Database,
  caller: FamilyCaller,
  input: { mois: string },
  now: Date = new Date(),
): Promise<CancellationRow> {
  const actor = caller.actor;
  if (!canManageBilling(actor)) throw notFound('family.forbidden', 'not an administrator');
  const parsed = monthSchema.safeParse(input);
  if (!parsed.success) throw invalid('family.cancellation_invalid', { mois: 'Choisissez un mois facturé (AAAA-MM).' });
  const month = parsed.data.mois;
  const communeId = caller.commune.id;
  return withTenant(database, communeId, async (tx) => {
    const helios = await heliosSettings(tx, communeId, true);
    const role = await findRole(tx, communeId, month);
    if (!helios || !role) {
      const message = `Le rôle de ${formatMonth(month)} n’a pas été émis : il n’y a rien à réduire.`;
      throw new AppError('family.cancellation_no_role', 'no rôle', 422, {
        userMessage: message,
        fields: { mois: message },
      });
    }
    const credits = await pendingRoleCredits(tx, communeId, role.id);
    if (credits.length === 0) {
      const message = `Aucun avoir sur les factures du rôle de ${formatMonth(month)} n’est à transmettre au comptable.`;
      throw new AppError('family.cancellation_empty', 'nothing to cancel', 422, {
        userMessage: message,
        fields: { mois: message },
      });
    }
    const pieceOf = rolePieces(role.xml);
    const invoiceIds = [...new Set(credits.map((c) => c.invoiceId))];
    const pieces: CancellationPiece[] = [];
    for (const invoiceId of invoiceIds) {
      const invoice = (await findInvoice(tx, communeId, invoiceId))!;
      const lines = await invoiceLines(tx, communeId, invoiceId);
      const own = credits.filter((c) => c.invoiceId === invoiceId);
      const names = await accountNames(tx, [invoice.accountId]);
      const address = (await postalAddresses(tx, [invoice.accountId])).get(invoice.accountId);
      if (!address) throw addressesMissing([invoice]);
      pieces.push({
        invoiceNumber: invoice.number,
        rolePiece: pieceOf.get(invoice.number) ?? 0,
        creditNoteNumbers: own.map((c) => c.number),
        debtor: {
          reference: debtorReference(invoice.accountId),
          givenName: names.get(invoice.accountId)?.givenName ?? '',
          familyName: names.get(invoice.accountId)?.familyName || invoice.payerName,
          address,
        },
        lines: own.map((c) => {
          const line = lines.find((l) => l.id === c.lineId);
          return {
            label: line
              ? `Avoir ${c.number} : ${line.childName}, ${line.activityName} : ${line.label}`
              : `Avoir ${c.number} : reste de la facture`,
            amountCents: c.amountCents,
          };
        }),
      });
    }
    const idBord = await nextValue(tx, 'family.ormc.annulation', now);
    const exer = parisYearOf(now);
    const xml = cancellationXml(
      { ...helios, libelleColBud: caller.commune.name },
      {
        exer,
        idBord,
        emittedOn: parisDateOf(now),
        objet: `Portail famille, réduction du rôle n° ${role.idBord} de ${role.exer} (${formatMonth(month)})`,
        fileName: cancellationFileName(caller.commune.slug, exer, idBord),
        role: { exer: role.exer, idBord: role.idBord },
        pieces,
      },
    );
    const totalCents = credits.reduce((sum, c) => sum + c.amountCents, 0);
    const cancellation = await insertCancellation(
      tx,
      {
        communeId,
        roleId: role.id,
        exer,
        idBord,
        pieceCount: pieces.length,
        totalCents,
        xml,
        createdBy: actor.accountId,
      },
      credits.map((c) => c.id),
    );
    await insertInvoiceEvents(
      tx,
      invoiceIds.map((invoiceId) => ({
        communeId,
        invoiceId,
        kind: 'role' as const,
        detail: `Réduction transmise au comptable public dans le bordereau d’annulation n° ${idBord} de ${exer}.`,
        createdBy: actor.accountId,
      })),
    );
    await recordAudit(tx, {
      action: 'family.cancellation_emitted',
      actorType: 'agent',
      actorId: actor.accountId,
      targetType: 'family_role',
      targetId: role.id,
      data: {
        month,
        exer,
        idBord,
        pieces: pieces.length,
        totalCents,
        creditNotes: credits.map((c) => c.number).join(', '),
      },
      requestId: caller.httpRequestId ?? null,
    });
    return cancellation;
  });
}
