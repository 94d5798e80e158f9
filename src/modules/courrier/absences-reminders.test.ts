/**
 * Absences and late reminders, as agents live them: an agent declares their absence (or the head
 * of their service does), the mail confided to them meanwhile goes to the colleague chosen — in
 * their « Confiés à moi » basket, the history saying « redirigé pendant l'absence de … » — and to
 * them again after the period or once the absence is withdrawn; bad input gets French messages at
 * the fields. Every working day each agent gets one e-mail listing their mails due by the next
 * working day or late, each mail once a day (run again: nothing sent twice), with the clock
 * injected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../platform/authz/actor.js';
import { withTenant } from '../../platform/db/tenant.js';
import { type Commune, listServices } from '../../platform/tenancy/communes.js';
import { addCalendarDays, parisDateOf } from '../../platform/time/calendar.js';
import { createTestApp, type TestApp } from '../../test/app.js';
import type { TestBrowser } from '../../test/browser.js';
import { shownText } from '../../test/browser.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { type Person, secondCommune, staffMember } from '../../test/factories.js';
import { signIn } from '../../test/sign-in.js';
import { seedFunctionHolders } from '../signature/index.js';
import { courrierModule } from './module.js';
import { assignMail } from './use-cases/process-mail.js';
import { sendLateReminders } from './use-cases/reminders.js';

type Who = 'accueil' | 'instructeur' | 'collegue' | 'technique' | 'dgs' | 'relance' | 'ailleurs';

describe.each(TEST_ENGINES)('courrier absences and reminders on %s', (engine) => {
  let t: TestApp;
  let town: Commune;
  let other: Commune;
  let base: string;
  const people: Record<Who, Person> = {} as never;
  const browsers = new Map<string, TestBrowser>();
  const service: Record<string, string> = {};
  const today = parisDateOf(new Date());
  const [year, month, day] = today.split('-');
  const parts = (name: string, iso: string) => {
    const [y, m, d] = iso.split('-');
    return { [`${name}-day`]: String(Number(d)), [`${name}-month`]: String(Number(m)), [`${name}-year`]: y! };
  };

  async function as(who: Who): Promise<TestBrowser> {
    let browser = browsers.get(who);
    if (!browser) {
      browser = await signIn(t.app, people[who].email, { slug: who === 'ailleurs' ? other.slug : town.slug });
      browsers.set(who, browser);
    }
    return browser;
  }

  function actorOf(who: Who, serviceSlugs: string[]): Actor {
    const p = people[who];
    return {
      accountId: p.id,
      sessionId: 'test',
      email: p.email,
      displayName: p.name,
      isOperator: false,
      roles: new Set(['agent']),
      serviceIds: new Set(serviceSlugs.map((s) => service[s]!)),
      mfaVerified: true,
      mfaRequiredNow: false,
      mfaSetupRequired: false,
      reauthenticatedAt: null,
    };
  }

  async function register(overrides: Record<string, string> = {}): Promise<string> {
    const browser = await as('accueil');
    await browser.get(`${base}/nouveau`);
    const res = await browser.postMultipart(`${base}/nouveau`, {
      'arrivee-day': String(Number(day)),
      'arrivee-month': String(Number(month)),
      'arrivee-year': year!,
      expediteur_type: 'personne',
      expediteur_nom: 'Paul Martin',
      expediteur_adresse: '4 rue du Port\n44000 Nantes',
      objet: 'Demande de renseignements',
      type: 'demande',
      categorie: 'courrier',
      priorite: 'normale',
      service: service.urbanisme!,
      ...overrides,
    });
    expect(res.statusCode, shownText(res.body).slice(0, 400)).toBe(303);
    return String(res.headers.location).replace(/\?.*$/, '');
  }

  async function declare(who: Who, fields: Record<string, string>) {
    const browser = await as(who);
    await browser.get(`${base}/absences`);
    return browser.post(`${base}/absences`, fields);
  }

  beforeAll(async () => {
    t = await createTestApp(engine, { env: { GUICHET_RATE_LIMIT_PER_MINUTE: '100000' } });
    town = await secondCommune(t, {
      slug: 'absences-sur-loire',
      name: 'Absences-sur-Loire',
      services: [
        { slug: 'accueil', name: 'Accueil' },
        { slug: 'urbanisme', name: 'Urbanisme' },
        { slug: 'technique', name: 'Services techniques' },
      ],
    });
    other = await secondCommune(t);
    base = `/c/${town.slug}/agent/courrier`;
    const agent = (services: string[], givenName: string, familyName: string) =>
      staffMember(t, town, { role: 'agent', services, givenName, familyName });
    people.accueil = await agent(['accueil'], 'Aline', 'Accueil');
    people.instructeur = await agent(['urbanisme'], 'Ines', 'Instructrice');
    people.collegue = await agent(['urbanisme'], 'Colin', 'Collègue');
    people.technique = await agent(['technique'], 'Théo', 'Technique');
    people.relance = await agent(['technique'], 'Rémi', 'Relancé');
    people.dgs = await staffMember(t, town, { role: 'dgs', givenName: 'Denis', familyName: 'Directeur' });
    people.ailleurs = await staffMember(t, other, { role: 'agent', givenName: 'Eva', familyName: 'Ailleurs' });
    for (const s of await withTenant(t.runtime.database, town.id, (tx) => listServices(tx, town.id)))
      service[s.slug] = s.id;
    // Ines heads the urbanisme service (the parapheur's « chef du service »).
    await withTenant(t.runtime.database, town.id, (tx) =>
      seedFunctionHolders(tx, [
        { function: 'chef_service', email: people.instructeur.email, serviceSlug: 'urbanisme' },
      ]),
    );
  });

  afterAll(() => t?.close());

  it('answers bad absences with French messages at the fields, keeping what was typed', async () => {
    const tomorrow = addCalendarDays(today, 1);
    const valid = {
      absent: people.collegue.id,
      remplacant: people.instructeur.id,
      ...parts('debut', today),
      ...parts('fin', tomorrow),
    };
    const cases: Array<[Who, Record<string, string>, string, number]> = [
      [
        'collegue',
        { ...parts('fin', addCalendarDays(today, -1)) },
        'La date de fin doit être après la date de début.',
        422,
      ],
      ['collegue', { remplacant: people.collegue.id }, 'Choisissez une autre personne que l’absent.', 422],
      ['collegue', { remplacant: '' }, 'Choisissez le collègue qui recevra son courrier.', 422],
      [
        'collegue',
        { remplacant: people.ailleurs.id },
        'Choisissez le collègue parmi les agents de la commune qui ont accès au courrier.',
        422,
      ],
      ['collegue', { 'debut-day': '31', 'debut-month': '2' }, 'Saisissez une date de début réelle', 422],
      ['collegue', { 'debut-day': '', 'debut-month': '', 'debut-year': '' }, 'Saisissez une date de début réelle', 422],
      ['collegue', { 'fin-day': 'x' }, 'Saisissez une date de fin réelle', 422],
      [
        'collegue',
        { ...parts('debut', addCalendarDays(today, -9)), ...parts('fin', addCalendarDays(today, -2)) },
        'Cette période est passée',
        422,
      ],
      [
        'collegue',
        { absent: people.technique.id },
        'Vous ne pouvez déclarer que votre propre absence, ou celle d’un agent d’un service que vous dirigez.',
        422,
      ],
      // The head of urbanisme may not declare it for an agent of another service either.
      [
        'instructeur',
        { absent: people.technique.id, remplacant: people.relance.id },
        'Vous ne pouvez déclarer que votre propre absence',
        422,
      ],
    ];
    for (const [who, overrides, message, status] of cases) {
      const res = await declare(who, { ...valid, ...overrides });
      expect(res.statusCode, JSON.stringify(overrides)).toBe(status);
      const text = shownText(res.body);
      expect(text, JSON.stringify(overrides)).toContain('Il y a un problème');
      expect(text, JSON.stringify(overrides)).toContain(message);
      expect(res.body).toContain(`value="${overrides['fin-year'] ?? tomorrow.slice(0, 4)}"`);
    }
    const count = await t.testDb.asSuperuser<{ n: number }>('SELECT count(*)::int AS n FROM courrier_absence');
    expect(count.rows[0]!.n).toBe(0);
  });

  it('sends the mail confided to an absent agent to their colleague, says why, and to the agent again after the period', async () => {
    // The head of urbanisme declares Colin's absence, today only; Colin's page shows it.
    const declared = await declare('instructeur', {
      absent: people.collegue.id,
      remplacant: people.instructeur.id,
      ...parts('debut', today),
      ...parts('fin', today),
    });
    expect(declared.statusCode, shownText(declared.body).slice(0, 600)).toBe(303);
    const listed = shownText((await (await as('collegue')).get(`${base}/absences`)).body);
    expect(listed).toContain('Colin Collègue Ines Instructrice');
    expect(listed).toContain('(en cours)');
    // A second absence over the same days is refused.
    const twice = await declare('collegue', {
      absent: people.collegue.id,
      remplacant: people.technique.id,
      ...parts('debut', today),
      ...parts('fin', addCalendarDays(today, 3)),
    });
    expect(twice.statusCode).toBe(409);
    expect(shownText(twice.body)).toContain('Une absence de Colin Collègue est déjà déclarée');

    const url = await register({ objet: 'Certificat d’urbanisme du 4 rue du Port' });
    const dgs = await as('dgs');
    // The processing form says so before anyone chooses.
    expect(shownText((await dgs.get(url)).body)).toMatch(
      /Absence de Colin Collègue jusqu’au \d+(er)? \S+ \d{4} inclus : le courrier qui lui est confié va à Ines Instructrice\./,
    );
    expect((await dgs.post(`${url}/attribuer`, { agent: people.collegue.id })).statusCode).toBe(303);
    const page = shownText((await dgs.get(url)).body);
    expect(page).toContain('Agent attributaire Ines Instructrice');
    expect(page).toMatch(
      /Courrier confié à Colin Collègue, redirigé vers Ines Instructrice pendant l’absence de Colin Collègue \(le \d+(er)? \S+ \d{4}\)\./,
    );
    // In Ines's basket, not in Colin's.
    expect((await (await as('instructeur')).get(`${base}?moi=1`)).body).toContain('Certificat d’urbanisme');
    expect((await (await as('collegue')).get(`${base}?moi=1`)).body).not.toContain('Certificat d’urbanisme');
    const journal = await t.testDb.asSuperuser<{ data: { agent: string; requested: string } }>(
      `SELECT data FROM audit_entry WHERE commune_id = $1 AND action = 'courrier.mail_assigned' ORDER BY seq DESC LIMIT 1`,
      [town.id],
    );
    expect(journal.rows[0]!.data).toMatchObject({ agent: people.instructeur.id, requested: people.collegue.id });

    // Colin taking a mail himself is never redirected.
    const own = await register({ objet: 'Déclaration préalable de clôture' });
    const colin = await as('collegue');
    await colin.get(own);
    expect((await colin.post(`${own}/attribuer`, { agent: people.collegue.id })).statusCode).toBe(303);
    expect(shownText((await colin.get(own)).body)).toContain('Colin Collègue prend le courrier en charge.');

    // Tomorrow the absence is over: the mail goes to Colin.
    const later = await register({ objet: 'Permis d’aménager' });
    const tomorrowNoon = new Date(`${addCalendarDays(today, 1)}T11:00:00Z`);
    const caller = { communeId: town.id, actor: actorOf('instructeur', ['urbanisme']), requestId: null };
    await assignMail(t.runtime, caller, later.split('/').pop()!, { agent: people.collegue.id }, tomorrowNoon);
    const after = shownText((await (await as('instructeur')).get(later)).body);
    expect(after).toContain('Agent attributaire Colin Collègue');
    expect(after).toContain('Courrier confié à Colin Collègue.');
    expect(after).not.toContain('pendant l’absence');
  });

  it('withdraws an absence: only those who may manage it; new mail goes to the agent again', async () => {
    const declared = await declare('technique', {
      absent: people.technique.id,
      remplacant: people.relance.id,
      ...parts('debut', today),
      ...parts('fin', addCalendarDays(today, 5)),
    });
    expect(declared.statusCode).toBe(303);
    const { rows } = await t.testDb.asSuperuser<{ id: string }>(
      'SELECT id FROM courrier_absence WHERE account_id = $1',
      [people.technique.id],
    );
    const id = rows[0]!.id;
    // Théo had no choice of person: only his own absence.
    const form = (await (await as('technique')).get(`${base}/absences`)).body;
    expect(form).toContain(`type="hidden" name="absent" value="${people.technique.id}"`);
    // Rémi receives the mail but may not withdraw the absence; another commune's agent gets 404.
    const remi = await as('relance');
    expect(shownText((await remi.get(`${base}/absences`)).body)).toContain('Théo Technique Rémi Relancé');
    expect((await remi.post(`${base}/absences/${id}/retirer`, {})).statusCode).toBe(404);
    const outsider = await as('ailleurs');
    await outsider.get(`/c/${other.slug}/agent/courrier/absences`);
    expect((await outsider.post(`/c/${other.slug}/agent/courrier/absences/${id}/retirer`, {})).statusCode).toBe(404);
    expect(shownText((await outsider.get(`/c/${other.slug}/agent/courrier/absences`)).body)).not.toContain('Théo');

    const first = await register({ objet: 'Nid-de-poule rue Haute', service: service.technique! });
    await remi.get(first);
    expect((await remi.post(`${first}/attribuer`, { agent: people.technique.id })).statusCode).toBe(303);
    expect(shownText((await remi.get(first)).body)).toContain('Agent attributaire Rémi Relancé');

    const theo = await as('technique');
    await theo.get(`${base}/absences`);
    expect((await theo.post(`${base}/absences/${id}/retirer`, {})).statusCode).toBe(303);
    expect(shownText((await theo.get(`${base}/absences?fait=retiree`)).body)).toContain('Aucune absence en cours');
    const second = await register({ objet: 'Éclairage public éteint', service: service.technique! });
    await remi.get(second);
    expect((await remi.post(`${second}/attribuer`, { agent: people.technique.id })).statusCode).toBe(303);
    expect(shownText((await remi.get(second)).body)).toContain('Agent attributaire Théo Technique');
    // The earlier mail stays with Rémi.
    expect(shownText((await remi.get(first)).body)).toContain('Agent attributaire Rémi Relancé');
  });

  it('mails each agent once a working day the mails due by the next working day or late, each mail once a day', async () => {
    // Rémi's mails, with their deadlines set around a fixed Tuesday (8 December 2026).
    const deadlines: Array<[string, string, Record<string, string>]> = [
      ['Retard de la semaine passée', '2026-12-01', {}],
      ['Dû hier', '2026-12-07', {}],
      ['Dû aujourd’hui', '2026-12-08', {}],
      ['Dû demain', '2026-12-09', {}],
      ['Dû après-demain', '2026-12-10', {}],
      ['Dû lundi prochain', '2026-12-14', {}],
      ['Plainte confidentielle du voisin', '2026-12-04', { confidentiel: 'oui' }],
    ];
    const ids: Record<string, string> = {};
    const dgs = await as('dgs');
    for (const [subject, due, extra] of deadlines) {
      const url = await register({
        objet: subject,
        service: service.technique!,
        ...(extra.confidentiel ? { confidentiel: 'oui', lecteurs: people.relance.id } : {}),
      });
      ids[subject] = url.split('/').pop()!;
      if (!extra.confidentiel) {
        await dgs.get(url);
        expect((await dgs.post(`${url}/attribuer`, { agent: people.relance.id })).statusCode).toBe(303);
      }
      await t.testDb.asSuperuser(`UPDATE courrier_mail SET due_on = $2, assigned_to = $3 WHERE id = $1`, [
        ids[subject],
        due,
        people.relance.id,
      ]);
    }
    // Late but closed, and late but confided to nobody: nobody is reminded of them.
    const closed = await register({ objet: 'Vieux courrier clos', service: service.technique! });
    const nobody = await register({ objet: 'Courrier sans attributaire', service: service.technique! });
    await t.testDb.asSuperuser(
      `UPDATE courrier_mail SET due_on = '2026-11-02', status = 'clos', assigned_to = $2 WHERE id = $1`,
      [closed.split('/').pop(), people.relance.id],
    );
    await t.testDb.asSuperuser(`UPDATE courrier_mail SET due_on = '2026-11-02' WHERE id = $1`, [
      nobody.split('/').pop(),
    ]);
    const mailsOf = async (email: string) =>
      (
        await t.testDb.asSuperuser<{ subject: string; text_body: string }>(
          'SELECT subject, text_body FROM mail_outbox WHERE commune_id = $1 AND to_address = $2 ORDER BY created_at',
          [town.id, email],
        )
      ).rows;
    await t.testDb.asSuperuser('DELETE FROM mail_outbox WHERE commune_id = $1', [town.id]);

    const tuesday = new Date('2026-12-08T06:30:00Z');
    await sendLateReminders(t.runtime, tuesday);
    const [mail, ...more] = await mailsOf(people.relance.email);
    expect(more).toHaveLength(0);
    expect(mail!.subject).toBe('Courrier : 3 courriers en retard, 2 à traiter bientôt');
    const listed = (subject: string) => mail!.text_body.includes(subject);
    const table: Array<[string, boolean]> = [
      ['Retard de la semaine passée', true],
      ['Dû hier', true],
      ['Dû aujourd’hui', true],
      ['Dû demain', true],
      ['Dû après-demain', false],
      ['Dû lundi prochain', false],
      ['Plainte confidentielle du voisin', false],
      ['Vieux courrier clos', false],
      ['Courrier sans attributaire', false],
    ];
    for (const [subject, expected] of table) expect(listed(subject), subject).toBe(expected);
    expect(mail!.text_body).toMatch(/« Dû hier » : en retard : à traiter avant le 7 décembre 2026\./);
    expect(mail!.text_body).toContain('« Dû aujourd’hui » : à traiter aujourd’hui.');
    expect(mail!.text_body).toContain('« Dû demain » : à traiter avant le 9 décembre 2026.');
    // The confidential mail by its number only.
    expect(mail!.text_body).toMatch(
      /\d{4}-A\d{6} \(courrier confidentiel\) : en retard : à traiter avant le 4 décembre 2026\./,
    );
    expect(mail!.text_body).toContain(`/c/${town.slug}/agent/courrier?moi=1`);

    // Run again the same day (a retry, a second worker): nothing more.
    await sendLateReminders(t.runtime, new Date('2026-12-08T15:00:00Z'));
    expect(await mailsOf(people.relance.email)).toHaveLength(1);

    // Saturday: the mairie is closed, nothing is sent; Friday lists what is due by Monday.
    expect(await sendLateReminders(t.runtime, new Date('2026-12-12T06:30:00Z'))).toEqual({ mails: 0, listed: 0 });
    await t.testDb.asSuperuser('DELETE FROM mail_outbox WHERE commune_id = $1', [town.id]);
    await t.testDb.asSuperuser(`UPDATE courrier_mail SET status = 'clos' WHERE id = $1`, [ids['Dû hier']]);
    await sendLateReminders(t.runtime, new Date('2026-12-11T06:30:00Z'));
    const [friday] = await mailsOf(people.relance.email);
    expect(friday!.text_body).toContain('Dû lundi prochain');
    expect(friday!.text_body).toContain('Dû après-demain');
    expect(friday!.text_body).not.toContain('Dû hier');

    // The register flags the same mails.
    const basket = await (await as('relance')).get(`${base}?moi=1&retard=1`);
    expect(shownText(basket.body)).toContain('En retard');
    expect(basket.body).toContain('Retard de la semaine passée');

    const job = courrierModule.jobs!(t.runtime).find((j) => j.name === 'courrier.reminders');
    expect(job?.schedule?.cron).toBe('30 7 * * 1-5');
  });
});
