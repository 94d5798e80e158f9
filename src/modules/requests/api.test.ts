/**
 * REST API of démarches and requests, and signed webhooks: token authentication (401 in French,
 * 403 without the scope, 404 for another commune's request), no internal note ever in the API,
 * a message and a status change from a connector, strict bodies (422), the OpenAPI document;
 * webhooks delivered to a real HTTP receiver with a verifiable signature, retried after a 500,
 * and never sent when the business transaction rolls back.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../platform/db/tenant.js';
import { hashApiToken, newApiToken } from '../../platform/http/api-auth.js';
import type { Commune } from '../../platform/tenancy/communes.js';
import { createTestApp, type TestApp } from '../../test/app.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { signIn } from '../../test/sign-in.js';
import { seedDemo } from '../demo/seed.js';
import { checkWebhookUrl, isPrivateAddress, WEBHOOK_JOB } from '../webhooks/webhooks.js';
import { listRequestEvents } from './history.js';
import { findRequestByNumber } from './repo.js';
import type { CitizenRequest } from './schema.js';
import { addInternalNote } from './use-cases/add-internal-note.js';
import { submitRequest } from './use-cases/submit-request.js';

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(TEST_ENGINES)('API des demandes et webhooks (%s)', (engine) => {
  let t: TestApp;
  let villebelle: Commune;
  let saintAubin: Commune;
  let receiver: http.Server;
  let receiverUrl: string;
  const received: Received[] = [];
  /** Statuses the receiver answers, in order; 200 once empty. */
  const nextStatuses: number[] = [];

  beforeAll(async () => {
    t = await createTestApp(engine, {
      env: { GUICHET_WEBHOOKS_ALLOW_PRIVATE: 'true', GUICHET_RATE_LIMIT_PER_MINUTE: '10000' },
      queueRole: 'worker',
    });
    await seedDemo(t.runtime.database, t.runtime.queue, t.config.publicUrl, t.config.secret!);
    await t.runtime.communes.reload();
    villebelle = (await t.runtime.communes.bySlug('villebelle'))!;
    saintAubin = (await t.runtime.communes.bySlug('saint-aubin-les-pres'))!;
    receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.statusCode = nextStatuses.shift() ?? 200;
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/guichet`;
  }, 120_000);

  afterAll(async () => {
    receiver?.closeAllConnections();
    await new Promise((resolve) => receiver?.close(resolve));
    await t?.close();
  });

  async function makeToken(
    commune: Commune,
    scopes: string[],
    name = 'Logiciel GRC',
    expiresAt = new Date(Date.now() + 86_400_000),
  ): Promise<string> {
    const token = newApiToken();
    await t.testDb.asSuperuser(
      `INSERT INTO api_token (id, commune_id, name, token_hash, scopes, expires_at)
       VALUES (gen_random_uuid(), $1, $2, $3, $4, $5)`,
      [commune.id, name, hashApiToken(token), scopes, expiresAt],
    );
    return token;
  }

  async function submit(commune: Commune, subject: string): Promise<CitizenRequest> {
    return withTenant(t.runtime.database, commune.id, async (tx) => {
      const { request } = await submitRequest(
        tx,
        { queue: t.runtime.queue, events: t.runtime.events, publicUrl: t.config.publicUrl },
        {
          commune,
          procedure: null,
          formVersion: null,
          subject,
          answers: { message: `${subject} : merci de votre aide.` },
          summary: [{ label: 'Message', value: subject }],
          requester: { accountId: null, name: 'Alex Usager', email: 'alex.usager@courriel.example' },
          freeText: subject,
          actor: { type: 'citizen', accountId: null },
        },
      );
      return request;
    });
  }

  function api(method: 'GET' | 'POST', url: string, token: string | null, payload?: unknown) {
    return t.app.inject({
      method,
      url,
      headers: token ? { authorization: `Bearer ${token}` } : {},
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  }

  async function waitFor<T>(probe: () => Promise<T | undefined> | T | undefined, what: string): Promise<T> {
    for (let i = 0; i < 300; i++) {
      const value = await probe();
      if (value !== undefined) return value;
      await sleep(100);
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  function verifySignature(r: Received, secret: string): boolean {
    const header = String(r.headers['guichet-signature'] ?? '');
    const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
    if (!match) return false;
    const expected = createHmac('sha256', secret).update(`${match[1]}.${r.body}`).digest();
    return timingSafeEqual(expected, Buffer.from(match[2]!, 'hex'));
  }

  it('refuses missing, wrong, expired and revoked tokens (401, French), and a token without the scope (403)', async () => {
    const missing = await api('GET', '/api/v1/demandes', null);
    expect(missing.statusCode).toBe(401);
    expect(missing.json().error.message).toMatch(/Jeton d’API absent, invalide, expiré ou révoqué/);
    const wrong = await api('GET', '/api/v1/demandes', `gch_${'B'.repeat(43)}`);
    expect(wrong.statusCode).toBe(401);
    const expired = await makeToken(villebelle, ['requests:read'], 'Expiré', new Date(Date.now() - 1000));
    expect((await api('GET', '/api/v1/demandes', expired)).statusCode).toBe(401);
    const revoked = await makeToken(villebelle, ['requests:read'], 'Révoqué');
    await t.testDb.asSuperuser(`UPDATE api_token SET revoked_at = now() WHERE name = 'Révoqué'`);
    const revokedRes = await api('GET', '/api/v1/demandes', revoked);
    expect(revokedRes.statusCode).toBe(401);
    expect(revokedRes.json().error.message).toMatch(/Jeton d’API/);

    const readOnly = await makeToken(villebelle, ['requests:read']);
    const request = await submit(villebelle, 'Lampadaire éteint rue des Tilleuls');
    const refused = await api('POST', `/api/v1/demandes/${request.number}/statut`, readOnly, { statut: 'en_cours' });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.message).toContain('requests:write');
    const noProcedures = await api('GET', '/api/v1/demarches', readOnly);
    expect(noProcedures.statusCode).toBe(403);
    expect(noProcedures.json().error.message).toContain('procedures:read');
  });

  it('lists published démarches of the token’s commune only, with the current form definition', async () => {
    const token = await makeToken(villebelle, ['procedures:read']);
    const list = await api('GET', '/api/v1/demarches', token);
    expect(list.statusCode).toBe(200);
    const demarches = list.json().demarches as Array<{ slug: string; currentVersion: number }>;
    expect(demarches.length).toBeGreaterThan(0);
    const { rows } = await t.testDb.asSuperuser<{ slug: string }>(
      'SELECT slug FROM procedure WHERE commune_id = $1 AND is_published ORDER BY slug',
      [villebelle.id],
    );
    expect(demarches.map((d) => d.slug).sort()).toEqual(rows.map((r) => r.slug));
    const detail = await api('GET', `/api/v1/demarches/${demarches[0]!.slug}`, token);
    expect(detail.statusCode).toBe(200);
    expect(detail.json().definition).toBeTruthy();
    expect((await api('GET', '/api/v1/demarches/nexiste-pas', token)).statusCode).toBe(404);
  });

  it('shows requests without internal notes, answers 404 for another commune, refuses unknown fields', async () => {
    const token = await makeToken(villebelle, ['requests:read', 'requests:write']);
    const request = await submit(villebelle, 'Banc cassé au square Verlaine');
    await withTenant(t.runtime.database, villebelle.id, (tx) =>
      addInternalNote(tx, {
        request,
        actor: { type: 'agent', accountId: null },
        body: 'NOTE-INTERNE-SECRETE : voir avec les services techniques',
      }),
    );
    const list = await api('GET', '/api/v1/demandes?statut=nouvelle', token);
    expect(list.statusCode).toBe(200);
    const page = list.json() as { demandes: Array<{ number: string; status: string }>; total: number };
    expect(page.demandes.map((d) => d.number)).toContain(request.number);
    expect(page.demandes.every((d) => d.status === 'nouvelle')).toBe(true);
    expect(list.body).not.toContain('NOTE-INTERNE-SECRETE');
    const future = await api('GET', '/api/v1/demandes?depuis=2999-01-01', token);
    expect(future.json()).toMatchObject({ demandes: [], total: 0, page: 1 });
    const beyond = await api('GET', `/api/v1/demandes?page=${Math.ceil(page.total / 50) + 1}`, token);
    expect(beyond.json().demandes).toEqual([]);
    expect((await api('GET', '/api/v1/demandes?depuis=hier', token)).statusCode).toBe(422);

    const detail = await api('GET', `/api/v1/demandes/${request.number}`, token);
    expect(detail.statusCode).toBe(200);
    expect(detail.json()).toMatchObject({ number: request.number, status: 'nouvelle', subject: request.subject });
    expect(detail.body).not.toContain('NOTE-INTERNE-SECRETE');
    const messages = await api('GET', `/api/v1/demandes/${request.number}/messages`, token);
    expect(messages.statusCode).toBe(200);
    expect(messages.body).not.toContain('NOTE-INTERNE-SECRETE');

    // A token of Saint-Aubin never sees a Villebelle request, whatever its number.
    const other = await makeToken(saintAubin, ['requests:read', 'requests:write']);
    const { rows } = await t.testDb.asSuperuser<{ number: string }>(
      `SELECT number FROM citizen_request v WHERE commune_id = $1
          AND NOT EXISTS (SELECT 1 FROM citizen_request s WHERE s.commune_id = $2 AND s.number = v.number)
        LIMIT 1`,
      [villebelle.id, saintAubin.id],
    );
    const foreignNumber = rows[0]!.number;
    const foreign = await api('GET', `/api/v1/demandes/${foreignNumber}`, other);
    expect(foreign.statusCode).toBe(404);
    expect((await api('GET', `/api/v1/demandes/${foreignNumber}/messages`, other)).statusCode).toBe(404);
    const foreignWrite = await api('POST', `/api/v1/demandes/${foreignNumber}/statut`, other, { statut: 'classee' });
    expect(foreignWrite.statusCode).toBe(404);
    expect((await api('GET', '/api/v1/demandes', other)).json().demandes).not.toContainEqual(
      expect.objectContaining({ subject: request.subject }),
    );

    const unknownField = await api('POST', `/api/v1/demandes/${request.number}/messages`, token, {
      message: 'Bonjour',
      interne: true,
    });
    expect(unknownField.statusCode).toBe(422);
    expect((await api('GET', '/api/v1/demandes?tri=date', token)).statusCode).toBe(422);
    expect(
      (await api('POST', `/api/v1/demandes/${request.number}/statut`, token, { statut: 'inconnu' })).statusCode,
    ).toBe(422);
  });

  it('posts a message the citizen sees, and changes the status with a message', async () => {
    const token = await makeToken(villebelle, ['requests:read', 'requests:write'], 'GRC Voirie');
    const request = await submit(villebelle, 'Nid-de-poule avenue Jean Jaurès');
    const posted = await api('POST', `/api/v1/demandes/${request.number}/messages`, token, {
      message: 'Une équipe passera jeudi matin.',
    });
    expect(posted.statusCode).toBe(201);
    expect(posted.json()).toMatchObject({ from: 'mairie', body: 'Une équipe passera jeudi matin.' });
    // What "Mes demandes" shows the citizen: events without internal ones.
    const citizenView = await withTenant(t.runtime.database, villebelle.id, (tx) =>
      listRequestEvents(tx, request.id, { includeInternal: false }),
    );
    const message = citizenView.find((e) => e.kind === 'message_to_citizen');
    expect(message?.body).toBe('Une équipe passera jeudi matin.');
    expect(message?.data.connector).toBe('connecteur GRC Voirie');

    const changed = await api('POST', `/api/v1/demandes/${request.number}/statut`, token, {
      statut: 'acceptee',
      message: 'Réparation effectuée.',
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ number: request.number, status: 'acceptee', statusLabel: 'Acceptée' });
    expect(changed.json().closedAt).toBeTruthy();
    const stored = await withTenant(t.runtime.database, villebelle.id, (tx) =>
      findRequestByNumber(tx, villebelle.id, request.number),
    );
    expect(stored?.status).toBe('acceptee');
    const messages = (await api('GET', `/api/v1/demandes/${request.number}/messages`, token)).json().messages as Array<{
      body: string;
    }>;
    expect(messages.map((m) => m.body)).toEqual(['Une équipe passera jeudi matin.', 'Réparation effectuée.']);
  });

  it('documents every route in the OpenAPI document', async () => {
    const res = await t.app.inject({ url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    const paths = Object.keys((res.json() as { paths: Record<string, unknown> }).paths);
    for (const path of [
      '/api/v1/demarches',
      '/api/v1/demarches/{slug}',
      '/api/v1/demandes',
      '/api/v1/demandes/{numero}',
      '/api/v1/demandes/{numero}/messages',
      '/api/v1/demandes/{numero}/statut',
    ]) {
      expect(paths, path).toContain(path);
    }
    const doc = res.json() as { paths: Record<string, Record<string, { requestBody?: unknown }>> };
    expect(doc.paths['/api/v1/demandes/{numero}/statut']!.post!.requestBody).toBeTruthy();
  });

  it('checks webhook URLs: http(s) only, no credentials, no private address unless allowed', () => {
    expect(() => checkWebhookUrl('ftp://exemple.fr/x', false)).toThrow();
    expect(() => checkWebhookUrl('https://moi:secret@exemple.fr/x', false)).toThrow();
    expect(() => checkWebhookUrl('http://127.0.0.1:8080/x', false)).toThrow();
    expect(() => checkWebhookUrl('http://[::1]/x', false)).toThrow();
    expect(() => checkWebhookUrl('http://192.168.1.10/x', false)).toThrow();
    expect(checkWebhookUrl('https://grc.exemple.fr/guichet', false)).toBe('https://grc.exemple.fr/guichet');
    expect(checkWebhookUrl('http://127.0.0.1:8080/x', true)).toBe('http://127.0.0.1:8080/x');
    expect(isPrivateAddress('::ffff:10.0.0.1')).toBe(true);
    expect(isPrivateAddress('93.184.216.34')).toBe(false);
  });

  it('delivers signed webhooks, retries after a 500, and sends nothing when the transaction rolls back', async () => {
    const admin = await signIn(t.app, 'admin@villebelle.example');
    await admin.get('/c/villebelle/admin/webhooks');
    const invalid = await admin.post('/c/villebelle/admin/webhooks', { url: 'ftp://exemple.fr' });
    expect(invalid.statusCode).toBe(422);
    expect(invalid.body).toContain('Cochez au moins un événement');
    await admin.get('/c/villebelle/admin/webhooks');
    // One endpoint per event (the test browser posts one value per field).
    const created = await admin.post('/c/villebelle/admin/webhooks', {
      url: `${receiverUrl}/creation`,
      events: 'request.created',
    });
    expect(created.statusCode).toBe(200);
    const secret = /(whsec_[A-Za-z0-9_-]{43})/.exec(created.body)![1]!;
    // Shown once only.
    expect((await admin.get('/c/villebelle/admin/webhooks')).body).not.toContain(secret);
    const createdStatus = await admin.post('/c/villebelle/admin/webhooks', {
      url: `${receiverUrl}/statut`,
      events: 'request.status_changed',
    });
    const statusSecret = /(whsec_[A-Za-z0-9_-]{43})/.exec(createdStatus.body)![1]!;
    expect(statusSecret).not.toBe(secret);

    // request.created, signed.
    const before = received.length;
    const request = await submit(villebelle, 'Graffiti sur le mur de l’école');
    const first = await waitFor(() => received[before], 'the request.created webhook');
    expect(first.headers['guichet-event']).toBe('request.created');
    expect(verifySignature(first, secret)).toBe(true);
    expect(verifySignature(first, 'whsec_autre')).toBe(false);
    const payload = JSON.parse(first.body);
    expect(payload).toMatchObject({
      event: 'request.created',
      commune: 'villebelle',
      data: { number: request.number, status: 'nouvelle' },
    });
    expect(typeof payload.id).toBe('string');
    expect(typeof payload.data.service).toBe('string');

    // request.status_changed: the receiver fails once, the queue retries.
    const token = await makeToken(villebelle, ['requests:write']);
    nextStatuses.push(500);
    const beforeStatus = received.length;
    const changed = await api('POST', `/api/v1/demandes/${request.number}/statut`, token, { statut: 'en_cours' });
    expect(changed.statusCode).toBe(200);
    const failed = await waitFor(() => received[beforeStatus], 'the first status webhook');
    const failedDelivery = await waitFor(async () => {
      const { rows } = await t.testDb.asSuperuser<{ attempts: number; last_status: number | null }>(
        `SELECT attempts, last_status FROM webhook_delivery WHERE event = 'request.status_changed' AND commune_id = $1`,
        [villebelle.id],
      );
      return rows[0]?.attempts ? rows[0] : undefined;
    }, 'the failed attempt to be recorded');
    expect(failedDelivery.last_status).toBe(500);
    const retried = await waitFor(async () => {
      await t.runtime.queue.retryNow(WEBHOOK_JOB);
      return received[beforeStatus + 1];
    }, 'the retried status webhook');
    expect(retried.headers['guichet-event']).toBe('request.status_changed');
    expect(verifySignature(failed, statusSecret)).toBe(true);
    expect(verifySignature(retried, statusSecret)).toBe(true);
    expect(JSON.parse(retried.body).id).toBe(JSON.parse(failed.body).id);
    expect(JSON.parse(retried.body).data).toMatchObject({ number: request.number, status: 'en_cours', step: null });
    const delivered = await waitFor(async () => {
      const { rows } = await t.testDb.asSuperuser<{ attempts: number; delivered_at: Date | null }>(
        `SELECT attempts, delivered_at FROM webhook_delivery WHERE event = 'request.status_changed' AND commune_id = $1`,
        [villebelle.id],
      );
      return rows[0]?.delivered_at ? rows[0] : undefined;
    }, 'the delivery to be marked delivered');
    expect(delivered.attempts).toBe(2);
    expect((await admin.get('/c/villebelle/admin/webhooks')).body).toContain('Délivré le');

    // A rolled back submission leaves neither a delivery nor a job: the event's subscriber job
    // (which records the deliveries) is enqueued in the business transaction.
    const eventJob = 'event.webhooks.request.created';
    const count = async () => {
      const deliveries = await t.testDb.asSuperuser<{ n: string }>('SELECT count(*) AS n FROM webhook_delivery');
      const jobs = await t.testDb.asSuperuser<{ n: string }>(
        'SELECT count(*) AS n FROM pgboss.job WHERE name = ANY($1::text[])',
        [[WEBHOOK_JOB, eventJob]],
      );
      return [Number(deliveries.rows[0]!.n), Number(jobs.rows[0]!.n)];
    };
    const beforeRollback = await count();
    await expect(
      withTenant(t.runtime.database, villebelle.id, async (tx) => {
        const { request: inner } = await submitRequest(
          tx,
          { queue: t.runtime.queue, events: t.runtime.events, publicUrl: t.config.publicUrl },
          {
            commune: villebelle,
            procedure: null,
            formVersion: null,
            subject: 'Demande annulée',
            answers: {},
            summary: [],
            requester: { accountId: null, name: 'Alex Usager', email: '' },
            freeText: 'Demande annulée',
            actor: { type: 'citizen', accountId: null },
          },
        );
        const { rows } = await tx.client.query(
          "SELECT 1 FROM pgboss.job WHERE name = $1 AND data->'data'->>'number' = $2",
          [eventJob, inner.number],
        );
        expect(rows).toHaveLength(1);
        throw new Error('annulation volontaire');
      }),
    ).rejects.toThrow('annulation volontaire');
    expect(await count()).toEqual(beforeRollback);

    // Deleting the endpoint stops the deliveries.
    const { rows } = await t.testDb.asSuperuser<{ id: string }>(
      'SELECT id FROM webhook_endpoint WHERE commune_id = $1',
      [villebelle.id],
    );
    for (const row of rows) {
      await admin.get('/c/villebelle/admin/webhooks');
      const deleted = await admin.post(`/c/villebelle/admin/webhooks/${row.id}/supprimer`, {});
      expect(deleted.statusCode).toBe(303);
    }
    expect((await admin.get('/c/villebelle/admin/webhooks?supprime=1')).body).toContain('Aucun webhook');
    const deliveriesOf = async () => {
      const { rows } = await t.testDb.asSuperuser<{ n: string }>('SELECT count(*) AS n FROM webhook_delivery');
      return Number(rows[0]!.n);
    };
    const afterDelete = await deliveriesOf();
    const late = await submit(villebelle, 'Encombrants rue Pasteur');
    // Once the event's subscriber has run, it has recorded no delivery.
    await waitFor(async () => {
      const { rows } = await t.testDb.asSuperuser(
        "SELECT 1 FROM pgboss.job WHERE name = $1 AND data->'data'->>'number' = $2 AND state = 'completed'",
        [eventJob, late.number],
      );
      return rows[0];
    }, 'the subscriber of the last request.created');
    expect(await deliveriesOf()).toBe(afterDelete);
  }, 120_000);
});
