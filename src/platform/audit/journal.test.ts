import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCommune } from '../../modules/communes/service.js';
import { createTestDatabase, TEST_ENGINES, type TestDatabase } from '../../test/databases.js';
import { withTenant } from '../db/tenant.js';
import { GENESIS_HASH, hashEntry, recordAudit, verifyAuditChain } from './journal.js';
import { verifyAllCommunes } from './verify-all.js';

describe('hashEntry', () => {
  const base = {
    communeId: '01a22309-75d9-708e-8481-3a64e6769dc0',
    seq: 1,
    occurredAt: new Date('2026-11-28T10:00:00.000Z'),
    actorType: 'agent',
    actorId: 'a1',
    action: 'courrier.enregistre',
    targetType: 'courrier',
    targetId: 'c1',
    data: { objet: 'Demande de subvention', pieces: 2 },
    requestId: null,
    prevHash: GENESIS_HASH,
  };

  it('does not depend on the key order of the data', () => {
    expect(hashEntry({ ...base, data: { pieces: 2, objet: 'Demande de subvention' } })).toBe(hashEntry(base));
  });

  it.each([
    ['seq', { seq: 2 }],
    ['instant (1 ms later)', { occurredAt: new Date('2026-11-28T10:00:00.001Z') }],
    ['actor', { actorId: 'a2' }],
    ['action', { action: 'courrier.supprime' }],
    ['data value', { data: { objet: 'Demande de subvention', pieces: 3 } }],
    ['previous hash', { prevHash: 'f'.repeat(64) }],
  ])('changes when the %s changes', (_label, change) => {
    expect(hashEntry({ ...base, ...change })).not.toBe(hashEntry(base));
  });
});

describe.each(TEST_ENGINES)('audit journal on %s', (engine) => {
  let t: TestDatabase;
  let communeId: string;
  let otherId: string;

  beforeAll(async () => {
    t = await createTestDatabase(engine);
    communeId = (await createCommune(t.database, { slug: 'audit-a', name: 'Audit A' }, { type: 'system' })).id;
    otherId = (await createCommune(t.database, { slug: 'audit-b', name: 'Audit B' }, { type: 'system' })).id;
    for (let i = 0; i < 5; i += 1) {
      await withTenant(t.database, communeId, (tx) =>
        recordAudit(tx, { action: 'mail.sent', actorType: 'agent', actorId: `agent-${i}`, data: { i } }),
      );
    }
  });

  afterAll(() => t?.drop());

  it('chains each commune separately and verifies intact chains', async () => {
    const a = await withTenant(t.database, communeId, (tx) => verifyAuditChain(tx));
    const b = await withTenant(t.database, otherId, (tx) => verifyAuditChain(tx));
    expect(a).toEqual({ entries: 6, firstBreak: null }); // commune.created + 5
    expect(b).toEqual({ entries: 1, firstBreak: null });
  });

  it('keeps the chain linear under concurrent writers', async () => {
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        withTenant(t.database, otherId, (tx) =>
          recordAudit(tx, { action: 'sms.sent', actorType: 'system', data: { i } }),
        ),
      ),
    );
    const result = await withTenant(t.database, otherId, (tx) => verifyAuditChain(tx));
    expect(result).toEqual({ entries: 9, firstBreak: null });
  });

  it('is append-only for the application role', async () => {
    const update = withTenant(t.database, communeId, (tx) =>
      tx.client.query(`UPDATE audit_entry SET action = 'x' WHERE seq = 2`),
    );
    await expect(update).rejects.toThrow(/permission denied/);
    const remove = withTenant(t.database, communeId, (tx) => tx.client.query('DELETE FROM audit_entry WHERE seq = 2'));
    await expect(remove).rejects.toThrow(/permission denied/);
  });

  it('detects a row modified directly in SQL and reports the first broken link', async () => {
    await t.asSuperuser('ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_append_only');
    await t.asSuperuser(`UPDATE audit_entry SET data = '{"i": 99}' WHERE commune_id = $1 AND seq = 4`, [communeId]);
    const results = await verifyAllCommunes(t.database);
    const a = results.find((r) => r.slug === 'audit-a');
    expect(a?.firstBreak).toEqual({ seq: 4, reason: 'hash_mismatch' });
    expect(a?.entries).toBe(3);
    expect(results.find((r) => r.slug === 'audit-b')?.firstBreak).toBeNull();

    // Recomputing the tampered row's own hash moves the break to the next link.
    const row = (
      await t.asSuperuser<{ hash: string }>('SELECT hash FROM audit_entry WHERE commune_id = $1 AND seq = 4', [
        communeId,
      ])
    ).rows[0]!;
    await t.asSuperuser(`UPDATE audit_entry SET hash = $2 WHERE commune_id = $1 AND seq = 4`, [
      communeId,
      'a'.repeat(64),
    ]);
    const again = await withTenant(t.database, communeId, (tx) => verifyAuditChain(tx));
    expect(again.firstBreak?.seq).toBe(4);
    await t.asSuperuser(`UPDATE audit_entry SET hash = $2 WHERE commune_id = $1 AND seq = 4`, [communeId, row.hash]);

    await t.asSuperuser(`DELETE FROM audit_entry WHERE commune_id = $1 AND seq = 4`, [communeId]);
    const gap = await withTenant(t.database, communeId, (tx) => verifyAuditChain(tx));
    expect(gap.firstBreak).toEqual({ seq: 4, reason: 'sequence_gap' });
    await t.asSuperuser('ALTER TABLE audit_entry ENABLE TRIGGER audit_entry_append_only');
  });
});
