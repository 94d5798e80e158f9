/**
 * The five short trainings (issue 17 §4, decision 0059), on both engines: every training's quiz
 * passes with its right answers and explains a wrong one (table-driven over all trainings); the
 * page lists the five with their status for agents and élus alike; the certificate PDF once all
 * are passed (its text read back with pdftotext), downloadable by the person only — 404 before,
 * for others and across communes; the monthly reminder, once per person and Paris month, off when
 * the administrator says so; counts per training for the administrator, no names, nothing for a
 * manager but the share on the cyber panel; forced RLS on every awareness table.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Commune } from '../../platform/tenancy/communes.js';
import { formatDate } from '../../platform/views/format.js';
import { createTestApp, type TestApp } from '../../test/app.js';
import { shownText, type TestBrowser } from '../../test/browser.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { type Person, secondCommune, staffMember } from '../../test/factories.js';
import { signIn } from '../../test/sign-in.js';
import { SCENARIOS } from './scenarios.js';
import { findTraining, scoreQuiz, TRAININGS, type Training } from './trainings.js';
import { sendTrainingReminders } from './use-cases/send-training-reminders.js';

const rightAnswers = (t: Training) => Object.fromEntries(t.quiz.map((q) => [q.key, q.answer]));
const wrongChoice = (t: Training) => t.quiz[0]!.choices.find((c) => c.value !== t.quiz[0]!.answer)!.value;

function pdfText(pdf: Buffer): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guichet-attestation-'));
  try {
    const file = path.join(dir, 'attestation.pdf');
    fs.writeFileSync(file, pdf);
    return execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('the trainings as data', () => {
  it('has the five trainings of issue 17, in plain French, each with 3 or 4 questions', () => {
    expect(TRAININGS.map((t) => t.key)).toEqual([
      'mots-de-passe',
      'double-authentification',
      'hameconnage',
      'sauvegardes',
      'incident',
    ]);
    for (const t of TRAININGS) {
      expect(t.minutes, t.key).toBe(5);
      expect(t.quiz.length, t.key).toBeGreaterThanOrEqual(3);
      expect(t.quiz.length, t.key).toBeLessThanOrEqual(4);
      expect(new Set(t.quiz.map((q) => q.key)).size, t.key).toBe(t.quiz.length);
      for (const q of t.quiz) {
        expect(
          q.choices.map((c) => c.value),
          `${t.key}/${q.key}`,
        ).toContain(q.answer);
        expect(q.choices.length, `${t.key}/${q.key}`).toBeGreaterThanOrEqual(2);
        expect(q.explanation.length, `${t.key}/${q.key}`).toBeGreaterThan(20);
      }
    }
  });

  it.each(TRAININGS.map((t) => [t.key, t] as const))('%s: the right answers pass, each wrong one is named', (_, t) => {
    expect(scoreQuiz(t, rightAnswers(t))).toEqual({ score: t.quiz.length, passed: true, wrong: [] });
    for (const q of t.quiz) {
      for (const c of q.choices.filter((c) => c.value !== q.answer)) {
        const result = scoreQuiz(t, { ...rightAnswers(t), [q.key]: c.value });
        expect(result.passed).toBe(false);
        expect(result.score).toBe(t.quiz.length - 1);
        expect(result.wrong).toEqual([q]);
      }
    }
    expect(scoreQuiz(t, {}).score).toBe(0);
  });

  it('keeps the sourced rules: no periodic change, 12 characters (16 in Guichet), KeePassXC, passkeys in « Mon compte », who to call', () => {
    const text = (key: string) =>
      findTraining(key)!
        .sections.flatMap((s) => [...s.paragraphs, ...(s.links ?? []).map((l) => `${l.label} ${l.path}`)])
        .join(' ');
    expect(text('mots-de-passe')).toContain('ne recommandent plus de changer son mot de passe à date fixe');
    expect(text('mots-de-passe')).toContain('au moins 12 caractères');
    expect(text('mots-de-passe')).toContain('Guichet demande 16 caractères');
    expect(text('mots-de-passe')).toContain('KeePassXC');
    expect(text('double-authentification')).toContain('« Mon compte », puis « Mes clés d’accès »');
    expect(text('double-authentification')).toContain('compte/cles-d-acces');
    for (const who of ['OPSN', 'CERT-FR', 'Cybermalveillance.gouv.fr', '17Cyber', '72 heures', 'N’éteignez pas'])
      expect(text('incident')).toContain(who);
    expect(text('incident')).toContain('agent/sensibilisation/incident');
  });

  it('points every scenario to trainings that exist', () => {
    for (const s of SCENARIOS) {
      expect(findTraining(s.training), s.key).toBeDefined();
      if (s.furtherTraining) expect(findTraining(s.furtherTraining), s.key).toBeDefined();
    }
    expect(SCENARIOS.find((s) => s.key === 'expiration-mot-de-passe')!.furtherTraining).toBe('mots-de-passe');
  });
});

describe.each(TEST_ENGINES)('the trainings on %s', (engine) => {
  let t: TestApp;
  let town: Commune;
  let other: Commune;
  let admin: Person;
  let elu: Person;
  let agent: Person;
  let mayor: Person;
  let otherAdmin: Person;
  let eluB: TestBrowser;
  const base = () => `/c/${town.slug}/agent/sensibilisation`;

  async function reminders(): Promise<Array<{ to_address: string; subject: string; text_body: string }>> {
    const { rows } = await t.testDb.asSuperuser<{ to_address: string; subject: string; text_body: string }>(
      `SELECT to_address, subject, text_body FROM mail_outbox
        WHERE commune_id = $1 AND template = 'awarenessTrainingReminder' ORDER BY to_address, created_at`,
      [town.id],
    );
    return rows;
  }

  beforeAll(async () => {
    t = await createTestApp(engine, { env: { GUICHET_RATE_LIMIT_PER_MINUTE: '100000' } });
    town = await secondCommune(t, { slug: 'bourg-forme', name: 'Bourg-Formé' });
    other = await secondCommune(t, { slug: 'autre-forme', name: 'Autre-Formé' });
    admin = await staffMember(t, town, { role: 'admin' });
    elu = await staffMember(t, town, { role: 'councillor', givenName: 'Élise', familyName: 'Conseillère' });
    agent = await staffMember(t, town, { role: 'agent', givenName: 'Antoine' });
    mayor = await staffMember(t, town, { role: 'mayor' });
    otherAdmin = await staffMember(t, other, { role: 'admin' });
    eluB = await signIn(t.app, elu.email, { slug: town.slug });
  });
  afterAll(() => t?.close());

  it('lists the five trainings « à faire » for an élu, and offers no certificate yet (404)', async () => {
    const page = await eluB.get(base());
    expect(page.statusCode).toBe(200);
    const text = shownText(page.body);
    for (const training of TRAININGS) expect(text).toContain(`${training.title} 5 minutes À faire`);
    expect(text).toContain('0 sur 5 pour l’instant');
    expect(page.body).not.toContain('attestation.pdf');
    const early = await eluB.get(`${base()}/attestation.pdf`);
    expect(early.statusCode).toBe(404);
    expect(shownText(early.body)).toContain('quand vous aurez réussi toutes les formations');
  });

  it.each(TRAININGS.map((tr) => [tr.key, tr] as const))(
    '%s: a wrong answer is explained and nothing is kept; the right answers pass it',
    async (_, training) => {
      const url = `${base()}/formations/${training.key}`;
      const page = await eluB.get(url);
      expect(page.statusCode).toBe(200);
      expect(shownText(page.body)).toContain(training.sections[0]!.heading);
      const wrong = await eluB.post(url, { ...rightAnswers(training), [training.quiz[0]!.key]: wrongChoice(training) });
      expect(wrong.statusCode).toBe(422);
      const text = shownText(wrong.body);
      expect(text).toContain(`Ce n’est pas la bonne réponse. ${training.quiz[0]!.explanation}`);
      const { rows } = await t.testDb.asSuperuser(
        'SELECT 1 FROM awareness_training_completion WHERE commune_id = $1 AND account_id = $2 AND training = $3',
        [town.id, elu.id, training.key],
      );
      expect(rows).toHaveLength(0);
      const right = await eluB.post(url, rightAnswers(training));
      expect(right.statusCode).toBe(200);
      expect(shownText(right.body)).toContain('Formation réussie');
    },
  );

  it('shows each training « réussie le … » and a certificate naming the person, the commune and the five trainings', async () => {
    const { rows } = await t.testDb.asSuperuser<{ training: string; completed_at: Date }>(
      'SELECT training, completed_at FROM awareness_training_completion WHERE commune_id = $1 AND account_id = $2',
      [town.id, elu.id],
    );
    expect(rows).toHaveLength(5);
    const page = await eluB.get(base());
    const text = shownText(page.body);
    for (const r of rows)
      expect(text).toContain(`${findTraining(r.training)!.title} 5 minutes Réussie le ${formatDate(r.completed_at)}`);
    expect(page.body).toContain(`${base()}/attestation.pdf`);

    const pdf = await eluB.get(`${base()}/attestation.pdf`);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(String(pdf.headers['content-disposition'])).toMatch(/^attachment;/);
    const content = pdfText(pdf.rawPayload);
    expect(content).toContain('Attestation de formation à la cybersécurité');
    expect(content).toContain('Mairie de Bourg-Formé');
    expect(content).toContain(`${elu.name} a suivi les 5 formations`);
    for (const r of rows)
      expect(content).toContain(`${findTraining(r.training)!.title} : réussie le ${formatDate(r.completed_at)}`);
  });

  it('gives the certificate to the person only: 404 for a colleague, another commune, and across communes', async () => {
    const antoine = await signIn(t.app, agent.email, { slug: town.slug });
    const theirs = await antoine.get(`${base()}/attestation.pdf`);
    expect(theirs.statusCode).toBe(404);
    expect(theirs.body).not.toContain(elu.familyName);
    const b = await signIn(t.app, otherAdmin.email, { slug: other.slug });
    expect((await b.get(`/c/${other.slug}/agent/sensibilisation/attestation.pdf`)).statusCode).toBe(404);
    expect((await b.get(`${base()}/attestation.pdf`)).statusCode).toBe(404);
    // The élu herself, at a commune where she is not staff.
    const away = await signIn(t.app, elu.email, { slug: other.slug });
    expect((await away.get(`/c/${other.slug}/agent/sensibilisation/attestation.pdf`)).statusCode).toBe(404);
  });

  it('reminds each person who has trainings left once a month, listing them; again the next month', async () => {
    const december = new Date('2026-12-08T08:00:00Z');
    await sendTrainingReminders(t.runtime, december);
    const first = await reminders();
    // Everyone of the commune's staff but the élu, who passed all five.
    expect(first.map((m) => m.to_address).sort()).toEqual([admin.email, agent.email, mayor.email].sort());
    const toAgent = first.find((m) => m.to_address === agent.email)!;
    expect(toAgent.subject).toBe('Cybersécurité : 5 formations de 5 minutes vous attendent');
    for (const training of TRAININGS) expect(toAgent.text_body).toContain(`– ${training.title}`);
    expect(toAgent.text_body).toContain(`/c/${town.slug}/agent/sensibilisation#formations`);
    expect(toAgent.text_body).toContain('au plus une fois par mois');

    // The same day, later in the month, and the 31st at 23:30 in Paris: nothing more.
    for (const again of ['2026-12-08T15:00:00Z', '2026-12-21T08:00:00Z', '2026-12-31T22:30:00Z']) {
      expect(await sendTrainingReminders(t.runtime, new Date(again))).toBe(0);
    }
    expect(await reminders()).toHaveLength(3);

    // The agent passes one training: January's reminder lists the four left.
    const antoine = await signIn(t.app, agent.email, { slug: town.slug });
    const url = `${base()}/formations/hameconnage`;
    await antoine.get(url);
    expect((await antoine.post(url, rightAnswers(findTraining('hameconnage')!))).statusCode).toBe(200);
    // 1 January 2027 at 00:30 in Paris is still 31 December in UTC: already January's month.
    await sendTrainingReminders(t.runtime, new Date('2026-12-31T23:30:00Z'));
    const january = (await reminders()).filter((m) => m.to_address === agent.email);
    expect(january).toHaveLength(2);
    expect(january[1]!.subject).toBe('Cybersécurité : il vous reste 4 formations de 5 minutes');
    expect(january[1]!.text_body).not.toContain(`– ${findTraining('hameconnage')!.title}`);
    expect(await reminders()).toHaveLength(6);
  });

  it('shows the administrator counts per training and no names, and lets them switch the reminders off', async () => {
    const adminB = await signIn(t.app, admin.email, { slug: town.slug });
    const page = await adminB.get(`/c/${town.slug}/admin/sensibilisation`);
    expect(page.statusCode).toBe(200);
    const section = shownText(page.body.slice(page.body.indexOf('id="formations"')));
    expect(section).toContain(`${findTraining('hameconnage')!.title} 2 sur 4`);
    expect(section).toContain(`${findTraining('mots-de-passe')!.title} 1 sur 4`);
    expect(section).toContain('Les cinq formations 1 sur 4');
    const formations = section.slice(0, section.indexOf('Incidents de sécurité'));
    for (const person of [elu, agent]) expect(formations).not.toContain(person.familyName);

    const off = await adminB.post(`/c/${town.slug}/admin/sensibilisation/rappels`, { reminders: 'non' });
    expect(off.statusCode).toBe(303);
    const after = shownText((await adminB.get(String(off.headers.location))).body);
    expect(after).toContain('Les rappels mensuels des formations sont arrêtés.');
    const { rows } = await t.testDb.asSuperuser<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_entry WHERE commune_id = $1 AND action = 'awareness.training_reminders_set'`,
      [town.id],
    );
    expect(rows[0]!.n).toBe(1);
    await sendTrainingReminders(t.runtime, new Date('2027-02-02T08:00:00Z'));
    expect(await reminders()).toHaveLength(6);
    // The other commune's reminders are not affected by this one's setting.
    const { rows: elsewhere } = await t.testDb.asSuperuser(
      `SELECT 1 FROM mail_outbox WHERE commune_id = $1 AND template = 'awarenessTrainingReminder' AND to_address = $2`,
      [other.id, otherAdmin.email],
    );
    expect(elsewhere.length).toBeGreaterThanOrEqual(2);

    // A crafted value is refused in French, nothing changed.
    await adminB.get(`/c/${town.slug}/admin/sensibilisation`);
    const bad = await adminB.post(`/c/${town.slug}/admin/sensibilisation/rappels`, { reminders: 'peut-etre' });
    expect(bad.statusCode).toBe(422);
    expect(shownText(bad.body)).toContain('Choisissez si les rappels sont envoyés.');
  });

  it('shows a manager nothing of the trainings but the share of trained staff on the cyber panel', async () => {
    const mayorB = await signIn(t.app, mayor.email, { slug: town.slug });
    expect((await mayorB.get(`/c/${town.slug}/admin/sensibilisation`)).statusCode).toBe(404);
    const panel = shownText((await mayorB.get(`/c/${town.slug}/admin/cyber`)).body);
    // One person of four passed all five.
    expect(panel).toContain('Personnel formé à la cybersécurité (cinq formations réussies) 25 %');
  });

  it('forces row-level security on every awareness table', async () => {
    const { rows } = await t.testDb.asSuperuser<{
      relname: string;
      relrowsecurity: boolean;
      relforcerowsecurity: boolean;
    }>(
      `SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class
        WHERE relkind = 'r' AND relname LIKE 'awareness\\_%' ORDER BY relname`,
    );
    expect(rows).toEqual(
      [
        'awareness_campaign',
        'awareness_event',
        'awareness_incident',
        'awareness_notice',
        'awareness_recipient',
        'awareness_report',
        'awareness_settings',
        'awareness_training_completion',
        'awareness_training_reminder',
      ].map((relname) => ({ relname, relrowsecurity: true, relforcerowsecurity: true })),
    );
  });
});
