/**
 * Named fixtures for integration tests: a test says what it builds (« an agent of the urbanisme
 * service », « a request en cours ») instead of relying on who happens to be in the demo seed.
 * Each factory writes through the modules' front doors where one exists (identity.seedMember,
 * communes.createCommune), otherwise through the module's repository as its own use case does;
 * tests may build fixtures through other modules (src/architecture.test.ts reads production
 * files only).
 *
 * Accounts get unique addresses (`<prefix>-<n>@<commune>.test`) and the demo password, so
 * `signIn(t.app, person.email)` (src/test/sign-in.ts) works for them.
 */

import { createCommune } from '../modules/communes/index.js';
import { DEMO_PASSWORD, demoTotpSecret } from '../modules/demo/accounts.js';
import type { FormDefinition } from '../modules/forms/index.js';
import { activeAccountIdByEmail, hashPassword, seedMember } from '../modules/identity/index.js';
import type { RequestStatus, Workflow } from '../modules/procedures/index.js';
import { findProcedureBySlug, type Procedure } from '../modules/procedures/index.js';
import { insertFormVersion, insertProcedure } from '../modules/procedures/repo.js';
import { addRequestEvent } from '../modules/requests/history.js';
import { insertRequest } from '../modules/requests/repo.js';
import type { CitizenRequest } from '../modules/requests/schema.js';
import type { Role } from '../platform/authz/roles.js';
import { nextNumber } from '../platform/db/counters.js';
import { withTenant } from '../platform/db/tenant.js';
import { type Commune, findServiceBySlug } from '../platform/tenancy/communes.js';
import type { TestApp } from './app.js';
import { registerDemoKeyAccount } from './sign-in.js';

const DAY = 86_400_000;

let serial = 0;
/** A number unique in the test file (factories' slugs and addresses). */
const next = () => ++serial;

let demoPasswordHash: Promise<string> | undefined;
/** The argon2id hash of the demo password, computed once per test file. */
function passwordHash(): Promise<string> {
  demoPasswordHash ??= hashPassword(DEMO_PASSWORD);
  return demoPasswordHash;
}

export interface Person {
  id: string;
  email: string;
  givenName: string;
  familyName: string;
  /** « Prénom Nom », as pages show the person. */
  name: string;
}

export interface PersonOptions {
  email?: string;
  givenName?: string;
  familyName?: string;
}

async function member(
  t: TestApp,
  commune: Commune,
  role: Role,
  prefix: string,
  options: PersonOptions & { services?: readonly string[]; mfaGraceOver?: boolean; withoutFactor?: boolean },
): Promise<Person> {
  const n = next();
  const email = options.email ?? `${prefix}-${n}@${commune.slug}.test`;
  const givenName = options.givenName ?? (role === 'citizen' ? 'Usager' : 'Agent');
  const familyName = options.familyName ?? `Numéro ${n}`;
  const hash = await passwordHash();
  // Administrators need a second factor before any back-office page (decision 0029): theirs holds
  // the demo key, and `signIn` passes it.
  const demoKey = role === 'admin' && !options.withoutFactor;
  const id = await withTenant(t.runtime.database, commune.id, async (tx) => {
    const serviceIds: string[] = [];
    for (const slug of options.services ?? []) {
      const service = await findServiceBySlug(tx, commune.id, slug);
      if (!service) throw new Error(`no service ${slug} in ${commune.slug}`);
      serviceIds.push(service.id);
    }
    await seedMember(tx, {
      email,
      givenName,
      familyName,
      role,
      serviceIds,
      passwordHash: hash,
      mfaRequiredFrom: options.mfaGraceOver ? new Date(Date.now() - DAY) : null,
      ...(demoKey ? { totp: { secret: demoTotpSecret(), appSecret: t.runtime.config.secret! } } : {}),
    });
    return (await activeAccountIdByEmail(tx, email))!;
  });
  if (demoKey) registerDemoKeyAccount(email);
  return { id, email, givenName, familyName, name: `${givenName} ${familyName}` };
}

/** A confirmed citizen account of `commune`, with the demo password. */
export function citizen(t: TestApp, commune: Commune, options: PersonOptions = {}): Promise<Person> {
  return member(t, commune, 'citizen', 'usager', options);
}

export interface StaffOptions extends PersonOptions {
  role: Exclude<Role, 'citizen'>;
  /** Slugs of the services the member belongs to (an agent sees their requests). */
  services?: readonly string[];
  /** Second factor mandatory from the first sign-in (the grace period is already over). */
  mfaGraceOver?: boolean;
  /** An administrator without the demo-key factor the factory gives them otherwise. */
  withoutFactor?: boolean;
}

/**
 * A staff member of `commune` with one role and, for an agent, its services — e.g.
 * `staffMember(t, villebelle, { role: 'agent', services: ['urbanisme'] })`. Within the
 * second-factor grace period unless `mfaGraceOver`.
 */
export function staffMember(t: TestApp, commune: Commune, options: StaffOptions): Promise<Person> {
  return member(t, commune, options.role, options.role, options);
}

/**
 * Another commune of the instance (for tenant isolation), with the given services (default: one
 * « Secrétariat de mairie »), loaded into the commune directory.
 */
export async function secondCommune(
  t: TestApp,
  options: { slug?: string; name?: string; services?: ReadonlyArray<{ slug: string; name: string }> } = {},
): Promise<Commune> {
  const n = next();
  const commune = await createCommune(
    t.runtime.database,
    {
      slug: options.slug ?? `autre-commune-${n}`,
      name: options.name ?? `Autre-Commune-${n}`,
      services: (options.services ?? [{ slug: 'secretariat', name: 'Secrétariat de mairie' }]).map((s) => ({
        ...s,
        description: '',
      })),
    },
    { type: 'system', id: 'test' },
  );
  await t.runtime.communes.reload();
  return commune;
}

/** A one-page form with one required text field « objet ». */
export function oneQuestionForm(title: string): FormDefinition {
  return {
    schemaVersion: 1,
    title,
    pages: [
      {
        id: 'demande',
        title: 'Votre demande',
        fields: [{ id: 'objet', type: 'text', label: 'L’objet de votre demande', required: true }],
      },
    ],
  };
}

export interface ProcedureOptions {
  /** Slug of the service that receives its requests. */
  service: string;
  slug?: string;
  title?: string;
  /** The form of version 1 (default: `oneQuestionForm(title)`). */
  definition?: FormDefinition;
  published?: boolean;
  audience?: 'anyone' | 'signedIn';
  workflow?: Workflow;
}

/** A démarche of `commune` with its form at version 1, routed to one service. */
export async function procedureWithForm(t: TestApp, commune: Commune, options: ProcedureOptions): Promise<Procedure> {
  const n = next();
  const title = options.title ?? `Démarche de test ${n}`;
  return withTenant(t.runtime.database, commune.id, async (tx) => {
    const service = await findServiceBySlug(tx, commune.id, options.service);
    if (!service) throw new Error(`no service ${options.service} in ${commune.slug}`);
    const created = await insertProcedure(tx, {
      communeId: commune.id,
      slug: options.slug ?? `demarche-de-test-${n}`,
      title,
      category: 'Autres démarches',
      audience: options.audience ?? 'anyone',
      serviceId: service.id,
      processingDays: 30,
      isPublished: options.published ?? true,
      currentVersion: 1,
      workflow: options.workflow ?? null,
    });
    await insertFormVersion(tx, {
      communeId: commune.id,
      procedureId: created.id,
      version: 1,
      definition: options.definition ?? oneQuestionForm(title),
      createdBy: null,
    });
    return created;
  });
}

export interface RequestOptions {
  /** Slug of the service the request is routed to. */
  service: string;
  subject: string;
  status?: RequestStatus;
  /** The message of the default answers (`{ message }`). */
  text?: string;
  /** The requester's account (default: an anonymous requester, Jean Dupont). */
  account?: Pick<Person, 'email' | 'name'> & { id?: string };
  requesterEmail?: string;
  submittedAt?: Date;
  dueAt?: Date;
  number?: string;
  /** E-mail of the staff member it is assigned to. */
  assignee?: string;
  /** Slug of its démarche (form version 1). */
  procedure?: string;
  answers?: Record<string, unknown>;
  routing?: {
    routedBy: 'procedure' | 'classifier' | 'triage';
    confidence: number | null;
    explanation: string[] | null;
  };
}

/**
 * A request of `commune` already in `status` (default « nouvelle »), with its « submitted »
 * event, as if it had come through the portal — without the receipt, mails and webhooks of
 * the submission use case (tests of those submit through the pages).
 */
export async function requestIn(t: TestApp, commune: Commune, r: RequestOptions): Promise<CitizenRequest> {
  return withTenant(t.runtime.database, commune.id, async (tx) => {
    const service = await findServiceBySlug(tx, commune.id, r.service);
    if (!service) throw new Error(`no service ${r.service} in ${commune.slug}`);
    const accountId = r.account ? (r.account.id ?? (await activeAccountIdByEmail(tx, r.account.email))) : null;
    const assigneeId = r.assignee ? await activeAccountIdByEmail(tx, r.assignee) : null;
    if (r.assignee && !assigneeId) throw new Error(`no account ${r.assignee}`);
    const submittedAt = r.submittedAt ?? new Date();
    const procedure = r.procedure ? await findProcedureBySlug(tx, commune.id, r.procedure) : undefined;
    if (r.procedure && !procedure) throw new Error(`no démarche ${r.procedure} in ${commune.slug}`);
    const created = await insertRequest(tx, {
      communeId: commune.id,
      number: r.number ?? (await nextNumber(tx, 'demande')),
      procedureId: procedure?.id ?? null,
      formVersion: procedure ? 1 : null,
      serviceId: service.id,
      accountId,
      requesterName: r.account?.name ?? 'Jean Dupont',
      requesterEmail: r.requesterEmail ?? r.account?.email ?? 'jean.dupont@courriel.example',
      subject: r.subject,
      answers: r.answers ?? { message: r.text ?? `${r.subject}, merci de votre aide.` },
      status: r.status ?? 'nouvelle',
      channel: 'portail',
      routedBy: r.routing?.routedBy ?? (procedure ? 'procedure' : 'triage'),
      routingConfidence: r.routing?.confidence ?? null,
      routingExplanation: r.routing?.explanation ?? null,
      assigneeId,
      dueAt: r.dueAt ?? new Date(submittedAt.getTime() + 30 * DAY),
      submittedAt,
    });
    await addRequestEvent(tx, { requestId: created.id, kind: 'submitted', authorId: accountId, authorRole: 'citizen' });
    return created;
  });
}
