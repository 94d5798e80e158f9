/**
 * The test kit on its own, without the demo seed: two communes, their people, a démarche and
 * requests, each built by a named factory — and what those people then see in the pages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Commune } from '../platform/tenancy/communes.js';
import { createTestApp, type TestApp } from './app.js';
import { TEST_ENGINES } from './databases.js';
import { citizen, procedureWithForm, requestIn, secondCommune, staffMember } from './factories.js';
import { postSignIn, signIn } from './sign-in.js';

describe.each(TEST_ENGINES)('test factories on %s', (engine) => {
  let t: TestApp;
  let town: Commune;
  let village: Commune;

  beforeAll(async () => {
    t = await createTestApp(engine, { env: { GUICHET_RATE_LIMIT_PER_MINUTE: '10000' } });
    town = await secondCommune(t, {
      slug: 'bourg-test',
      name: 'Bourg-Test',
      services: [
        { slug: 'urbanisme', name: 'Urbanisme' },
        { slug: 'etat-civil', name: 'État civil' },
      ],
    });
    village = await secondCommune(t);
  });
  afterAll(() => t?.close());

  it('makes an agent who sees the requests of their service only, and nothing of another commune', async () => {
    const agent = await staffMember(t, town, { role: 'agent', services: ['urbanisme'] });
    const permis = await requestIn(t, town, { service: 'urbanisme', subject: 'Permis pour un abri de jardin' });
    const acte = await requestIn(t, town, { service: 'etat-civil', subject: 'Copie d’acte de mariage' });
    const elsewhere = await requestIn(t, village, { service: 'secretariat', subject: 'Listes électorales' });

    const b = await signIn(t.app, agent.email, { slug: town.slug });
    const inbox = await b.get(`/c/${town.slug}/agent/demandes`);
    expect(inbox.statusCode).toBe(200);
    expect(inbox.body).toContain('Permis pour un abri de jardin');
    expect(inbox.body).not.toContain('Copie d’acte de mariage');
    expect((await b.get(`/c/${town.slug}/agent/demandes/${acte.number}`)).statusCode).toBe(404);
    expect((await b.get(`/c/${town.slug}/agent/demandes/${permis.number}`)).statusCode).toBe(200);
    expect((await b.get(`/c/${village.slug}/agent/demandes/${elsewhere.number}`)).statusCode).toBe(404);
    // Staff of the town only: no espace agent in the village.
    expect((await b.get(`/c/${village.slug}/agent`)).statusCode).toBe(404);
  });

  it('makes a démarche listed in its commune’s catalogue only, and a citizen who finds their request', async () => {
    await procedureWithForm(t, town, { service: 'etat-civil', title: 'Demande de livret de famille' });
    const catalogue = await t.app.inject({ url: `/c/${town.slug}/demarches` });
    expect(catalogue.body).toContain('Demande de livret de famille');
    expect((await t.app.inject({ url: `/c/${village.slug}/demarches` })).body).not.toContain(
      'Demande de livret de famille',
    );

    const person = await citizen(t, town, { givenName: 'Lina', familyName: 'Morel' });
    const request = await requestIn(t, town, {
      service: 'etat-civil',
      subject: 'Duplicata de livret de famille',
      status: 'en_cours',
      account: person,
    });
    const b = await signIn(t.app, person.email, { slug: town.slug });
    const mine = await b.get(`/c/${town.slug}/demandes`);
    expect(mine.statusCode).toBe(200);
    expect(mine.body).toContain(request.number);
    expect(mine.body).toContain('Duplicata de livret de famille');
  });

  it('makes staff whose grace period is over go through the second factor', async () => {
    const agent = await staffMember(t, town, { role: 'agent', services: ['urbanisme'], mfaGraceOver: true });
    const b = await signIn(t.app, agent.email, { slug: town.slug });
    const space = await b.get(`/c/${town.slug}/agent`);
    expect(space.statusCode).toBe(303);
    expect(space.headers.location).toMatch(new RegExp(`^/c/${town.slug}/compte/double-authentification\\?retour=`));
    // A wrong password is a 422 with the French message, whoever made the account.
    const wrong = await postSignIn(b, agent.email, { slug: town.slug, password: 'pas le bon' });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.body).toContain('Adresse électronique ou mot de passe incorrect.');
  });
});
