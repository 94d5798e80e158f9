/**
 * Absences (issue 14, item 3; decision 0057): an agent — or the head of their service, or the
 * leadership — declares a period (Paris dates, both included) and the colleague who receives, in
 * the meantime, the incoming mail confided to them. The redirection happens when a mail is
 * confided (process-mail.ts assignMail): the history says « redirigé pendant l'absence de … ».
 * Mail already confided stays where it is; after the period, new mail goes to the agent again.
 * Wording aligned with the parapheur's delegations (« Du », « Au (inclus) », « Retirer »).
 */
import { z } from 'zod';
import type { AppContext } from '../../../platform/context.js';
import { type Tx, withTenant } from '../../../platform/db/tenant.js';
import { AppError } from '../../../platform/errors.js';
import { isUuid } from '../../../platform/ids.js';
import { parisDateOf } from '../../../platform/time/calendar.js';
import { formatDate } from '../../../platform/views/format.js';
import { listStaffContacts, type StaffContact } from '../../identity/index.js';
import { servicesHeadedBy } from '../../signature/index.js';
import { canDeclareAbsenceOf, canRegister, mayReceiveMail } from '../policy.js';
import { absenceOn, findAbsence, insertAbsence, listAbsencesFrom, withdrawAbsence } from '../repo.js';
import type { Absence } from '../schema.js';
import { auditCourrier, type Caller, fieldError, NOT_ALLOWED, parseInput } from './common.js';

/** A real calendar date written YYYY-MM-DD (the page turns its three boxes into one). */
const realDay = (message: string) =>
  z
    .string({ error: message })
    .regex(/^\d{4}-\d{2}-\d{2}$/, message)
    .refine(
      (d) => {
        const at = new Date(`${d}T12:00:00Z`);
        return !Number.isNaN(at.getTime()) && at.toISOString().startsWith(d);
      },
      { message },
    );

export const absenceSchema = z
  .object({
    absent: z.string({ error: 'Choisissez l’agent absent.' }).min(1, 'Choisissez l’agent absent.'),
    remplacant: z
      .string({ error: 'Choisissez le collègue qui recevra son courrier.' })
      .min(1, 'Choisissez le collègue qui recevra son courrier.'),
    debut: realDay('Saisissez une date de début réelle, par exemple 1 2 2027.'),
    fin: realDay('Saisissez une date de fin réelle, par exemple 15 2 2027.'),
  })
  .superRefine((v, ctx) => {
    if (v.absent === v.remplacant) {
      ctx.addIssue({ code: 'custom', path: ['remplacant'], message: 'Choisissez une autre personne que l’absent.' });
    }
    if (v.fin < v.debut) {
      ctx.addIssue({ code: 'custom', path: ['fin'], message: 'La date de fin doit être après la date de début.' });
    }
  });

export const ABSENCE_NOT_FOUND = () =>
  new AppError('courrier.absence_not_found', 'absence not found', 404, {
    userMessage: 'Cette absence n’existe pas, ou vous ne pouvez pas la retirer.',
  });

const fullName = (s: StaffContact) => `${s.givenName} ${s.familyName}`;

/** « du 3 décembre 2026 au 9 décembre 2026 », or « le 3 décembre 2026 » for one day. */
export function periodText(a: Pick<Absence, 'startsOn' | 'endsOn'>): string {
  return a.startsOn === a.endsOn
    ? `le ${formatDate(a.startsOn)}`
    : `du ${formatDate(a.startsOn)} au ${formatDate(a.endsOn)}`;
}

/** Whether the caller may declare (or withdraw) the absence of this staff member. */
async function mayManage(tx: Tx, caller: Caller, absent: StaffContact): Promise<boolean> {
  const headed = await servicesHeadedBy(tx, caller.communeId, caller.actor.accountId);
  return canDeclareAbsenceOf(caller.actor, absent, headed);
}

export async function declareAbsence(
  ctx: AppContext,
  caller: Caller,
  input: unknown,
  now = new Date(),
): Promise<Absence> {
  if (!canRegister(caller.actor)) throw NOT_ALLOWED();
  const values = parseInput(absenceSchema, input, 'courrier.invalid');
  if (values.fin < parisDateOf(now)) {
    throw fieldError('fin', 'Cette période est passée : la date de fin doit être aujourd’hui ou plus tard.');
  }
  const { communeId } = caller;
  return withTenant(ctx.database, communeId, async (tx) => {
    const staff = await listStaffContacts(tx, communeId);
    const absent = isUuid(values.absent) ? staff.find((s) => s.accountId === values.absent) : undefined;
    if (!absent) throw fieldError('absent', 'Choisissez l’agent absent parmi les agents de la commune.');
    const delegate = isUuid(values.remplacant) ? staff.find((s) => s.accountId === values.remplacant) : undefined;
    if (!delegate || !mayReceiveMail(delegate)) {
      throw fieldError(
        'remplacant',
        'Choisissez le collègue parmi les agents de la commune qui ont accès au courrier.',
      );
    }
    if (!(await mayManage(tx, caller, absent))) {
      throw fieldError(
        'absent',
        'Vous ne pouvez déclarer que votre propre absence, ou celle d’un agent d’un service que vous dirigez.',
      );
    }
    const overlapping = (await listAbsencesFrom(tx, communeId, values.debut)).find(
      (a) => a.accountId === absent.accountId && a.startsOn <= values.fin,
    );
    if (overlapping) {
      throw fieldError(
        'debut',
        `Une absence de ${fullName(absent)} est déjà déclarée ${periodText(overlapping)} : retirez-la d’abord.`,
        409,
      );
    }
    const created = await insertAbsence(tx, {
      communeId,
      accountId: absent.accountId,
      delegateId: delegate.accountId,
      startsOn: values.debut,
      endsOn: values.fin,
      createdBy: caller.actor.accountId,
    });
    await auditCourrier(
      tx,
      caller,
      'courrier.absence_declared',
      { type: 'courrier_absence', id: created.id },
      { absent: absent.accountId, delegate: delegate.accountId, from: values.debut, to: values.fin },
    );
    return created;
  });
}

export async function withdrawAbsenceOf(ctx: AppContext, caller: Caller, id: string, now = new Date()): Promise<void> {
  if (!canRegister(caller.actor)) throw ABSENCE_NOT_FOUND();
  const { communeId } = caller;
  await withTenant(ctx.database, communeId, async (tx) => {
    const found = isUuid(id) ? await findAbsence(tx, communeId, id) : undefined;
    const absent = found && (await listStaffContacts(tx, communeId)).find((s) => s.accountId === found.accountId);
    if (!found || found.withdrawnAt || !absent || !(await mayManage(tx, caller, absent))) throw ABSENCE_NOT_FOUND();
    await withdrawAbsence(tx, communeId, found.id, now);
    await auditCourrier(tx, caller, 'courrier.absence_withdrawn', { type: 'courrier_absence', id: found.id });
  });
}

export interface AbsenceRow extends Absence {
  absentName: string;
  delegateName: string;
  canWithdraw: boolean;
}

export interface AbsencesPage {
  absences: AbsenceRow[];
  /** The people whose absence the caller may declare (themselves first). */
  declarable: StaffContact[];
  /** The people who may receive mail in someone's place. */
  delegates: StaffContact[];
  today: string;
}

/**
 * The current and upcoming absences the caller is concerned by (theirs, those where they receive
 * the mail, those they may manage), and the choices of the form.
 */
export async function absencesPage(ctx: AppContext, caller: Caller, now = new Date()): Promise<AbsencesPage> {
  if (!canRegister(caller.actor)) throw NOT_ALLOWED();
  const { communeId } = caller;
  const today = parisDateOf(now);
  return withTenant(ctx.database, communeId, async (tx) => {
    const staff = await listStaffContacts(tx, communeId);
    const headed = await servicesHeadedBy(tx, communeId, caller.actor.accountId);
    const manageable = (s: StaffContact) => canDeclareAbsenceOf(caller.actor, s, headed);
    const byId = new Map(staff.map((s) => [s.accountId, s]));
    const me = caller.actor.accountId;
    const absences = (await listAbsencesFrom(tx, communeId, today)).flatMap((a) => {
      const absent = byId.get(a.accountId);
      const delegate = byId.get(a.delegateId);
      const canWithdraw = !!absent && manageable(absent);
      if (!canWithdraw && a.delegateId !== me) return [];
      return [
        {
          ...a,
          absentName: absent ? fullName(absent) : 'un ancien agent',
          delegateName: delegate ? fullName(delegate) : 'un ancien agent',
          canWithdraw,
        },
      ];
    });
    const declarable = staff
      .filter((s) => mayReceiveMail(s) && manageable(s))
      .sort((a, b) => (a.accountId === me ? -1 : b.accountId === me ? 1 : 0));
    return { absences, declarable, delegates: staff.filter(mayReceiveMail), today };
  });
}

/**
 * Who receives a mail confided to `agent` on the Paris date `day`: the agent, or — while they are
 * absent — their colleague (and that colleague's colleague if absent too; never in a circle, never
 * someone who left). `absences` lists the absences followed, first the agent's.
 */
export async function recipientOn(
  tx: Tx,
  communeId: string,
  agent: StaffContact,
  day: string,
  staff: readonly StaffContact[],
): Promise<{ recipient: StaffContact; absences: Array<Absence & { absentName: string }> }> {
  let recipient = agent;
  const absences: Array<Absence & { absentName: string }> = [];
  const seen = new Set([agent.accountId]);
  for (;;) {
    const absence = await absenceOn(tx, communeId, recipient.accountId, day);
    const next = absence && staff.find((s) => s.accountId === absence.delegateId);
    if (!absence || !next || !mayReceiveMail(next) || seen.has(next.accountId)) break;
    absences.push({ ...absence, absentName: fullName(recipient) });
    seen.add(next.accountId);
    recipient = next;
  }
  return { recipient, absences };
}
