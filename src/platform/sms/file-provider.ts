/**
 * The demo SMS provider: each SMS becomes a JSON file under <data dir>/sms, listed on the demo
 * page /_demo/sms. Nothing leaves the server.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../../config/config.js';
import type { SmsProvider } from './provider.js';

export interface StoredSms {
  file: string;
  id: string;
  to: string;
  body: string;
  sentAt: Date;
}

const SMS_FILE = /^[A-Za-z0-9-]+\.json$/;

export function smsDirectory(config: Pick<Config, 'dataDir'>): string {
  return path.join(config.dataDir, 'sms');
}

export function createFileSmsProvider(config: Pick<Config, 'dataDir'>): SmsProvider {
  const dir = smsDirectory(config);
  return {
    name: 'file',
    canSend: true,
    async send(message) {
      await fs.mkdir(dir, { recursive: true });
      const sentAt = new Date();
      const name = `${sentAt.toISOString().replace(/[:.]/g, '-')}-${message.id.replace(/[^a-z0-9]/gi, '')}.json`;
      const temporary = path.join(dir, `.${name}.tmp`);
      const content = { id: message.id, to: message.to, body: message.body, sentAt: sentAt.toISOString() };
      await fs.writeFile(temporary, JSON.stringify(content, null, 2));
      await fs.rename(temporary, path.join(dir, name));
      return { providerMessageId: name };
    },
  };
}

/** The latest SMS written by the file provider, newest first. */
export async function listStoredSms(dir: string, limit = 50): Promise<StoredSms[]> {
  let files: string[];
  try {
    files = (await fs.readdir(dir)).filter((f) => SMS_FILE.test(f));
  } catch {
    return [];
  }
  const latest = files.sort().reverse().slice(0, limit);
  const out: StoredSms[] = [];
  for (const file of latest) {
    try {
      const data = JSON.parse(await fs.readFile(path.join(dir, file), 'utf8')) as Record<string, unknown>;
      out.push({
        file,
        id: String(data.id ?? ''),
        to: String(data.to ?? ''),
        body: String(data.body ?? ''),
        sentAt: new Date(String(data.sentAt ?? '')),
      });
    } catch {
      // A file being written or damaged by hand: skipped.
    }
  }
  return out;
}
