import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { insertTestCommune } from '../../test/communes.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { TEST_MAILS } from '../../test/mails.js';
import { startTestSmtp, type TestSmtp } from '../../test/smtp.js';
import { verifyAuditChain } from '../audit/journal.js';
import { mailOutbox } from '../db/schema.js';
import { withTenant } from '../db/tenant.js';
import { MAIL_SECURITY_JOB, MAIL_SEND_EXPIRY_SECONDS, MAIL_SEND_JOB, queueMail } from './outbox.js';
import { renderMail } from './templates.js';

// A process that fails right after the SMTP server's 250 (here: when it writes the audit entry of
// the sent mail, the step after the send) must not send the mail again.
const crash = vi.hoisted(() => ({ afterNextSend: false }));
vi.mock('../audit/journal.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../audit/journal.js')>();
  return {
    ...actual,
    recordAudit: (async (tx, entry) => {
      if (entry.action === 'mail.sent' && crash.afterNextSend) {
        crash.afterNextSend = false;
        throw new Error('processus arrêté juste après le 250');
      }
      return actual.recordAudit(tx, entry);
    }) as typeof actual.recordAudit,
  };
});

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
    const mail = renderMail(TEST_MAILS.notice, {
      communeName: 'Villebelle',
      subject: 'Votre demande',
      paragraphs: ['Bonjour <script>alert(1)</script>', 'À bientôt'],
    });
    expect(mail.html).toContain('Bonjour &lt;script>');
    expect(mail.html).not.toContain('<script>');
    expect(mail.text).toContain('À bientôt');
    expect(mail.text).toContain('— Villebelle.');
  });

  it('says in the footer whether a reply reaches the commune', () => {
    const vars = { communeName: 'Villebelle', subject: 'Votre demande', paragraphs: ['Bonjour'] };
    expect(renderMail(TEST_MAILS.notice, vars).text).toContain('merci de ne pas y répondre directement');
    const answerable = renderMail(TEST_MAILS.notice, vars, { repliesReachTheCommune: true });
    expect(answerable.text).toContain('si vous y répondez, votre réponse parvient au service de la mairie');
    expect(answerable.text).not.toContain('ne pas y répondre');
    expect(answerable.html).toContain('si vous y répondez');
  });

  it('refuses variables that do not match the template', () => {
    expect(() => renderMail(TEST_MAILS.reset, { communeName: 'X', link: 'pas une url', validMinutes: 30 })).toThrow();
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
      await insertTestCommune(t.runtime.database, {
        slug: 'mail-ville',
        name: 'Mailleville',
        email: 'mairie@mailleville.example',
      })
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
        template: TEST_MAILS.notice,
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
    expect(actions.list).toEqual(['mail.sent']);
    expect(actions.chain.firstBreak).toBeNull();
  });

  it('sends nothing when the business transaction rolls back', async () => {
    const before = smtp.received.length;
    await expect(
      withTenant(t.runtime.database, communeId, async (tx) => {
        await queueMail(tx, t.runtime.queue, {
          to: 'annule@example.org',
          template: TEST_MAILS.notice,
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
        template: TEST_MAILS.notice,
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

describe.each(TEST_ENGINES)('mail pipeline under load through a real SMTP server on %s', (engine) => {
  let smtp: TestSmtp;
  let t: TestApp;
  let communeId: string;

  beforeAll(async () => {
    smtp = await startTestSmtp();
    t = await createTestApp(engine, { env: { SMTP_URL: smtp.url }, queueRole: 'worker' });
    communeId = (
      await insertTestCommune(t.runtime.database, {
        slug: 'charge-ville',
        name: 'Chargeville',
        email: 'mairie@chargeville.example',
      })
    ).id;
  });

  afterAll(async () => {
    smtp?.release();
    await t?.close();
    await smtp?.close();
  });

  const receipts = (prefix: string, count: number) =>
    withTenant(t.runtime.database, communeId, async (tx) => {
      for (let i = 0; i < count; i += 1) {
        await queueMailOrFail(tx, t.runtime.queue, {
          to: `${prefix}-${i}@example.org`,
          template: TEST_MAILS.notice,
          variables: { communeName: 'Chargeville', subject: `Demande n° ${prefix}-${i} bien reçue`, paragraphs: ['x'] },
        });
      }
    });
  const reset = (to: string) =>
    withTenant(t.runtime.database, communeId, (tx) =>
      queueMail(tx, t.runtime.queue, {
        to,
        template: TEST_MAILS.reset,
        variables: { communeName: 'Chargeville', link: 'https://chargeville.example/reinitialiser', validMinutes: 30 },
      }),
    );
  const status = (outboxId: string) =>
    withTenant(t.runtime.database, communeId, async (tx) => {
      const [r] = await tx.db.select().from(mailOutbox).where(eq(mailOutbox.id, outboxId));
      return r;
    });
  const jobState = async (outboxId: string) => {
    const { rows } = await t.runtime.database.pool.query<{ state: string }>(
      `SELECT state FROM pgboss.job WHERE data->>'outboxId' = $1`,
      [outboxId],
    );
    return rows[0]?.state;
  };

  it('sends a burst in parallel: several mails are in the SMTP server’s hands at once', async () => {
    smtp.hold();
    try {
      const before = smtp.received.length;
      await receipts('rafale', 12);
      // One mail at a time would never have a second one in flight while the first awaits its 250.
      await waitUntil(async () => (smtp.held.length >= 3 ? true : undefined));
      smtp.release();
      await smtp.waitFor(before + 12);
    } finally {
      smtp.release();
    }
  });

  it('sends a reset mail while a burst of receipts is still waiting for the SMTP server', async () => {
    const before = smtp.received.length;
    smtp.hold();
    try {
      await receipts('attente', 40);
      await waitUntil(async () => (smtp.held.length >= 5 ? true : undefined));
      await reset('reinitialisation@example.org');
      // Behind 40 receipts held by the server, the reset still reaches it.
      await waitUntil(async () => (smtp.held.includes('reinitialisation@example.org') ? true : undefined));
      expect(smtp.held.filter((to) => to.startsWith('attente-')).length).toBeLessThan(40);
    } finally {
      smtp.release();
    }
    await smtp.waitFor(before + 41, 60_000);
  });

  it('retries a send stuck in a dead process after about a minute, not 15', async () => {
    expect(MAIL_SEND_EXPIRY_SECONDS).toBeLessThanOrEqual(60);
    // As if a worker had taken the job 61 seconds ago and then died (kill -9) before sending.
    const outboxId = await withTenant(t.runtime.database, communeId, async (tx) => {
      const id = await queueMailOrFail(tx, t.runtime.queue, {
        to: 'bloque@example.org',
        template: TEST_MAILS.notice,
        variables: { communeName: 'Chargeville', subject: 'Après un arrêt brutal', paragraphs: ['x'] },
      });
      await tx.client.query(
        `UPDATE pgboss.job SET state = 'active', started_on = now() - interval '61 seconds'
          WHERE data->>'outboxId' = $1`,
        [id],
      );
      return id;
    });
    expect(await jobState(outboxId)).toBe('active');
    // pg-boss's maintenance fails it by timeout (every 20 s); the retry is then brought forward.
    await waitUntil(async () => ((await jobState(outboxId)) !== 'active' ? true : undefined), 45_000);
    await waitUntil(async () =>
      (await t.runtime.queue.retryNow(MAIL_SEND_JOB)) > 0 || (await status(outboxId))?.status === 'sent'
        ? true
        : undefined,
    );
    await waitUntil(async () => ((await status(outboxId))?.status === 'sent' ? true : undefined));
    expect(smtp.received.filter((m) => m.subject === 'Après un arrêt brutal')).toHaveLength(1);
  }, 90_000);

  it('does not send a mail again when the process fails right after the SMTP 250', async () => {
    crash.afterNextSend = true;
    const outboxId = await withTenant(t.runtime.database, communeId, (tx) =>
      queueMailOrFail(tx, t.runtime.queue, {
        to: 'une-fois@example.org',
        template: TEST_MAILS.notice,
        variables: { communeName: 'Chargeville', subject: 'Une seule fois', paragraphs: ['x'] },
      }),
    );
    await waitUntil(async () => (smtp.received.some((m) => m.subject === 'Une seule fois') ? true : undefined));
    // The run failed after the send; pg-boss retries it: bring the retry forward and let it finish.
    await waitUntil(async () => ((await jobState(outboxId)) === 'retry' ? true : undefined));
    await t.runtime.queue.retryNow(MAIL_SEND_JOB);
    await waitUntil(async () => ((await jobState(outboxId)) === 'completed' ? true : undefined), 30_000);
    const copies = smtp.received.filter((m) => m.subject === 'Une seule fois');
    expect(copies).toHaveLength(1);
    expect(copies[0]!.messageId).toBe(`<${outboxId}@localhost>`);
    expect((await status(outboxId))?.status).toBe('sent');
  });

  it('sends at most 3 reset mails an hour to one address, in the security queue', async () => {
    const ids = [];
    for (let i = 0; i < 5; i += 1) ids.push(await reset('plafond@example.org'));
    expect(ids.filter((id) => id !== null)).toHaveLength(3);
    for (const id of ids.filter((x): x is string => x !== null)) {
      await waitUntil(async () => ((await status(id))?.status === 'sent' ? true : undefined));
    }
    const jobs = await t.runtime.database.pool.query<{ name: string }>(
      `SELECT DISTINCT name FROM pgboss.job WHERE data->>'outboxId' = ANY($1::text[])`,
      [ids.filter((x) => x !== null)],
    );
    expect(jobs.rows.map((r) => r.name)).toEqual([MAIL_SECURITY_JOB]);
    // Every stored mail has left: no fourth reset can still come.
    expect(
      smtp.received.filter((m) => (m.to && !Array.isArray(m.to) ? m.to.text : '') === 'plafond@example.org'),
    ).toHaveLength(3);
  });
});
