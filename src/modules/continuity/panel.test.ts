/**
 * The continuity figures on the commune leadership's cyber-hygiene panel (through the `figures`
 * contribution, panel 'cyber'): ages of the last backup, drill and offline copy, the measured RTO,
 * « En retard » past the thresholds. On both engines.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withInstance } from '../../platform/db/tenant.js';
import { createTestApp, type TestApp } from '../../test/app.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { signIn } from '../../test/sign-in.js';
import { seedDemo } from '../demo/seed.js';
import { formatAge, formatDuration } from './figures.js';
import { insertRun } from './repo.js';

describe('continuity figures in French', () => {
  it.each([
    [Number.POSITIVE_INFINITY, 'jamais'],
    [0, 'il y a moins d’une heure'],
    [5, 'il y a 5 h'],
    [47, 'il y a 47 h'],
    [48, 'il y a 2 jours'],
    [24 * 9 + 3, 'il y a 9 jours'],
  ])('age %s h → %s', (hours, text) => {
    expect(formatAge(hours)).toBe(text);
  });
  it.each([
    [Number.POSITIVE_INFINITY, 'aucun exercice réussi'],
    [7, '7 s'],
    [119, '119 s'],
    [600, '10 min'],
  ])('duration %s s → %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });
});

describe.each(TEST_ENGINES)('continuity on the cyber-hygiene panel (%s)', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(engine);
    await seedDemo(t.runtime.database, t.runtime.queue, t.config.publicUrl, t.runtime.config.secret!);
  });
  afterAll(() => t?.close());

  it('shows the last backup and drill, and flags the late offline copy and the old drill', async () => {
    const now = Date.now();
    const ago = (hours: number) => new Date(now - hours * 3_600_000);
    await withInstance(t.runtime.database, async (tx) => {
      await insertRun(tx, {
        kind: 'sauvegarde',
        startedAt: ago(3),
        finishedAt: ago(3),
        outcome: 'reussi',
        archive: 'a.tar',
        detail: '',
      });
      // A failed backup afterwards does not count as the last backup.
      await insertRun(tx, {
        kind: 'sauvegarde',
        startedAt: ago(1),
        finishedAt: ago(1),
        outcome: 'echoue',
        archive: null,
        detail: 'clé',
      });
      await insertRun(tx, {
        kind: 'exercice',
        startedAt: new Date(now - 10 * 24 * 3_600_000 - 42_000),
        finishedAt: ago(10 * 24),
        outcome: 'reussi',
        archive: 'a.tar',
        detail: '',
      });
    });
    const dgs = await signIn(t.app, 'dgs@villebelle.example');
    const page = await dgs.get('/c/villebelle/admin/cyber');
    expect(page.statusCode).toBe(200);
    const text = page.body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    expect(text).toContain('Dernière sauvegarde il y a 3 h');
    expect(text).toContain('Dernier exercice de restauration réussi En retard il y a 10 jours');
    expect(text).toContain('Durée de restauration mesurée (RTO) 42 s');
    expect(text).toContain('Dernière copie hors ligne En retard jamais');
  });
});
