/**
 * Status workflows per démarche, end to end: the administrator adapts a démarche's outcomes,
 * names and steps; agents move its requests along it (and nowhere else); citizens, mails, the
 * history and the API read the démarche's words; a step requests are at cannot be removed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../platform/db/tenant.js';
import { hashApiToken, newApiToken } from '../../platform/http/api-auth.js';
import type { Commune } from '../../platform/tenancy/communes.js';
import { createTestApp, type TestApp } from '../../test/app.js';
import { shownText } from '../../test/browser.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { citizen, type Person, staffMember } from '../../test/factories.js';
import { signIn } from '../../test/sign-in.js';
import { seedDemo } from '../demo/seed.js';
import type { CitizenRequest } from '../requests/schema.js';
import { submitRequest } from '../requests/use-cases/submit-request.js';
import { findProcedureBySlug } from './lookups.js';

const ADMIN = 'admin@villebelle.example';
const PAGE = '/c/villebelle/admin/demarches/occupation-domaine-public/statuts';

describe.each(TEST_ENGINES)('status workflow of a démarche on %s', (engine) => {
  let t: TestApp;
  let villebelle: Commune;
  /** An agent of urbanisme, the service the démarche « occupation du domaine public » is routed to. */
  let agentUrbanisme: Person;
  /** The citizen who asks for the occupation. */
  let requester: Person;

  /** A request of the démarche, submitted by the citizen through the requests use case. */
  async function submitOccupation(subject: string): Promise<CitizenRequest> {
    return withTenant(t.runtime.database, villebelle.id, async (tx) => {
      const procedure = (await findProcedureBySlug(tx, villebelle.id, 'occupation-domaine-public'))!;
      const { request } = await submitRequest(
        tx,
        { queue: t.runtime.queue, events: t.runtime.events, publicUrl: t.config.publicUrl },
        {
          commune: villebelle,
          procedure,
          formVersion: procedure.currentVersion,
          subject,
          answers: {},
          summary: [{ label: 'Objet', value: subject }],
          requester: { accountId: requester.id, name: requester.name, email: requester.email },
          actor: { type: 'citizen', accountId: requester.id },
          routing: { serviceId: procedure.serviceId, routedBy: 'procedure', confidence: null, explanation: null },
        },
      );
      return request;
    });
  }

  async function lastStatusMail(number: string) {
    const { rows } = await t.testDb.asSuperuser<{ subject: string; text_body: string }>(
      `SELECT subject, text_body FROM mail_outbox
        WHERE commune_id = $1 AND to_address = $2 AND template = 'requestStatusChanged' AND text_body LIKE $3
        ORDER BY created_at DESC, id DESC LIMIT 1`,
      [villebelle.id, requester.email, `%${number}%`],
    );
    return rows[0];
  }

  beforeAll(async () => {
    t = await createTestApp(engine, { env: { GUICHET_RATE_LIMIT_PER_MINUTE: '10000' } });
    await seedDemo(t.runtime.database, t.runtime.queue, t.config.publicUrl, t.config.secret!);
    await t.runtime.communes.reload();
    villebelle = (await t.runtime.communes.bySlug('villebelle'))!;
    agentUrbanisme = await staffMember(t, villebelle, { role: 'agent', services: ['urbanisme'] });
    requester = await citizen(t, villebelle);
  });
  afterAll(() => t?.close());

  it('is edited by administrators only: 404 for agents and for the other commune', async () => {
    const admin = await signIn(t.app, ADMIN);
    const page = await admin.get(PAGE);
    expect(page.statusCode).toBe(200);
    const text = shownText(page.body);
    expect(text).toContain('Statuts de la démarche');
    // The demo démarche's own words, and what the citizen will read.
    expect(page.body).toContain('value="Autorisation accordée"');
    expect(page.body).toMatch(/<textarea[^>]*name="etapes"[^>]*>Instruction technique\nAvis de la police municipale/);
    expect(text).toContain('En instruction — Avis de la police municipale');

    const agent = await signIn(t.app, agentUrbanisme.email);
    expect((await agent.get(PAGE)).statusCode).toBe(404);
    expect(
      (await admin.get('/c/saint-aubin-les-pres/admin/demarches/occupation-domaine-public/statuts')).statusCode,
    ).toBe(404);
  });

  it('refuses an invalid workflow with French messages and keeps what was typed', async () => {
    const admin = await signIn(t.app, ADMIN);
    await admin.get(PAGE);
    const res = await admin.post(PAGE, {
      'libelle-en_cours': 'En étude',
      'libelle-refusee': 'R',
      etapes: 'Visite sur place\nvisite sur PLACE',
    });
    expect(res.statusCode).toBe(422);
    const text = shownText(res.body);
    expect(text).toContain('Gardez au moins une issue : acceptée, refusée ou classée.');
    expect(text).toContain('Le nom « Refusée » doit faire au moins 2 caractères.');
    expect(text).toContain('L’étape « visite sur PLACE » figure deux fois.');
    expect(res.body).toContain('value="En étude"');
    // Nothing saved: the page still shows the démarche's workflow.
    expect((await admin.get(PAGE)).body).toContain('value="Autorisation accordée"');
  });

  it('moves requests along the démarche’s steps only, in its words for agents, citizens, mails and the API', async () => {
    const admin = await signIn(t.app, ADMIN);
    await admin.get(PAGE);
    const saved = await admin.post(PAGE, {
      issues: ['acceptee', 'classee'],
      'libelle-en_cours': 'En instruction',
      'libelle-acceptee': 'Autorisation accordée',
      etapes: 'Instruction technique\nPassage en commission',
    });
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe(`${PAGE}?enregistre=1`);
    const { rows: audit } = await t.testDb.asSuperuser<{ data: { steps: string[]; statuses: string[] } }>(
      `SELECT data FROM audit_entry WHERE commune_id = $1 AND action = 'procedure.workflow_changed' ORDER BY seq DESC LIMIT 1`,
      [villebelle.id],
    );
    expect(audit[0]?.data.steps).toEqual(['instruction-technique', 'passage-en-commission']);
    expect(audit[0]?.data.statuses).not.toContain('refusee');

    const r = await submitOccupation('Terrasse du café de la Place');
    const agent = await signIn(t.app, agentUrbanisme.email);
    const detail = `/c/villebelle/agent/demandes/${r.number}`;
    const page = await agent.get(detail);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('value="en_cours/passage-en-commission"');
    expect(shownText(page.body)).toContain('En instruction — Passage en commission');
    // No refusal in this démarche any more: not offered, and refused if posted anyway.
    expect(page.body).not.toContain('value="refusee"');
    const refused = await agent.post(`${detail}/statut`, { statut: 'refusee', messageStatut: 'Non.' });
    expect(refused.statusCode).toBe(422);
    expect(shownText(refused.body)).toContain('Choisissez le nouveau statut de la demande.');

    const moved = await agent.post(`${detail}/statut`, {
      statut: 'en_cours/passage-en-commission',
      messageStatut: 'Votre demande sera examinée par la commission du 3 décembre.',
    });
    expect(moved.statusCode).toBe(303);
    const { rows } = await t.testDb.asSuperuser<{ status: string; step: string | null }>(
      'SELECT status, step FROM citizen_request WHERE commune_id = $1 AND number = $2',
      [villebelle.id, r.number],
    );
    expect(rows[0]).toEqual({ status: 'en_cours', step: 'passage-en-commission' });
    expect(shownText((await agent.get(detail)).body)).toContain(
      'Statut : Nouvelle → En instruction — Passage en commission',
    );
    const again = await agent.post(`${detail}/statut`, { statut: 'en_cours/passage-en-commission' });
    expect(again.statusCode).toBe(422);
    expect(shownText(again.body)).toContain('La demande est déjà « En instruction — Passage en commission ».');

    // The citizen's mail and tracking page.
    const mail = await lastStatusMail(r.number);
    expect(mail?.text_body).toContain('a changé de statut : en instruction — passage en commission.');
    const requesterBrowser = await signIn(t.app, requester.email);
    const tracking = shownText((await requesterBrowser.get(`/c/villebelle/demandes/${r.number}`)).body);
    expect(tracking).toContain('En instruction — Passage en commission');
    expect(tracking).toContain('Statut : en instruction — passage en commission');
    expect(shownText((await requesterBrowser.get('/c/villebelle/demandes')).body)).toContain(
      'En instruction — Passage en commission',
    );

    // A step requests are at cannot be removed; the others can.
    await admin.get(PAGE);
    const removal = await admin.post(PAGE, {
      issues: ['acceptee', 'classee'],
      etapes: 'Instruction technique',
    });
    expect(removal.statusCode).toBe(422);
    expect(shownText(removal.body)).toContain(
      '1 demande en cours est à l’étape « Passage en commission » : faites-les avancer avant de retirer ou de renommer cette étape.',
    );

    // Software reads and sets steps through the API too.
    const token = newApiToken();
    await t.testDb.asSuperuser(
      `INSERT INTO api_token (id, commune_id, name, token_hash, scopes, expires_at)
       VALUES (gen_random_uuid(), $1, 'Logiciel métier', $2, $3, now() + interval '1 day')`,
      [villebelle.id, hashApiToken(token), ['requests:read', 'requests:write']],
    );
    const api = (method: 'GET' | 'POST', url: string, payload?: object) =>
      t.app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${token}` },
        ...(payload ? { payload } : {}),
      });
    const read = await api('GET', `/api/v1/demandes/${r.number}`);
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({
      status: 'en_cours',
      step: 'passage-en-commission',
      statusLabel: 'En instruction — Passage en commission',
    });
    const unknownStep = await api('POST', `/api/v1/demandes/${r.number}/statut`, {
      statut: 'en_cours',
      etape: 'visite',
    });
    expect(unknownStep.statusCode).toBe(422);
    expect(unknownStep.json().error.fields).toEqual({ statut: 'Choisissez un statut utilisé par cette démarche.' });
    const back = await api('POST', `/api/v1/demandes/${r.number}/statut`, {
      statut: 'en_cours',
      etape: 'instruction-technique',
    });
    expect(back.statusCode).toBe(200);
    expect(back.json()).toMatchObject({
      step: 'instruction-technique',
      statusLabel: 'En instruction — Instruction technique',
    });

    // The outcome in the démarche's words closes the request.
    const closed = await agent.post(`${detail}/statut`, { statut: 'acceptee', messageStatut: 'Accordée pour un an.' });
    expect(closed.statusCode).toBe(303);
    expect((await lastStatusMail(r.number))?.text_body).toContain('a changé de statut : autorisation accordée.');
    const after = await t.testDb.asSuperuser<{ status: string; step: string | null; closed: boolean }>(
      'SELECT status, step, closed_at IS NOT NULL AS closed FROM citizen_request WHERE commune_id = $1 AND number = $2',
      [villebelle.id, r.number],
    );
    expect(after.rows[0]).toEqual({ status: 'acceptee', step: null, closed: true });
    await admin.get(PAGE);
    expect(
      (await admin.post(PAGE, { issues: ['acceptee', 'classee'], etapes: 'Instruction technique' })).statusCode,
    ).toBe(303);
  });
});
