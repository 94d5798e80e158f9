/**
 * Use cases of the commune's notification texts: check and save an administrator's text, go
 * back to the default, switch SMS on status change; and, for the requests use cases, compose
 * what a notification says (the commune's text or the default one) for given values.
 */
import { recordAudit } from '../../../platform/audit/journal.js';
import type { Tx } from '../../../platform/db/tenant.js';
import { AppError } from '../../../platform/errors.js';
import type { SmsProvider } from '../../../platform/sms/provider.js';
import type { RequestStatus } from '../../procedures/index.js';
import {
  MAX_MAIL_BODY_LENGTH,
  MAX_SMS_BODY_LENGTH,
  MAX_SUBJECT_LENGTH,
  NOTIFICATIONS,
  type NotificationDefinition,
  type NotificationKey,
  notificationByKey,
  type PlaceholderValues,
  statusNotificationKey,
} from './catalog.js';
import {
  deleteTemplateOverride,
  findSmsOnStatusChange,
  findTemplateOverride,
  listTemplateOverrides,
  upsertSmsOnStatusChange,
  upsertTemplateOverride,
} from './repo.js';
import {
  normalizeNewlines,
  paragraphsOf,
  parseTemplateText,
  singleLine,
  type TemplateProblem,
  type TemplateToken,
} from './template-text.js';

export interface TemplateText {
  /** null for an SMS. */
  subject: string | null;
  body: string;
}

export interface ComposedNotification {
  /** One line; null for an SMS. */
  subject: string | null;
  /** Mail: the text's paragraphs. */
  paragraphs: string[];
  /** SMS: the whole text. */
  text: string;
}

/** Longest subject actually sent, once the placeholders are replaced. */
const MAX_RENDERED_SUBJECT = 250;

function communeOf(tx: Tx): string {
  if (!tx.communeId) throw new Error('notification use cases need a tenant transaction');
  return tx.communeId;
}

function placeholderList(definition: NotificationDefinition): string {
  return definition.placeholders.map((p) => `{{${p}}}`).join(', ');
}

function problemMessage(problem: TemplateProblem, definition: NotificationDefinition, what: string): string {
  switch (problem.kind) {
    case 'unknown':
      return `${what} utilise la variable {{${problem.placeholder}}}, qui n’existe pas pour ce message. Variables possibles : ${placeholderList(definition)}.`;
    case 'empty_placeholder':
      return `${what} contient des accolades vides {{}} : écrivez le nom d’une variable entre les accolades, par exemple {{numero}}.`;
    case 'braces':
      return `${what} contient une accolade isolée près de « ${problem.near} » : les accolades servent uniquement aux variables, écrites avec deux accolades de chaque côté, par exemple {{numero}}.`;
    case 'control':
      return `${what} contient des caractères invisibles non autorisés : retapez le texte sans le coller depuis un autre logiciel.`;
  }
}

function parsed(text: string, definition: NotificationDefinition): TemplateToken[] {
  const result = parseTemplateText(text, definition.placeholders);
  if (!result.ok) throw new Error(`invalid notification text for ${definition.key}`);
  return result.tokens;
}

/**
 * Checks an administrator's text (lengths, one-line subject, braces, known placeholders); returns
 * it normalised, or throws a 422 with French messages on the fields `objet` and `texte`.
 */
export function checkTemplateText(
  definition: NotificationDefinition,
  input: { subject: string; body: string },
): TemplateText {
  const fields: Record<string, string> = {};
  const isSms = definition.channel === 'sms';
  let subject: string | null = null;
  if (!isSms) {
    const raw = normalizeNewlines(input.subject);
    subject = raw.trim();
    if (!subject) fields.objet = 'Saisissez l’objet du courriel.';
    else if (raw.includes('\n')) fields.objet = 'L’objet doit tenir sur une seule ligne.';
    else if (subject.length > MAX_SUBJECT_LENGTH)
      fields.objet = `L’objet doit faire au plus ${MAX_SUBJECT_LENGTH} caractères (il en fait ${subject.length}).`;
    else {
      const result = parseTemplateText(subject, definition.placeholders);
      if (!result.ok) fields.objet = problemMessage(result.problem, definition, 'L’objet');
    }
  }
  const body = normalizeNewlines(input.body).trim();
  const maxBody = isSms ? MAX_SMS_BODY_LENGTH : MAX_MAIL_BODY_LENGTH;
  if (!body) fields.texte = isSms ? 'Saisissez le texte du SMS.' : 'Saisissez le texte du courriel.';
  else if (body.length > maxBody)
    fields.texte = `Le texte doit faire au plus ${maxBody} caractères (il en fait ${body.length}).`;
  else {
    const result = parseTemplateText(body, definition.placeholders);
    if (!result.ok) fields.texte = problemMessage(result.problem, definition, 'Le texte');
  }
  if (Object.keys(fields).length > 0) {
    throw new AppError('notification.invalid_text', 'invalid notification text', 422, { fields });
  }
  return { subject, body };
}

/** Fills a checked text with values: a one-line subject and paragraphs (mail), or the SMS text. */
export function renderTemplateText(
  definition: NotificationDefinition,
  text: TemplateText,
  values: PlaceholderValues,
): ComposedNotification {
  const fill = (template: string) =>
    parsed(template, definition)
      .map((t) => ('text' in t ? t.text : values[t.placeholder as keyof PlaceholderValues]))
      .join('');
  const body = fill(text.body);
  let subject: string | null = null;
  if (text.subject !== null) {
    subject = singleLine(fill(text.subject));
    if (subject.length > MAX_RENDERED_SUBJECT) subject = `${subject.slice(0, MAX_RENDERED_SUBJECT - 1)}…`;
  }
  return { subject, paragraphs: paragraphsOf(body), text: body.trim() };
}

function defaultText(definition: NotificationDefinition): TemplateText {
  return { subject: definition.defaultSubject, body: definition.defaultBody };
}

/** The commune's text of a notification, else the default. */
export async function loadTemplateText(
  tx: Tx,
  definition: NotificationDefinition,
): Promise<TemplateText & { isCustom: boolean }> {
  const row = await findTemplateOverride(tx, communeOf(tx), definition.key);
  if (!row) return { ...defaultText(definition), isCustom: false };
  return { subject: definition.channel === 'sms' ? null : row.subject, body: row.body, isCustom: true };
}

/**
 * What a notification says for these values, in the transaction's commune. A stored text that
 * no longer passes the checks (a placeholder removed by a later version) falls back to the
 * default text: a notification never makes its business transaction fail.
 */
export async function composeNotification(
  tx: Tx,
  key: NotificationKey,
  values: PlaceholderValues,
): Promise<ComposedNotification> {
  const definition = notificationByKey(key);
  const stored = await loadTemplateText(tx, definition);
  if (stored.isCustom) {
    try {
      const text = checkTemplateText(definition, { subject: stored.subject ?? '', body: stored.body });
      const composed = renderTemplateText(definition, text, values);
      if (composed.paragraphs.length > 0) return composed;
    } catch {
      // fall back to the default text below
    }
  }
  return renderTemplateText(definition, defaultText(definition), values);
}

/**
 * The mail of a move to `status`. A request put back to « nouvelle » (possible through the API)
 * has no editable mail of its own: it gets the default status text.
 */
export async function composeStatusNotification(
  tx: Tx,
  status: RequestStatus,
  values: PlaceholderValues,
): Promise<ComposedNotification> {
  const key = statusNotificationKey(status);
  if (key) return composeNotification(tx, key, values);
  const generic = notificationByKey('request.status.en_cours');
  return renderTemplateText(generic, defaultText(generic), values);
}

/** Every notification with whether the commune changed its text, in catalogue order. */
export async function listNotificationTexts(
  tx: Tx,
): Promise<Array<{ definition: NotificationDefinition; isCustom: boolean; updatedAt: Date | null }>> {
  const overrides = new Map((await listTemplateOverrides(tx, communeOf(tx))).map((r) => [r.key, r]));
  return NOTIFICATIONS.map((definition) => {
    const row = overrides.get(definition.key);
    return { definition, isCustom: row !== undefined, updatedAt: row?.updatedAt ?? null };
  });
}

/** Saves the commune's text of a notification (checked), with an audit entry. */
export async function saveNotificationText(
  tx: Tx,
  input: {
    definition: NotificationDefinition;
    subject: string;
    body: string;
    actorId: string | null;
    httpRequestId?: string | null;
  },
): Promise<TemplateText> {
  const communeId = communeOf(tx);
  const text = checkTemplateText(input.definition, input);
  await upsertTemplateOverride(tx, {
    communeId,
    key: input.definition.key,
    subject: text.subject,
    body: text.body,
    updatedBy: input.actorId,
  });
  await recordAudit(tx, {
    action: 'settings.notification_text_changed',
    actorType: 'agent',
    actorId: input.actorId,
    targetType: 'notification',
    targetId: input.definition.key,
    data: { key: input.definition.key, subjectLength: text.subject?.length ?? 0, bodyLength: text.body.length },
    requestId: input.httpRequestId ?? null,
  });
  return text;
}

/** Goes back to the default text; false when the commune had not changed it. */
export async function resetNotificationText(
  tx: Tx,
  input: { definition: NotificationDefinition; actorId: string | null; httpRequestId?: string | null },
): Promise<boolean> {
  const removed = await deleteTemplateOverride(tx, communeOf(tx), input.definition.key);
  if (!removed) return false;
  await recordAudit(tx, {
    action: 'settings.notification_text_reset',
    actorType: 'agent',
    actorId: input.actorId,
    targetType: 'notification',
    targetId: input.definition.key,
    data: { key: input.definition.key },
    requestId: input.httpRequestId ?? null,
  });
  return true;
}

/** Whether the commune sends an SMS at each status change (only ever true with a provider). */
export function isSmsOnStatusChange(tx: Tx): Promise<boolean> {
  return findSmsOnStatusChange(tx, communeOf(tx));
}

/** Switches SMS on status change; refused (422) without an SMS provider on the instance. */
export async function setSmsOnStatusChange(
  tx: Tx,
  input: { enabled: boolean; provider: SmsProvider; actorId: string | null; httpRequestId?: string | null },
): Promise<void> {
  const communeId = communeOf(tx);
  if (input.enabled && !input.provider.canSend) {
    throw new AppError('notification.no_sms_provider', 'no SMS provider', 422, {
      fields: {
        smsStatut:
          'Aucun fournisseur de SMS n’est configuré sur ce guichet : les SMS ne peuvent pas être activés. Demandez à l’hébergeur d’en configurer un.',
      },
    });
  }
  if ((await findSmsOnStatusChange(tx, communeId)) === input.enabled) return;
  await upsertSmsOnStatusChange(tx, { communeId, smsOnStatusChange: input.enabled, updatedBy: input.actorId });
  await recordAudit(tx, {
    action: 'settings.sms_on_status_change',
    actorType: 'agent',
    actorId: input.actorId,
    targetType: 'commune',
    targetId: communeId,
    data: { enabled: input.enabled },
    requestId: input.httpRequestId ?? null,
  });
}
