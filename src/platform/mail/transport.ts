/**
 * Mail transports: SMTP (SMTP_URL) in production; in the embedded default without SMTP_URL,
 * messages are written as .eml files under <data dir>/mail, readable on the demo mailbox page.
 */
import fsSync from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool';
import type { Config } from '../../config/config.js';

export interface OutgoingMail {
  /** "Name <address>", or a name and address that nodemailer encodes (accents in the name). */
  from: string | { name: string; address: string };
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Stable Message-ID so that a retried send can be recognised by the receiving side. */
  messageId: string;
  replyTo?: string;
  attachments?: MailAttachment[];
}

export interface MailAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
}

export interface SendOptions {
  /** A security mail (reset, confirmation…): over connections of its own, never behind the bulk. */
  security?: boolean;
}

export interface MailTransport {
  readonly kind: 'smtp' | 'file';
  send(mail: OutgoingMail, options?: SendOptions): Promise<void>;
  close(): void;
}

/** SMTP connections kept open to the relay for the bulk (nodemailer's default)… */
export const SMTP_POOL_CONNECTIONS = 5;
/** …and for security mails, so that they never queue behind a burst of receipts. */
export const SMTP_SECURITY_CONNECTIONS = 2;

export function mailDirectory(config: Pick<Config, 'dataDir'>): string {
  return path.join(config.dataDir, 'mail');
}

export function createMailTransport(config: Pick<Config, 'smtpUrl' | 'dataDir'>): MailTransport {
  if (config.smtpUrl) {
    // Pools of connections shared by the parallel sends; timeouts well below the mail job's
    // one-minute expiry, so a hung relay fails the send (and it is retried) instead of outliving it.
    const pool = (maxConnections: number) =>
      nodemailer.createTransport({
        url: config.smtpUrl,
        pool: true,
        maxConnections,
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 30_000,
      } as SMTPPool.Options);
    const bulk = pool(SMTP_POOL_CONNECTIONS);
    const security = pool(SMTP_SECURITY_CONNECTIONS);
    return {
      kind: 'smtp',
      async send(mail, options) {
        await (options?.security ? security : bulk).sendMail(mail);
      },
      close: () => {
        bulk.close();
        security.close();
      },
    };
  }
  const dir = mailDirectory(config);
  removeLeftoverTemporaryFiles(dir);
  const writer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    kind: 'file',
    async send(mail) {
      const info = await writer.sendMail(mail);
      await fs.mkdir(dir, { recursive: true });
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${mail.messageId.replace(/[^a-z0-9]/gi, '').slice(0, 40)}.eml`;
      const temporary = path.join(dir, `.${name}.tmp`);
      await fs.writeFile(temporary, info.message as Buffer);
      await fs.rename(temporary, path.join(dir, name));
    },
    close: () => writer.close(),
  };
}

/**
 * A process killed while writing a mail leaves its `.<name>.eml.tmp` (the rename never came);
 * the send was not recorded, so the job sends the mail again under a new name. Removed at start.
 */
function removeLeftoverTemporaryFiles(dir: string): void {
  let names: string[];
  try {
    names = fsSync.readdirSync(dir);
  } catch {
    return; // no mail directory yet
  }
  for (const name of names) {
    if (/^\..+\.eml\.tmp$/.test(name)) fsSync.rmSync(path.join(dir, name), { force: true });
  }
}
