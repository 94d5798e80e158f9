import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { signIn } from '../../test/sign-in.js';
import { seedDemo } from '../demo/seed.js';

const KEYS = '/c/villebelle/compte/cles-d-acces';

describe.each(TEST_ENGINES)('removing the last second factor on %s', (engine) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp(engine);
    await seedDemo(t.runtime.database, t.runtime.queue, t.config.publicUrl, t.config.secret!);
    await t.runtime.communes.reload();
  });
  afterAll(() => t?.close());

  /** Gives the account one passkey, signs in at Villebelle and passes the second factor. */
  async function withOnePasskey(email: string) {
    const id = randomUUID();
    await t.testDb.asSuperuser(
      `INSERT INTO passkey (id, account_id, credential_id, public_key, name)
       SELECT $1, id, $2, $3, 'Seule clé' FROM account WHERE email = $4`,
      [id, randomBytes(16).toString('base64url'), randomBytes(65), email],
    );
    const b = await signIn(t.app, email);
    await t.testDb.asSuperuser(
      'UPDATE session SET mfa_verified_at = now() WHERE account_id = (SELECT id FROM account WHERE email = $1)',
      [email],
    );
    await b.get(KEYS);
    return { b, id };
  }

  it.each([
    ['an élu of this commune', 'elu@villebelle.example'],
    ['the mayor of another commune, a citizen here', 'maire@saint-aubin-les-pres.example'],
  ])('refuses it for %s', async (_label, email) => {
    const { b, id } = await withOnePasskey(email);
    const res = await b.post(`${KEYS}/supprimer`, { cle: id });
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('Votre compte doit garder au moins un second facteur');
    const left = await t.testDb.asSuperuser('SELECT 1 FROM passkey WHERE id = $1', [id]);
    expect(left.rowCount).toBe(1);
  });

  it('allows it for a citizen, for whom the second factor is optional', async () => {
    const { b, id } = await withOnePasskey('camille.martin@courriel.example');
    const res = await b.post(`${KEYS}/supprimer`, { cle: id });
    expect(res.statusCode).toBe(303);
    expect((await t.testDb.asSuperuser('SELECT 1 FROM passkey WHERE id = $1', [id])).rowCount).toBe(0);
  });
});
