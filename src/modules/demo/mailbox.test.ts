/**
 * Issue 8, finding 10: a process killed during an .eml write leaves `.<name>.eml.tmp` behind;
 * the file transport removes them when it starts, and the mailbox never lists them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createMailTransport, mailDirectory } from '../../platform/mail/transport.js';
import { listMailbox } from './mailbox.js';

describe('leftover temporary mail files', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'guichet-mailbox-'));
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('are removed when the file transport starts; finished mails stay', async () => {
    const dir = mailDirectory({ dataDir });
    fs.mkdirSync(dir, { recursive: true });
    const leftover = '.2026-12-01T10-00-00-000Z-abc123.eml.tmp';
    fs.writeFileSync(path.join(dir, leftover), 'From: a@b\r\nSubject: à moitié écrit');
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'pas un courriel');

    const transport = createMailTransport({ dataDir, smtpUrl: undefined });
    try {
      expect(fs.existsSync(path.join(dir, leftover))).toBe(false);
      expect(fs.existsSync(path.join(dir, 'notes.txt'))).toBe(true);
      await transport.send({
        from: 'Guichet <ne-pas-repondre@guichet.localhost>',
        to: 'camille.martin@courriel.example',
        subject: 'Bien reçu',
        text: 'Bonjour',
        html: '<p>Bonjour</p>',
        messageId: '<test-1@guichet.localhost>',
      });
      expect(fs.readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
      expect((await listMailbox(dir)).map((m) => m.subject)).toEqual(['Bien reçu']);
    } finally {
      transport.close();
    }
  });
});
