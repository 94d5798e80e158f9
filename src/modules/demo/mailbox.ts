/** Reads the .eml files written by the embedded mail transport (demo mailbox page). */
import fs from 'node:fs/promises';
import path from 'node:path';
import { simpleParser } from 'mailparser';

export interface MailboxMessage {
  file: string;
  subject: string;
  from: string;
  to: string;
  date: Date | null;
  text: string;
}

const EML_FILE = /^[A-Za-z0-9-]+\.eml$/;

export async function listMailbox(dir: string, limit = 50): Promise<MailboxMessage[]> {
  let files: string[];
  try {
    files = (await fs.readdir(dir)).filter((f) => EML_FILE.test(f));
  } catch {
    return [];
  }
  files.sort().reverse();
  return Promise.all(files.slice(0, limit).map((file) => readMessage(dir, file))) as Promise<MailboxMessage[]>;
}

/** Reads one message; undefined for a name that is not a mailbox file (no path traversal). */
export async function readMessage(dir: string, file: string): Promise<MailboxMessage | undefined> {
  if (!EML_FILE.test(file)) return undefined;
  let raw: Buffer;
  try {
    raw = await fs.readFile(path.join(dir, file));
  } catch {
    return undefined;
  }
  const parsed = await simpleParser(raw);
  const address = (a: typeof parsed.to) => (Array.isArray(a) ? a.map((x) => x.text).join(', ') : (a?.text ?? ''));
  return {
    file,
    subject: parsed.subject ?? '(sans objet)',
    from: address(parsed.from),
    to: address(parsed.to),
    date: parsed.date ?? null,
    text: parsed.text ?? '',
  };
}
