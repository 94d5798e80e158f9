/**
 * Issue 19 item 1: an address the form accepted made the final "Envoyer ma demande" answer 500
 * (the outbox's stricter check, inside the transaction) and the message was lost. Forms and the
 * mail layer now share one rule: the form refuses in French what the outbox would refuse.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { shownText, TestBrowser } from '../../test/browser.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { seedDemo } from '../demo/seed.js';

const CONTACT = '/c/villebelle/contacter-la-mairie';
const MESSAGE = 'Bonjour, le lampadaire de la rue des Lilas clignote depuis une semaine.';

describe.each(TEST_ENGINES)('e-mail addresses on forms, one rule with the mail layer, on %s', (engine) => {
  let t: TestApp;
  let address = 1;
  const browser = () => new TestBrowser(t.app, { remoteAddress: `198.51.100.${address++}` });

  beforeAll(async () => {
    t = await createTestApp(engine, { env: { GUICHET_RATE_LIMIT_PER_MINUTE: '10000' } });
    await seedDemo(t.runtime.database, t.runtime.queue, t.config.publicUrl, t.config.secret!);
    await t.runtime.communes.reload();
  });
  afterAll(() => t?.close());

  async function requestsFrom(email: string): Promise<number> {
    const { rows } = await t.testDb.asSuperuser<{ n: number }>(
      'SELECT count(*)::int AS n FROM citizen_request WHERE requester_email = $1',
      [email],
    );
    return rows[0]!.n;
  }

  it('refuses an accented address on the contact form with a French field error, keeping the message', async () => {
    for (const email of ['élodie.lefèvre@exemple.fr', 'a..b@exemple.fr', 'x@exemple.fr-']) {
      const b = browser();
      const res = await b.submit(CONTACT, { subject: 'Éclairage public', message: MESSAGE, name: 'Élodie', email });
      expect(res.statusCode, email).toBe(422);
      expect(res.body).toContain('Il y a un problème');
      expect(res.body).toMatch(/<p id="email-error" class="govuk-error-message">/);
      expect(shownText(res.body)).toMatch(email.startsWith('é') ? /sans accents/ : /adresse électronique valide/);
      // Nothing is lost: what was typed comes back in the form.
      expect(res.body).toContain(MESSAGE);
      expect(res.body).toContain('value="Éclairage public"');
      expect(await requestsFrom(email)).toBe(0);
    }
  });

  it('delivers to an address with a ! (valid for SMTP) instead of failing after submission', async () => {
    const b = browser();
    const res = await b.submit(CONTACT, {
      subject: 'Horaires',
      message: MESSAGE,
      name: 'Alex',
      email: 'alex!mairie@exemple.fr',
    });
    expect(res.statusCode).toBe(303);
    expect(await requestsFrom('alex!mairie@exemple.fr')).toBe(1);
    const { rows } = await t.testDb.asSuperuser<{ to_address: string }>(
      "SELECT to_address FROM mail_outbox WHERE template = 'requestReceipt' AND to_address = 'alex!mairie@exemple.fr'",
    );
    expect(rows).toHaveLength(1);
  });

  it('drops a NUL character from a contact message instead of failing in the database (found by the property test)', async () => {
    const b = browser();
    const res = await b.submit(CONTACT, {
      subject: 'Nul\u0000part',
      message: `${MESSAGE}\u0000`,
      name: 'Alex\u0007',
      email: 'alex.nul@exemple.fr',
    });
    expect(res.statusCode).toBe(303);
    const { rows } = await t.testDb.asSuperuser<{ subject: string; requester_name: string }>(
      "SELECT subject, requester_name FROM citizen_request WHERE requester_email = 'alex.nul@exemple.fr'",
    );
    expect(rows).toEqual([{ subject: 'Nulpart', requester_name: 'Alex' }]);
  });

  it('refuses the accented address on the street report’s contact page; the draft is kept and can be sent', async () => {
    const b = browser();
    const base = '/c/villebelle/demarches/signalement-voirie';
    const step = async (page: string, form: Record<string, string>) => {
      const shown = await b.get(`${base}/${page}`);
      expect(shown.statusCode, page).toBe(200);
      const visible = /name="champs-affiches" value="([^"]*)"/.exec(shown.body)?.[1];
      return b.post(`${base}/${page}`, {
        ...(visible === undefined ? {} : { 'champs-affiches': visible }),
        ...form,
        action: 'continuer',
      });
    };
    await b.get(`${base}/commencer`);
    expect((await step('probleme', { typeProbleme: 'eclairage' })).statusCode).toBe(303);
    expect((await step('danger', { dangerImmediat: 'non' })).statusCode).toBe(303);
    const lieu = await step('lieu', {
      'adresseProbleme-line1': '12 rue des Lilas',
      'adresseProbleme-postcode': '44100',
      'adresseProbleme-city': 'Villebelle',
    });
    expect(lieu.statusCode).toBe(303);
    const description = await b.get(`${base}/description`);
    const visible = /name="champs-affiches" value="([^"]*)"/.exec(description.body)?.[1] ?? '';
    const described = await b.postMultipart(`${base}/description`, {
      'champs-affiches': visible,
      description: MESSAGE,
      action: 'continuer',
    });
    expect(described.statusCode).toBe(303);
    expect((await step('suivi', { etreInforme: 'oui' })).statusCode).toBe(303);

    const refused = await step('coordonnees', { nom: 'Lefèvre', email: 'élodie.lefèvre@exemple.fr', telephone: '' });
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain('Il y a un problème');
    expect(refused.body).toMatch(/sans accents/);

    // The draft is there: the review page still shows the earlier answers.
    const accepted = await step('coordonnees', { nom: 'Lefèvre', email: 'elodie.lefevre@exemple.fr', telephone: '' });
    expect(accepted.headers.location).toBe(`${base}/verifier`);
    const review = await b.get(`${base}/verifier`);
    expect(review.body).toContain('12 rue des Lilas');
    const sent = await b.post(`${base}/envoyer`, {});
    expect(sent.statusCode).toBe(303);
    expect(sent.headers.location).toBe('/c/villebelle/demande-envoyee');
    expect(await requestsFrom('elodie.lefevre@exemple.fr')).toBe(1);
  });
});
