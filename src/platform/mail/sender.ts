/**
 * Who a commune's mails come from (decision 0023): the commune's name as display name, its
 * configured sender address (`commune.mail_from_address`, set on the commune settings page), and
 * the platform sender's address (GUICHET_MAIL_FROM) when the commune configured none. Replies go
 * to the Reply-To the use case chose (the service's address, the citizen…), never guessed here.
 */
import { toMailAddress } from './address.js';

export interface MailSender {
  name: string;
  address: string;
}

/** The address inside a configured sender such as "Guichet <ne-pas-repondre@exemple.fr>". */
export function senderAddress(configured: string): string {
  const inBrackets = /<([^<>]+)>\s*$/.exec(configured);
  return (inBrackets ? inBrackets[1]! : configured).trim();
}

/**
 * The From of a commune's mail. The display name is the commune's name stripped of characters
 * that could end the header (nodemailer encodes the rest, accents included).
 */
export function communeSender(
  commune: { name: string; mailFromAddress: string | null } | undefined,
  platformFrom: string,
): MailSender | string {
  if (!commune) return platformFrom;
  const configured = commune.mailFromAddress ? toMailAddress(commune.mailFromAddress) : null;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: header safety is the point
  const name = commune.name.replace(/[\u0000-\u001f\u007f<>"]/g, '').trim() || 'Mairie';
  return { name, address: configured ?? senderAddress(platformFrom) };
}
