/**
 * Issue 13, tier (a): Guichet on a Patroni cluster survives the loss of its primary.
 *
 * A real `guichet serve` (server mode) reaches PostgreSQL through HAProxy only. Four writers send
 * « Contacter la mairie » messages continuously, each with its own e-mail address; after a few
 * seconds the leader node is killed (SIGKILL to Patroni and to its postmaster: a machine lost).
 * Patroni promotes the synchronous standby once the leader key expires, HAProxy follows its REST
 * health check, and Guichet's pool reconnects. Shown and asserted: writing resumes on the new
 * leader, and every message Guichet acknowledged (303 to « demande envoyée ») is on the new
 * leader — synchronous replication loses no acknowledged write. Figures are printed.
 *
 * Run with `npm run test:ha` (after `npm run build`); `.ci/run` runs it.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GuichetServer, guichetCommand, guichetEnv, startGuichet } from '../bench/lib/guichet.js';
import { prepareFormSubmission } from '../bench/lib/http.js';
import { HaCluster, missingTools, PATRONI_TTL_SECONDS } from './cluster.js';

const WRITERS = 4;
const BEFORE_KILL_MS = 6_000;
const AFTER_RESUME_MS = 4_000;
const OWNER = 'guichet_ha_owner';
const APP = 'guichet_ha_app';
const DATABASE = 'guichet_ha';

interface Attempt {
  email: string;
  startedAt: number;
  endedAt: number;
  acknowledged: boolean;
  error?: string;
}

function errorSummary(failed: readonly Attempt[]): string {
  const counts = new Map<string, number>();
  for (const a of failed) counts.set(a.error ?? '?', (counts.get(a.error ?? '?') ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 4)
    .map(([error, n]) => `${n}× ${error.slice(0, 120)}`)
    .join(' ; ');
}

describe('failover of the primary under continuous writes (Patroni, HAProxy, synchronous mode)', () => {
  const cluster = new HaCluster();
  let guichet: GuichetServer | undefined;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'guichet-ha-data-'));

  beforeAll(async () => {
    const missing = missingTools();
    if (missing.length) {
      throw new Error(`missing for the HA test: ${missing.join(', ')} (apt-get install patroni etcd-server haproxy)`);
    }
    await cluster.start();
    const proxy = cluster.proxyPort;
    cluster.psql(proxy, `CREATE ROLE ${OWNER} LOGIN NOSUPERUSER`);
    cluster.psql(proxy, `CREATE ROLE ${APP} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE`);
    cluster.psql(proxy, `CREATE DATABASE ${DATABASE} OWNER ${OWNER}`);
    const url = (user: string) => `postgres://${user}@127.0.0.1:${proxy}/${DATABASE}`;
    const env = guichetEnv({
      DATABASE_URL: url(APP),
      GUICHET_MIGRATION_DATABASE_URL: url(OWNER),
      GUICHET_DB_APP_ROLE: APP,
      GUICHET_SECRET: randomBytes(36).toString('base64url'),
      GUICHET_DATA_DIR: dataDir,
      // The 503s of the failover are warnings; only errors (a 500) are kept, to be shown.
      GUICHET_LOG_LEVEL: 'error',
      // Every writer comes from 127.0.0.1: the spam ladder (challenge, block, commune-wide
      // challenge) stays out of this test's volume.
      GUICHET_ANONYMOUS_CHALLENGE_AFTER: '1000000',
      GUICHET_ANONYMOUS_BLOCK_AFTER: '1000000',
      GUICHET_ANONYMOUS_COMMUNE_CHALLENGE_AFTER: '1000000',
    });
    await guichetCommand(['migrate'], env);
    await guichetCommand(['demo'], env);
    guichet = await startGuichet('guichet (HA)', env);
  }, 170_000);

  afterAll(async () => {
    await guichet?.stop();
    await cluster.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('resumes writing on the new leader within seconds and loses no acknowledged message', async () => {
    const url = `${guichet!.baseUrl}/c/villebelle/contacter-la-mairie`;
    const attempts: Attempt[] = [];
    let stop = false;
    let counter = 0;

    async function writeOne(): Promise<void> {
      const email = `ha-${++counter}-${randomBytes(3).toString('hex')}@exemple.fr`;
      const attempt: Attempt = { email, startedAt: Date.now(), endedAt: 0, acknowledged: false };
      try {
        const spec = await prepareFormSubmission(url, {
          subject: 'Lampadaire en panne',
          message: 'Bonjour, le lampadaire devant le 12 rue des Tilleuls ne s’allume plus depuis trois jours.',
          name: 'Camille Martin',
          email,
        });
        const response = await fetch(url, {
          method: 'POST',
          headers: spec.headers,
          body: spec.body,
          redirect: 'manual',
          signal: AbortSignal.timeout(15_000),
        });
        await response.text();
        attempt.acknowledged =
          response.status === 303 && (response.headers.get('location') ?? '').includes('/demande-envoyee');
        if (!attempt.acknowledged) attempt.error = `HTTP ${response.status}`;
      } catch (error) {
        attempt.error = (error as Error).message;
      }
      attempt.endedAt = Date.now();
      attempts.push(attempt);
      if (!attempt.acknowledged) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const writers = Array.from({ length: WRITERS }, async () => {
      while (!stop) await writeOne();
    });

    await new Promise((resolve) => setTimeout(resolve, BEFORE_KILL_MS));
    const before = await cluster.leader();
    expect(before, 'a leader before the kill').toBeDefined();
    const killedAt = Date.now();
    cluster.killNode(before!);

    // Writing resumes: the first acknowledged message started after the kill.
    let resumedAt: number | undefined;
    const deadline = killedAt + 90_000;
    while (!resumedAt && Date.now() < deadline) {
      resumedAt = attempts.find((a) => a.acknowledged && a.startedAt > killedAt)?.endedAt;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (resumedAt) await new Promise((resolve) => setTimeout(resolve, AFTER_RESUME_MS));
    stop = true;
    await Promise.all(writers);

    const after = await cluster.leader();
    const acknowledged = attempts.filter((a) => a.acknowledged);
    const failed = attempts.filter((a) => !a.acknowledged);
    const list = acknowledged.map((a) => `'${a.email}'`).join(',');
    const found = Number(
      cluster.psql(
        cluster.proxyPort,
        `SELECT count(DISTINCT requester_email) FROM citizen_request WHERE requester_email IN (${list})`,
        DATABASE,
      ),
    );
    const ackBefore = acknowledged.filter((a) => a.endedAt <= killedAt).length;
    const figures = {
      'leader before → after': `${before?.name} → ${after?.name}`,
      'time to resume writing (s)': resumedAt ? ((resumedAt - killedAt) / 1000).toFixed(1) : 'never',
      'Patroni ttl (s)': PATRONI_TTL_SECONDS,
      'messages acknowledged (before the kill / in all)': `${ackBefore} / ${acknowledged.length}`,
      'attempts refused or cut during the failover': failed.length,
      'acknowledged messages found on the new leader': found,
      'acknowledged messages lost': acknowledged.length - found,
      'errors seen (most frequent first)': errorSummary(failed),
    };
    console.log(
      `\nFailover figures:\n${Object.entries(figures)
        .map(([k, v]) => `  ${k}: ${v}`)
        .join('\n')}\n`,
    );

    expect(guichet!.hasExited(), `Guichet stopped during the failover:\n${guichet!.output()}`).toBe(false);
    expect(resumedAt, `writing never resumed\n${cluster.logs()}`).toBeDefined();
    expect(after?.name).not.toBe(before?.name);
    expect(ackBefore).toBeGreaterThan(10);
    expect(acknowledged.length - ackBefore).toBeGreaterThan(5);
    expect(found).toBe(acknowledged.length);
    // During the outage people are told to try again (503), never shown an internal error.
    const internal = failed.filter((a) => /\b500\b/.test(a.error ?? ''));
    expect(internal.length, `HTTP 500 during the failover:\n${guichet!.output()}`).toBe(0);
    // The new primary took over once the old one's leader key expired: seconds, not minutes.
    expect(resumedAt! - killedAt).toBeLessThan((PATRONI_TTL_SECONDS + 20) * 1000);
  }, 150_000);
});
