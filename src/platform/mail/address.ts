/**
 * The one rule for e-mail addresses, shared by every form that takes one (démarches' e-mail
 * fields, the contact form, registration, invitations) and by the mail layer (outbox, templates):
 * what a form accepts, the outbox accepts, so a submission never fails after the citizen pressed
 * "Envoyer" (decision 0015).
 *
 * The rule is RFC 5321's "dot-atom" mailbox in ASCII: a local part of letters, digits and
 * ! # $ % & ' * + / = ? ^ _ ` { | } ~ - separated by single dots (≤ 64 characters), a domain of
 * letters, digits and hyphens labels (≤ 63 each, no hyphen at either end) ending in an
 * alphabetic or punycode top-level domain, 254 characters in all. Accents are refused in the
 * local part (internationalised mailboxes need SMTPUTF8 all the way to the recipient, which
 * French providers do not offer); a domain with accents (IDN, e.g. café.fr) is accepted and sent
 * in its ASCII form (xn--caf-dma.fr). Quoted local parts and address literals are refused.
 */
import { domainToASCII } from 'node:url';
import { z } from 'zod';

export const MAX_MAIL_ADDRESS_LENGTH = 254;
const MAX_LOCAL_LENGTH = 64;
const ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
const LOCAL_PART = new RegExp(`^${ATOM}(?:\\.${ATOM})*$`);
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const TOP_LEVEL = /^(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})$/;

/** Why an address is refused, or null when it is valid. */
export type MailAddressProblem = 'empty' | 'too_long' | 'accented_local_part' | 'invalid';

interface Checked {
  problem: MailAddressProblem | null;
  /** The address as the mail layer sends it (domain in ASCII), when valid. */
  address: string | null;
}

function check(value: string): Checked {
  const refused = (problem: MailAddressProblem): Checked => ({ problem, address: null });
  if (value.length === 0) return refused('empty');
  if (value.length > MAX_MAIL_ADDRESS_LENGTH) return refused('too_long');
  const at = value.lastIndexOf('@');
  if (at <= 0 || at === value.length - 1) return refused('invalid');
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  if (local.length > MAX_LOCAL_LENGTH) return refused('too_long');
  if (!LOCAL_PART.test(local)) {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: ASCII range check
    return refused(/[^\x00-\x7f]/.test(local) && !/[\s@"]/.test(local) ? 'accented_local_part' : 'invalid');
  }
  // IDN domains go to their ASCII form; anything that does not convert is refused.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ASCII range check
  const ascii = /^[\x00-\x7f]*$/.test(domain) ? domain : domainToASCII(domain);
  if (!ascii || ascii.length > 253) return refused('invalid');
  const labels = ascii.split('.');
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l)) || !TOP_LEVEL.test(labels.at(-1)!)) {
    return refused('invalid');
  }
  const address = `${local}@${ascii.toLowerCase()}`;
  if (address.length > MAX_MAIL_ADDRESS_LENGTH) return refused('too_long');
  return { problem: null, address };
}

/** True when the mail layer will send to `value`. */
export function isMailAddress(value: string): boolean {
  return check(value).problem === null;
}

/** The address as sent (domain in ASCII), or null when the mail layer would refuse it. */
export function toMailAddress(value: string): string | null {
  return check(value).address;
}

/** What refuses `value`, or null. */
export function mailAddressProblem(value: string): MailAddressProblem | null {
  return check(value).problem;
}

/** The French field error for `value`, or null when valid; `example` is shown in the message. */
export function mailAddressError(value: string, example = 'prenom.nom@exemple.fr'): string | null {
  switch (check(value).problem) {
    case null:
      return null;
    case 'empty':
      return 'Saisissez votre adresse électronique.';
    case 'too_long':
      return 'L’adresse électronique est trop longue.';
    case 'accented_local_part':
      return `L’adresse électronique ne peut pas contenir d’accents ni de lettres non latines avant le « @ » : saisissez-la sans accents, comme ${example}.`;
    case 'invalid':
      return `Saisissez une adresse électronique valide, comme ${example}.`;
  }
}

/**
 * A zod schema of the rule: trims, refuses with the French message, and gives the address as
 * typed (the outbox converts an IDN domain itself). For form bodies parsed with zod.
 */
export function mailAddressSchema(options: { emptyMessage?: string; example?: string } = {}) {
  return z
    .string()
    .trim()
    .superRefine((value, ctx) => {
      const problem = mailAddressProblem(value);
      if (!problem) return;
      const message =
        problem === 'empty' && options.emptyMessage ? options.emptyMessage : mailAddressError(value, options.example);
      ctx.addIssue({ code: 'custom', message: message ?? 'Adresse électronique invalide.' });
    });
}

/** Parses an address for the mail layer: its sendable form, or throws (a programming error). */
export function parseMailAddress(value: string): string {
  const address = toMailAddress(value);
  if (!address) throw new Error(`refused mail address (${mailAddressProblem(value)})`);
  return address;
}
