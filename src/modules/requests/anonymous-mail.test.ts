/**
 * The anonymous contact form must not turn the commune into a relay: whatever a visitor types,
 * the receipt mail and PDF sent to the (unconfirmed) address carry none of it; mails to one
 * address are capped per hour, and so are password resets — with the same answer every time.
 * Through a real SMTP server, on both engines.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../platform/db/tenant.js';
import { createTestApp, type TestApp } from '../../test/app.js';
import { TestBrowser } from '../../test/browser.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { startTestSmtp, type TestSmtp } from '../../test/smtp.js';
import { seedDemo } from '../demo/seed.js';
import { PASSWORD_RESET_JOB } from '../identity/reset-job.js';

function pdfText(pdf: Buffer): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guichet-pdf-'));
  try {
    const file = path.join(dir, 'recu.pdf');
    fs.writeFileSync(file, pdf);
    return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function waitUntil<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 150));
  }
}

const toOf = (m: ParsedMail) => (m.to && !Array.isArray(m.to) ? m.to.text : '');

describe.each(TEST_ENGINES)('anonymous requests and the commune’s letterhead on %s', (engine) => {
  let t: TestApp;
  let smtp: TestSmtp;
  let villebelleId: string;
  let address = 10;
  const browser = () => new TestBrowser(t.app, { remoteAddress: `198.51.${address++}.23` });

  /** The outbox of Villebelle: rows to one address with one template, and whether all have left. */
  async function outbox(to: string, template: string) {
    return withTenant(t.runtime.database, villebelleId, async (tx) => {
      const { rows } = await tx.client.query<{ status: string }>(
        'SELECT status FROM mail_outbox WHERE to_address = $1 AND template = $2',
        [to, template],
      );
      return { count: rows.length, allSent: rows.every((r) => r.status === 'sent') };
    });
  }

  async function contact(to: string, fields: { subject: string; message: string; name: string }) {
    const b = browser();
    await b.get('/c/villebelle/contacter-la-mairie');
    return b.post('/c/villebelle/contacter-la-mairie', { ...fields, email: to });
  }

  beforeAll(async () => {
    smtp = await startTestSmtp();
    t = await createTestApp(engine, {
      env: { SMTP_URL: smtp.url, GUICHET_RATE_LIMIT_PER_MINUTE: '10000' },
      queueRole: 'worker',
    });
    await seedDemo(t.runtime.database, t.runtime.queue, t.config.publicUrl, t.config.secret!);
    await t.runtime.communes.reload();
    villebelleId = (await t.runtime.communes.bySlug('villebelle'))!.id;
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it('sends the receipt of an anonymous request without any of the words typed in the form', async () => {
    const sent = await contact('victime@example.org', {
      subject: 'Votre compte est suspendu : réactivez-le sur https://piege.example/villebelle',
      message: 'Connectez-vous sur https://piege.example/connexion avant 48 heures, sinon vos aides seront coupées.',
      name: 'Direction des finances https://piege.example',
    });
    expect(sent.statusCode).toBe(303);

    const mail = await waitUntil(() => smtp.received.find((m) => toOf(m) === 'victime@example.org'));
    expect(mail.subject).toMatch(/^Demande n° \d{4}-\d{6} bien reçue – Villebelle$/);
    const pdf = mail.attachments.find((a) => a.contentType === 'application/pdf');
    expect(pdf).toBeDefined();
    const receipt = pdfText(pdf!.content).replace(/\s+/g, ' ');
    for (const text of [mail.subject ?? '', mail.text ?? '', String(mail.html), receipt]) {
      expect(text).not.toMatch(/piege|suspendu|réactivez|Connectez-vous|aides seront|Direction des finances/);
    }
    expect(mail.text).toContain('« Demande de contact »');
    expect(receipt).toContain('Accusé de réception');
    expect(receipt).toMatch(/Demande n° \d{4}-\d{6}/);
    expect(receipt).toContain('victime@example.org');

    // The commune itself still has every word of it.
    const [stored] = await withTenant(
      t.runtime.database,
      villebelleId,
      async (tx) =>
        (
          await tx.client.query<{ subject: string; requester_name: string }>(
            `SELECT subject, requester_name FROM citizen_request WHERE requester_email = 'victime@example.org'`,
          )
        ).rows,
    );
    expect(stored?.subject).toContain('https://piege.example/villebelle');
    expect(stored?.requester_name).toBe('Direction des finances https://piege.example');
  });

  it('sends at most 10 receipts an hour to one address; every submitter still gets the confirmation', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i += 1) {
      const res = await contact('inondee@example.org', {
        subject: `Question ${i}`,
        message: 'Bonjour, à quelle heure ouvre la mairie le samedi ?',
        name: 'Jeanne Roux',
      });
      statuses.push(res.statusCode);
    }
    expect(statuses).toEqual(Array(12).fill(303));
    const rows = await waitUntil(async () => {
      const o = await outbox('inondee@example.org', 'requestReceipt');
      return o.allSent ? o : undefined;
    });
    expect(rows.count).toBe(10);
    await smtp.waitFor(1);
    expect(smtp.received.filter((m) => toOf(m) === 'inondee@example.org')).toHaveLength(10);
  });

  it('sends at most 3 password resets an hour to one address, with the same answer every time', async () => {
    const known = 'camille.martin@courriel.example';
    const bodies: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const res = await browser().submit('/c/villebelle/mot-de-passe-oublie', { email: known });
      bodies.push(res.body.replace(/value="[^"]*"/g, ''));
    }
    const unknown = await browser().submit('/c/villebelle/mot-de-passe-oublie', { email: 'inconnue@example.org' });
    for (const body of bodies) expect(body).toBe(unknown.body.replace(/value="[^"]*"/g, ''));
    // The reset mails are queued by a job (the same work for known and unknown addresses): wait
    // for the six reset jobs to be done before counting what they queued.
    await waitUntil(async () => {
      const { rows: jobs } = await t.testDb.asSuperuser<{ n: number }>(
        `SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND state = 'completed'`,
        [PASSWORD_RESET_JOB],
      );
      return jobs[0]!.n >= 6 ? true : undefined;
    });
    const rows = await waitUntil(async () => {
      const o = await outbox(known, 'passwordReset');
      return o.allSent ? o : undefined;
    });
    expect(rows.count).toBe(3);
    expect(smtp.received.filter((m) => toOf(m) === known && m.subject?.startsWith('Réinitialisation'))).toHaveLength(3);
  });
});
