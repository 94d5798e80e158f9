/**
 * Reading an e-mail as the courrier registers it (mailparser): the sender, the subject, the date,
 * the text (the plain part, or the HTML part without its tags), the Message-ID, the attachments.
 * A file that is no e-mail gives a French reason (EmailRejected) instead of a crash: empty, too
 * large, binary, no sender, a sender that is no address.
 */
import { createHash } from 'node:crypto';
import { simpleParser } from 'mailparser';
import { mailAddressError } from '../../platform/mail/address.js';

export const MAX_EMAIL_BYTES = 25 * 1024 * 1024;
export const MAX_ATTACHMENTS = 20;
const MAX_TEXT = 200_000;

export class EmailRejected extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

export interface EmailAttachment {
  name: string;
  declaredType: string;
  content: Buffer;
}

export interface ParsedEmail {
  /** The Message-ID without its angle brackets, or `sha256:<hex>` of the bytes when it has none. */
  messageId: string;
  fromName: string;
  fromEmail: string;
  subject: string;
  date: Date | null;
  text: string;
  attachments: EmailAttachment[];
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: the characters removed
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

function headerBlock(raw: Buffer): string {
  const head = raw.subarray(0, 64 * 1024).toString('latin1');
  const end = head.search(/\r?\n\r?\n/);
  return end === -1 ? head : head.slice(0, end);
}

function fromHtml(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<br\s*\/?>|<\/p>|<\/div>|<\/li>/gi, '\n')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, '’');
}

/** The e-mail in `raw` (an .eml file, an IMAP message's source), or EmailRejected with the reason. */
export async function parseEmail(raw: Buffer): Promise<ParsedEmail> {
  if (raw.length === 0) throw new EmailRejected('Le fichier est vide.');
  if (raw.length > MAX_EMAIL_BYTES) throw new EmailRejected('Le message dépasse 25 Mo : il n’est pas enregistré.');
  const header = headerBlock(raw);
  if (header.includes('\u0000') || !/^[\x21-\x39\x3b-\x7e]+:/m.test(header)) {
    throw new EmailRejected('Le fichier n’est pas un courriel au format .eml (aucun en-tête de message).');
  }
  if (!/^from:/im.test(header)) {
    throw new EmailRejected('Le message n’indique pas d’expéditeur (en-tête « From » absent).');
  }
  let parsed: Awaited<ReturnType<typeof simpleParser>>;
  try {
    parsed = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true });
  } catch {
    throw new EmailRejected('Le message est abîmé : il ne peut pas être lu.');
  }
  const from = parsed.from?.value.find((a) => a.address);
  const address = (from?.address ?? '').trim().toLowerCase();
  if (!address) throw new EmailRejected('Le message n’indique pas d’adresse d’expéditeur lisible.');
  if (mailAddressError(address))
    throw new EmailRejected(`L’adresse de l’expéditeur « ${address.slice(0, 100)} » n’est pas valide.`);
  const name = (from?.name ?? '').replace(CONTROL, ' ').replace(/\s+/g, ' ').trim().slice(0, 200) || address;
  const subject =
    (parsed.subject ?? '').replace(CONTROL, ' ').replace(/\s+/g, ' ').trim().slice(0, 300) || 'Courriel sans objet';
  const body = parsed.text?.trim() ? parsed.text : typeof parsed.html === 'string' ? fromHtml(parsed.html) : '';
  const text = body
    .replace(/\r\n?/g, '\n')
    .replace(CONTROL, ' ')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
    .slice(0, MAX_TEXT);
  const id = (parsed.messageId ?? '').replace(/^<|>$/g, '').trim().slice(0, 900);
  const date = parsed.date && !Number.isNaN(parsed.date.getTime()) ? parsed.date : null;
  return {
    messageId: id || `sha256:${createHash('sha256').update(raw).digest('hex')}`,
    fromName: name,
    fromEmail: address,
    subject,
    date,
    text,
    attachments: parsed.attachments
      .filter((a) => a.contentDisposition !== 'inline' || !a.contentId || a.contentType === 'application/pdf')
      .slice(0, MAX_ATTACHMENTS)
      .map((a, i) => ({
        name: a.filename || `piece-jointe-${i + 1}`,
        declaredType: a.contentType,
        content: a.content,
      })),
  };
}
