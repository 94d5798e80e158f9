import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCommune } from '../../modules/communes/service.js';
import { createTestApp, type TestApp } from '../../test/app.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { startTestSmtp, type TestSmtp } from '../../test/smtp.js';
import { verifyAuditChain } from '../audit/journal.js';
import { mailOutbox } from '../db/schema.js';
import { withTenant } from '../db/tenant.js';
import { MAIL_SEND_JOB, queueMail } from './outbox.js';
import { renderMail } from './templates.js';

/** queueMail for a mail under every cap: its outbox id. */
async function queueMailOrFail(...args: Parameters<typeof queueMail>): Promise<string> {
  const id = await queueMail(...args);
  if (!id) throw new Error('mail dropped by a cap');
  return id;
}

async function waitUntil<T>(probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 150));
  }
}

describe('mail templates', () => {
  it('escapes variables in HTML and keeps French text', () => {
    const mail = renderMail('notification', {
      communeName: 'Villebelle',
      subject: 'Votre demande',
      paragraphs: ['Bonjour <script>alert(1)</script>', 'À bientôt'],
    });
    expect(mail.html).toContain('Bonjour &lt;script>');
    expect(mail.html).not.toContain('<script>');
    expect(mail.text).toContain('À bientôt');
    expect(mail.text).toContain('— Villebelle.');
  });

  it('refuses variables that do not match the template', () => {
    expect(() => renderMail('demoWelcome', { communeName: 'X', homeUrl: 'pas une url' })).toThrow();
  });
});

describe.each(TEST_ENGINES)('mail outbox through a real SMTP server on %s', (engine) => {
  let smtp: TestSmtp;
  let t: TestApp;
  let communeId: string;

  beforeAll(async () => {
    smtp = await startTestSmtp();
    t = await createTestApp(engine, { env: { SMTP_URL: smtp.url }, queueRole: 'worker' });
    communeId = (
      await createCommune(
        t.runtime.database,
        { slug: 'mail-ville', name: 'Mailleville', email: 'mairie@mailleville.example' },
        { type: 'system' },
      )
    ).id;
  });

  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it('sends a committed mail once, after commit, and records it', async () => {
    const outboxId = await withTenant(t.runtime.database, communeId, (tx) =>
      queueMailOrFail(tx, t.runtime.queue, {
        to: 'habitant@example.org',
        template: 'notification',
        variables: {
          communeName: 'Mailleville',
          subject: 'Réponse à votre demande n° 2026-0042',
          paragraphs: ['Bonjour,', 'Votre demande est acceptée.'],
        },
      }),
    );
    const [mail] = await smtp.waitFor(1);
    expect(mail!.subject).toBe('Réponse à votre demande n° 2026-0042');
    expect(mail!.to && !Array.isArray(mail!.to) ? mail!.to.text : '').toBe('habitant@example.org');
    expect(mail!.text).toContain('Votre demande est acceptée.');
    expect(mail!.html).toContain('<p>Votre demande est acceptée.</p>');
    expect(mail!.messageId).toBe(`<${outboxId}@localhost>`);

    const row = await waitUntil(() =>
      withTenant(t.runtime.database, communeId, async (tx) => {
        const [r] = await tx.db.select().from(mailOutbox).where(eq(mailOutbox.id, outboxId));
        return r?.status === 'sent' ? r : undefined;
      }),
    );
    expect(row.attempts).toBe(1);
    const actions = await withTenant(t.runtime.database, communeId, async (tx) => {
      const r = await tx.client.query('SELECT action FROM audit_entry ORDER BY seq');
      return { list: r.rows.map((x) => x.action), chain: await verifyAuditChain(tx) };
    });
    expect(actions.list).toEqual(['commune.created', 'mail.sent']);
    expect(actions.chain.firstBreak).toBeNull();
  });

  it('sends nothing when the business transaction rolls back', async () => {
    const before = smtp.received.length;
    await expect(
      withTenant(t.runtime.database, communeId, async (tx) => {
        await queueMail(tx, t.runtime.queue, {
          to: 'annule@example.org',
          template: 'notification',
          variables: { communeName: 'Mailleville', subject: 'Jamais envoyé', paragraphs: ['x'] },
        });
        throw new Error('échec métier');
      }),
    ).rejects.toThrow('échec métier');
    const count = await withTenant(
      t.runtime.database,
      communeId,
      async (tx) =>
        (await tx.client.query(`SELECT count(*)::int AS n FROM mail_outbox WHERE to_address = 'annule@example.org'`))
          .rows[0].n,
    );
    expect(count).toBe(0);
    const jobs = await t.runtime.queue.countByState(MAIL_SEND_JOB);
    await new Promise((r) => setTimeout(r, 1500));
    expect(smtp.received.length).toBe(before);
    expect(Object.values(jobs).reduce((a, b) => a + b, 0)).toBe(before);
  });

  it('retries after a temporary SMTP failure and sends exactly once', async () => {
    smtp.failNext(1);
    const before = smtp.received.length;
    const outboxId = await withTenant(t.runtime.database, communeId, (tx) =>
      queueMailOrFail(tx, t.runtime.queue, {
        to: 'retry@example.org',
        template: 'notification',
        variables: { communeName: 'Mailleville', subject: 'Après un échec', paragraphs: ['x'] },
      }),
    );
    // The first attempt fails and is recorded; pg-boss retries after the backoff delay.
    const failed = await waitUntil(() =>
      withTenant(t.runtime.database, communeId, async (tx) => {
        const [r] = await tx.db.select().from(mailOutbox).where(eq(mailOutbox.id, outboxId));
        return r?.lastError ? r : undefined;
      }),
    );
    expect(failed.status).toBe('pending');
    expect(failed.lastError).toMatch(/451|indisponible/);
    // The outbox row records the failure before pg-boss marks the job for retry: wait for that
    // state, then bring the retry forward (otherwise it would wait for the backoff delay).
    await waitUntil(async () =>
      (await t.runtime.queue.retryNow(MAIL_SEND_JOB)) > 0 || smtp.received.length > before ? true : undefined,
    );
    await smtp.waitFor(before + 1, 30_000);
    const sent = await waitUntil(() =>
      withTenant(t.runtime.database, communeId, async (tx) => {
        const [r] = await tx.db.select().from(mailOutbox).where(eq(mailOutbox.id, outboxId));
        return r?.status === 'sent' ? r : undefined;
      }),
    );
    expect(sent.attempts).toBe(2);
    expect(smtp.received.filter((m) => m.subject === 'Après un échec')).toHaveLength(1);
  });

  it('enqueues a job at most once per idempotency key', async () => {
    const ids = await withTenant(t.runtime.database, communeId, async (tx) => [
      await t.runtime.queue.enqueue(
        tx,
        MAIL_SEND_JOB,
        { communeId, outboxId: '01a22309-0000-7000-8000-000000000001' },
        { idempotencyKey: 'cle-unique' },
      ),
      await t.runtime.queue.enqueue(
        tx,
        MAIL_SEND_JOB,
        { communeId, outboxId: '01a22309-0000-7000-8000-000000000001' },
        { idempotencyKey: 'cle-unique' },
      ),
    ]);
    expect(ids[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(ids[1]).toBeNull();
  });
});
