/**
 * The operators' mail when a tier is late (issue 13 item 6, decision 0049): a tier past its
 * threshold (backup 26 h, drill and offline copy 8 days) queues one French mail to each operator
 * saying which tier, since when and the command to run; a tier on time queues none; a second run
 * the same Paris day queues nothing more, the next day queues again; an instance without backups
 * configured (no key, no pgBackRest: a developer's, the demo) is not mailed.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { withInstance } from '../../platform/db/tenant.js';
import { createTestApp, type TestApp } from '../../test/app.js';
import { insertTestCommune } from '../../test/communes.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { continuityModule } from './module.js';
import { insertRun } from './repo.js';
import type { RunKind } from './schema.js';
import { alertLateTiers, LATE_TIERS_JOB, parisDay } from './use-cases/alert-late-tiers.js';

const HOUR = 3_600_000;
// Monday 7 December 2026, 10:40 in Paris (09:40 UTC).
const NOW = new Date('2026-12-07T09:40:00Z');

describe.each(TEST_ENGINES)('late-tier mail to the operators on %s', { timeout: 120_000 }, (engine) => {
  let t: TestApp;
  let communeId: string;

  beforeAll(async () => {
    const keyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'guichet-cle-'));
    execFileSync('age-keygen', ['-o', path.join(keyDir, 'cle.txt')], { stdio: 'ignore' });
    const recipient = execFileSync('age-keygen', ['-y', path.join(keyDir, 'cle.txt')], { encoding: 'utf8' }).trim();
    fs.rmSync(keyDir, { recursive: true, force: true });
    t = await createTestApp(engine, {
      env: { GUICHET_OFFLINE_COPY_DIR: '/tmp/guichet-hors-ligne-alertes', GUICHET_BACKUP_RECIPIENTS: recipient },
    });
    // The oldest commune carries the instance's mails; a younger one receives none.
    communeId = (await insertTestCommune(t.runtime.database, { slug: 'villebelle', name: 'Villebelle' })).id;
    await insertTestCommune(t.runtime.database, { slug: 'saint-aubin', name: 'Saint-Aubin' });
    for (const [email, operator, verified] of [
      ['ops@opsn.example.fr', true, true],
      ['ops-2@opsn.example.fr', true, true],
      ['pas-confirme@opsn.example.fr', true, false],
      ['agent@villebelle.fr', false, true],
    ] as const) {
      await t.testDb.asSuperuser(
        `INSERT INTO account (id, email, given_name, is_operator, email_verified_at) VALUES ($1, $2, 'Camille', $3, $4)`,
        [uuidv7(), email, operator, verified ? new Date() : null],
      );
    }
  });
  afterAll(() => t?.close());
  beforeEach(async () => {
    await t.testDb.asSuperuser('DELETE FROM mail_outbox; DELETE FROM continuity_alert; DELETE FROM continuity_run');
  });

  async function succeeded(kind: RunKind, hoursAgo: number) {
    const finishedAt = new Date(NOW.getTime() - hoursAgo * HOUR);
    await withInstance(t.runtime.database, (tx) =>
      insertRun(tx, { kind, startedAt: finishedAt, finishedAt, outcome: 'reussi', archive: null, detail: '' }),
    );
  }

  async function mails() {
    const { rows } = await t.testDb.asSuperuser<{
      commune_id: string;
      to_address: string;
      subject: string;
      text_body: string;
    }>('SELECT commune_id, to_address, subject, text_body FROM mail_outbox ORDER BY subject, to_address');
    return rows;
  }

  it('mails each operator once about a backup 30 h old, with since when and the command', async () => {
    await succeeded('sauvegarde', 30);
    await succeeded('exercice', 24);
    await succeeded('copie_hors_ligne', 24);
    const outcome = await alertLateTiers(t.runtime, NOW);
    expect(outcome).toEqual({ late: ['sauvegarde'], mailed: ['sauvegarde'], mails: 2 });
    const sent = await mails();
    expect(sent.map((m) => m.to_address)).toEqual(['ops-2@opsn.example.fr', 'ops@opsn.example.fr']);
    expect(sent.every((m) => m.commune_id === communeId)).toBe(true);
    expect(sent[0]!.subject).toBe('Continuité en retard : la sauvegarde');
    const command = engine === 'postgres' ? 'guichet backup --type full' : 'guichet backup';
    expect(sent[0]!.text_body).toContain(
      'La dernière réussite date du 6 décembre 2026 à 04:40 (il y a 30 h) ; le seuil est de 26 h.',
    );
    expect(sent[0]!.text_body).toContain(`Commande à lancer sur le serveur : ${command}\n`);
    expect(sent[0]!.text_body).toContain('— Guichet, instance http://');
  });

  it('mails nothing when every tier is within its threshold (boundary included)', async () => {
    await succeeded('sauvegarde', 26);
    await succeeded('exercice', 8 * 24);
    await succeeded('copie_hors_ligne', 1);
    expect(await alertLateTiers(t.runtime, NOW)).toEqual({ late: [], mailed: [], mails: 0 });
    expect(await mails()).toEqual([]);
  });

  it('mails a late tier once a Paris day however often the job runs, and again the next day', async () => {
    await succeeded('sauvegarde', 2);
    await succeeded('copie_hors_ligne', 2);
    // No drill ever succeeded.
    const first = await alertLateTiers(t.runtime, NOW);
    expect(first).toEqual({ late: ['exercice'], mailed: ['exercice'], mails: 2 });
    const later = new Date(NOW.getTime() + 12 * HOUR); // 22:40 in Paris, the same day
    expect(parisDay(later)).toBe(parisDay(NOW));
    expect(await alertLateTiers(t.runtime, later)).toEqual({ late: ['exercice'], mailed: [], mails: 0 });
    const sent = await mails();
    expect(sent).toHaveLength(2);
    expect(sent[0]!.subject).toBe('Continuité en retard : l’exercice de restauration');
    expect(sent[0]!.text_body).toContain('Aucune réussite n’a jamais été enregistrée ; le seuil est de 192 h.');
    expect(sent[0]!.text_body).toContain('Commande à lancer sur le serveur : guichet drill --identity <clé privée>');

    const nextDay = new Date(NOW.getTime() + 15 * HOUR); // 01:40 in Paris, 8 December
    expect(parisDay(nextDay)).toBe('2026-12-08');
    expect((await alertLateTiers(t.runtime, nextDay)).mails).toBe(2);
    expect(await mails()).toHaveLength(4);
  });

  it('mails nothing on an instance where continuity is not set up (no key, no pgBackRest)', async () => {
    const bare = {
      ...t.runtime.config,
      continuity: { ...t.runtime.config.continuity, recipients: [], pgbackrest: undefined },
    };
    expect(await alertLateTiers({ ...t.runtime, config: bare }, NOW)).toEqual({ late: [], mailed: [], mails: 0 });
    expect(await mails()).toEqual([]);
  });

  it('runs every hour as a job of the continuity module', () => {
    const job = continuityModule.jobs!(t.runtime).find((j) => j.name === LATE_TIERS_JOB);
    expect(job?.schedule?.cron).toBe('40 * * * *');
  });
});
