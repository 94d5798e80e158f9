/**
 * SMS sending through the outbox and the sms.send job: with the OVHcloud provider against a local
 * simulator of its API (signed requests, clock read from /auth/time), a temporary failure then a
 * retry, a number the provider refuses (no retry), a rolled-back transaction (nothing sent), and
 * phone numbers kept out of stored errors; the demo file provider on its own.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { insertTestCommune } from '../../test/communes.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { type OvhSmsSimulator, startOvhSmsSimulator } from '../../test/ovh-sms-simulator.js';
import { withTenant } from '../db/tenant.js';
import { createFileSmsProvider, listStoredSms } from './file-provider.js';
import { queueSms, SMS_SEND_JOB } from './outbox.js';
import { ovhSignature } from './ovh-provider.js';
import { NO_SMS_PROVIDER, SmsSendError } from './provider.js';
import { smsOutbox } from './schema.js';

async function waitUntil<T>(probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 150));
  }
}

describe('SMS providers without a database', () => {
  it('signs OVHcloud requests as documented: "$1$" + SHA-1 of AS+CK+method+URL+body+timestamp', () => {
    // Computed independently: printf '%s' 'as+ck+POST+https://eu.api.ovh.com/1.0/sms/s/jobs+{}+1700000000' | sha1sum
    expect(
      ovhSignature(
        { applicationSecret: 'as', consumerKey: 'ck' },
        'POST',
        'https://eu.api.ovh.com/1.0/sms/s/jobs',
        '{}',
        '1700000000',
      ),
    ).toBe('$1$d2b93ef0ed0901cc914c5097d390afb31e64c745');
  });

  it('refuses to send with the `none` provider, for good', async () => {
    expect(NO_SMS_PROVIDER.canSend).toBe(false);
    const error = await NO_SMS_PROVIDER.send({ id: 'x', to: '+33612345678', body: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SmsSendError);
    expect((error as SmsSendError).permanent).toBe(true);
  });

  it('writes each SMS of the demo provider as a file, listed newest first', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'guichet-sms-'));
    try {
      const provider = createFileSmsProvider({ dataDir });
      await provider.send({ id: '01a22309-0000-7000-8000-000000000001', to: '+33612345678', body: 'Premier' });
      await new Promise((r) => setTimeout(r, 5));
      await provider.send({ id: '01a22309-0000-7000-8000-000000000002', to: '+33712345678', body: 'Second' });
      const stored = await listStoredSms(path.join(dataDir, 'sms'));
      expect(stored.map((s) => [s.to, s.body])).toEqual([
        ['+33712345678', 'Second'],
        ['+33612345678', 'Premier'],
      ]);
      expect(await listStoredSms(path.join(dataDir, 'absent'))).toEqual([]);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe.each(TEST_ENGINES)('SMS through the OVHcloud API simulator on %s', (engine) => {
  let simulator: OvhSmsSimulator;
  let t: TestApp;
  let communeId: string;

  const row = (id: string) =>
    withTenant(t.runtime.database, communeId, async (tx) => {
      const [r] = await tx.db.select().from(smsOutbox).where(eq(smsOutbox.id, id));
      return r;
    });

  const queue = (to: string, body: string) =>
    withTenant(t.runtime.database, communeId, (tx) =>
      queueSms(tx, t.runtime.queue, { to, body, template: 'sms.status_changed' }),
    );

  beforeAll(async () => {
    simulator = await startOvhSmsSimulator();
    t = await createTestApp(engine, { env: simulator.env, queueRole: 'worker' });
    communeId = (await insertTestCommune(t.runtime.database, { slug: 'sms-ville', name: 'Smsville' })).id;
  });

  afterAll(async () => {
    await t?.close();
    await simulator?.close();
  });

  it('sends a committed SMS once, signed, with the API’s clock, and records it', async () => {
    expect(t.runtime.smsProvider.name).toBe('ovh');
    const id = await queue('+33612345678', 'Mairie de Smsville : votre demande 2026-000001 est maintenant "acceptée".');
    const [job] = await simulator.waitFor(1);
    expect(simulator.refused).toEqual([]);
    expect(job!.body).toEqual({
      charset: 'UTF-8',
      coding: '7bit',
      message: 'Mairie de Smsville : votre demande 2026-000001 est maintenant "acceptée".',
      noStopClause: true,
      priority: 'high',
      receivers: ['+33612345678'],
      sender: 'VILLEBELLE',
      senderForResponse: false,
      validityPeriod: 2880,
      tag: 'guichet',
    });
    const sent = await waitUntil(async () => {
      const r = await row(id);
      return r?.status === 'sent' ? r : undefined;
    });
    expect(sent).toMatchObject({ attempts: 1, provider: 'ovh', providerMessageId: '40000010', lastError: null });
    const audit = await withTenant(t.runtime.database, communeId, async (tx) =>
      (await tx.client.query(`SELECT data FROM audit_entry WHERE action = 'sms.sent'`)).rows.map((r) => r.data),
    );
    expect(audit).toEqual([{ template: 'sms.status_changed', provider: 'ovh' }]);
  });

  it('encodes a text outside the GSM alphabet as 8bit (UCS-2)', async () => {
    const before = simulator.received.length;
    await queue('+33612345678', 'Votre demande « 2026-000002 » est prête.');
    const jobs = await simulator.waitFor(before + 1);
    expect(jobs[before]!.body.coding).toBe('8bit');
  });

  it('retries after a temporary failure, keeps the number out of the error, and sends exactly once', async () => {
    const before = simulator.received.length;
    simulator.failNext(1, 503);
    const id = await queue('+33655443322', 'Après un échec');
    const failed = await waitUntil(async () => {
      const r = await row(id);
      return r?.lastError ? r : undefined;
    });
    expect(failed.status).toBe('pending');
    expect(failed.attempts).toBe(1);
    expect(failed.lastError).toContain('OVHcloud : HTTP 503');
    expect(failed.lastError).toContain('[numéro masqué]');
    expect(failed.lastError).not.toMatch(/655443322/);
    // The outbox row records the failure before pg-boss marks the job for retry: wait for that
    // state, then bring the retry forward (otherwise it would wait for the backoff delay).
    await waitUntil(async () =>
      (await t.runtime.queue.retryNow(SMS_SEND_JOB)) > 0 || simulator.received.length > before ? true : undefined,
    );
    await simulator.waitFor(before + 1, 30_000);
    const sent = await waitUntil(async () => {
      const r = await row(id);
      return r?.status === 'sent' ? r : undefined;
    });
    expect(sent.attempts).toBe(2);
    expect(sent.lastError).toBeNull();
    expect(simulator.received.filter((j) => j.body.message === 'Après un échec')).toHaveLength(1);
  });

  it('gives up at once on a number the provider refuses', async () => {
    simulator.refuseNumber('+33600000000');
    const id = await queue('+33600000000', 'Numéro refusé');
    const failed = await waitUntil(async () => {
      const r = await row(id);
      return r?.status === 'failed' ? r : undefined;
    });
    expect(failed).toMatchObject({ attempts: 1, lastError: 'OVHcloud a refusé le numéro du destinataire' });
    const jobs = await t.runtime.queue.countByState(SMS_SEND_JOB);
    expect(jobs.retry ?? 0).toBe(0);
  });

  it('sends nothing when the business transaction rolls back', async () => {
    const before = simulator.received.length;
    await expect(
      withTenant(t.runtime.database, communeId, async (tx) => {
        await queueSms(tx, t.runtime.queue, { to: '+33611111111', body: 'Jamais envoyé', template: 'x' });
        throw new Error('échec métier');
      }),
    ).rejects.toThrow('échec métier');
    const count = await withTenant(
      t.runtime.database,
      communeId,
      async (tx) =>
        (await tx.client.query(`SELECT count(*)::int AS n FROM sms_outbox WHERE body = 'Jamais envoyé'`)).rows[0].n,
    );
    expect(count).toBe(0);
    expect(simulator.received.length).toBe(before);
  });

  it('refuses a number that is not E.164 before anything is stored', async () => {
    await expect(queue('06 12 34 56 78', 'x')).rejects.toThrow();
  });
});
