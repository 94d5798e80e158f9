/**
 * Identity use cases: register, confirm the address, sign in, sign out, forgotten password,
 * new password. Each validates, checks throttling, writes in one transaction with its audit
 * entry and mails, and answers identically whether an address is known or not.
 */
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { recordAudit } from '../../platform/audit/journal.js';
import type { AppContext } from '../../platform/context.js';
import { type Tx, withTenant } from '../../platform/db/tenant.js';
import { AppError } from '../../platform/errors.js';
import { clientInfo } from '../../platform/http/client-info.js';
import { truncateAddress } from '../../platform/http/logger.js';
import { mailAddressSchema } from '../../platform/mail/address.js';
import { queueMail } from '../../platform/mail/outbox.js';
import type { Commune } from '../../platform/tenancy/communes.js';
import { fieldErrorsOf } from '../../platform/validation.js';
import { formatDateTime } from '../../platform/views/format.js';
import { IDENTITY_MAILS } from './mail-templates.js';
import { checkPassword, MAXIMUM_LENGTH, PASSWORD_POLICY_VERSION } from './password-policy.js';
import { hashPassword, needsRehash, verifyAgainstDummy, verifyPassword } from './passwords.js';
import {
  addMembership,
  consumeEmailToken,
  createEmailToken,
  findAccountByEmail,
  findAccountById,
  hasSecondFactor,
  insertAccount,
  markEmailVerified,
  membershipsInCommune,
  setPassword,
} from './repo.js';
import { enqueuePasswordReset } from './reset-job.js';
import type { Account } from './schema.js';
import { type AuthMethod, createSession, revokeAllSessions, revokeSession } from './sessions.js';
import { IDENTITY_SETTINGS as S } from './settings.js';
import { accountKey, clearFailures, lockedUntil, networkKey, progressiveDelayMs, recordFailure } from './throttle.js';

const email = z
  .string()
  .trim()
  .min(1, 'Saisissez votre adresse électronique.')
  .max(254, 'L’adresse électronique est trop longue.')
  .pipe(mailAddressSchema({ example: 'nom@exemple.fr' }));

const name = (label: string) =>
  z.string().trim().min(1, `Saisissez votre ${label}.`).max(200, `Votre ${label} est trop long.`);

export const registrationSchema = z.object({
  givenName: name('prénom'),
  familyName: name('nom'),
  email,
  password: z
    .string()
    .min(1, 'Choisissez un mot de passe.')
    .max(4 * MAXIMUM_LENGTH, `Le mot de passe ne doit pas dépasser ${MAXIMUM_LENGTH} caractères.`),
  consent: z.literal('oui', { error: 'Acceptez les conditions pour créer votre compte.' }),
});

export const signInSchema = z.object({
  email,
  password: z.string().min(1, 'Saisissez votre mot de passe.').max(1024),
});

function invalid(fields: Record<string, string>): AppError {
  return new AppError('input.invalid', 'invalid form', 422, { fields });
}

function link(ctx: AppContext, commune: Commune, path: string): string {
  return `${ctx.config.publicUrl}/c/${commune.slug}${path}`;
}

/** True when the account is staff (or operator) somewhere: the stricter password rules apply. */
async function isStaffAccount(tx: Tx, account: Account, communeId: string): Promise<boolean> {
  if (account.isOperator) return true;
  const memberships = await membershipsInCommune(tx, communeId, account.id);
  return memberships.some((m) => m.role !== 'citizen');
}

/**
 * Registers a citizen in a commune. If the address already has an account, that account's
 * owner gets an e-mail instead, and the answer is the same (no enumeration).
 */
export async function registerCitizen(ctx: AppContext, commune: Commune, input: unknown, request: FastifyRequest) {
  const parsed = registrationSchema.safeParse(input);
  const fields = parsed.success ? {} : fieldErrorsOf(parsed.error);
  if (parsed.success) {
    const verdict = checkPassword(parsed.data.password, {
      audience: 'citizen',
      email: parsed.data.email,
      givenName: parsed.data.givenName,
      familyName: parsed.data.familyName,
      communeName: commune.name,
    });
    if (!verdict.ok) fields.password = verdict.problems.join(' ');
  }
  if (!parsed.success || Object.keys(fields).length > 0) throw invalid(fields);
  const data = parsed.data!;
  const passwordHash = await hashPassword(data.password);
  await withTenant(ctx.database, commune.id, async (tx) => {
    const existing = await findAccountByEmail(tx, data.email);
    if (existing) {
      await queueMail(tx, ctx.queue, {
        to: existing.email,
        template: IDENTITY_MAILS.accountAlreadyExists,
        variables: {
          communeName: commune.name,
          signInLink: link(ctx, commune, '/connexion'),
          resetLink: link(ctx, commune, '/mot-de-passe-oublie'),
        },
      });
      await recordAudit(tx, {
        action: 'account.registration_existing',
        actorType: 'citizen',
        actorId: existing.id,
        data: clientInfo(request),
      });
      return;
    }
    const account = await insertAccount(tx, {
      email: data.email,
      givenName: data.givenName,
      familyName: data.familyName,
      passwordHash,
      passwordPolicyVersion: PASSWORD_POLICY_VERSION,
      passwordSetAt: new Date(),
      isOperator: false,
    });
    await addMembership(tx, commune.id, account.id, 'citizen');
    const token = await createEmailToken(tx, 'verify_email', account.id, S.verifyTokenHours * 60);
    await queueMail(tx, ctx.queue, {
      to: account.email,
      template: IDENTITY_MAILS.verifyEmail,
      variables: {
        communeName: commune.name,
        givenName: account.givenName,
        link: link(ctx, commune, `/inscription/confirmer?jeton=${token}`),
        validHours: S.verifyTokenHours,
      },
    });
    await recordAudit(tx, {
      action: 'account.registered',
      actorType: 'citizen',
      actorId: account.id,
      targetType: 'account',
      targetId: account.id,
      data: clientInfo(request),
    });
  });
}

/** Confirms an address from the e-mailed link. Returns false for a used or expired link. */
export async function confirmEmail(ctx: AppContext, commune: Commune, token: string): Promise<boolean> {
  return withTenant(ctx.database, commune.id, async (tx) => {
    const accountId = await consumeEmailToken(tx, 'verify_email', token);
    if (!accountId) return false;
    await markEmailVerified(tx, accountId);
    await recordAudit(tx, { action: 'account.email_verified', actorType: 'citizen', actorId: accountId });
    return true;
  });
}

export type SignInResult = { token: string; accountId: string; needsSecondFactor: boolean };

const BAD_CREDENTIALS = 'Adresse électronique ou mot de passe incorrect.';

/** A sign-in lockout (429); the page answers it with `Retry-After`. */
export class SignInLockedError extends AppError {
  constructor(readonly until: Date) {
    super('auth.locked', 'too many failures', 429, {
      userMessage: `Trop de tentatives de connexion. Par sécurité, réessayez après le ${formatDateTime(until)}, ou réinitialisez votre mot de passe.`,
      fields: { email: `Trop de tentatives : réessayez après le ${formatDateTime(until)}.` },
    });
  }

  /** Whole seconds until the lockout ends (at least 1), for the `Retry-After` header. */
  get retryAfterSeconds(): number {
    return Math.max(1, Math.ceil((this.until.getTime() - Date.now()) / 1000));
  }
}

function lockedError(until: Date): AppError {
  return new SignInLockedError(until);
}

/**
 * Signs in with e-mail and password. Unknown addresses and wrong passwords get the same answer,
 * in the same time; failures are throttled per account and per network.
 */
export async function signInWithPassword(
  ctx: AppContext,
  commune: Commune,
  input: unknown,
  request: FastifyRequest,
): Promise<SignInResult> {
  const parsed = signInSchema.safeParse(input);
  if (!parsed.success) throw invalid(fieldErrorsOf(parsed.error));
  const { email: address, password } = parsed.data;
  const accountThrottle = accountKey(address);
  const networkThrottle = networkKey(truncateAddress(request.ip));

  const before = await withTenant(ctx.database, commune.id, async (tx) => ({
    locked: (await lockedUntil(tx, accountThrottle)) ?? (await lockedUntil(tx, networkThrottle)),
    account: await findAccountByEmail(tx, address),
  }));
  if (before.locked) throw lockedError(before.locked);

  const account = before.account;
  const passwordOk =
    account?.passwordHash && !account.disabledAt
      ? await verifyPassword(account.passwordHash, password)
      : await verifyAgainstDummy(password);

  if (!account || !passwordOk) {
    const state = await withTenant(ctx.database, commune.id, async (tx) => {
      const perAccount = await recordFailure(tx, accountThrottle, S.lockoutAfterFailures);
      await recordFailure(tx, networkThrottle, S.networkLockoutAfterFailures);
      await recordAudit(tx, {
        action: perAccount.lockedUntil ? 'auth.locked' : 'auth.sign_in_failed',
        actorType: 'citizen',
        actorId: account?.id ?? null,
        data: { ...clientInfo(request), failures: perAccount.failures, knownAccount: !!account },
      });
      return perAccount;
    });
    const delay = progressiveDelayMs(state.failures);
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    if (state.lockedUntil && state.lockedUntil > new Date()) throw lockedError(state.lockedUntil);
    throw new AppError('auth.bad_credentials', 'bad credentials', 422, {
      userMessage: BAD_CREDENTIALS,
      fields: { email: BAD_CREDENTIALS },
    });
  }

  if (!account.emailVerifiedAt) {
    await withTenant(ctx.database, commune.id, async (tx) => {
      const token = await createEmailToken(tx, 'verify_email', account.id, S.verifyTokenHours * 60);
      await queueMail(tx, ctx.queue, {
        to: account.email,
        template: IDENTITY_MAILS.verifyEmail,
        variables: {
          communeName: commune.name,
          givenName: account.givenName,
          link: link(ctx, commune, `/inscription/confirmer?jeton=${token}`),
          validHours: S.verifyTokenHours,
        },
      });
    });
    throw new AppError('auth.email_unverified', 'email not verified', 422, {
      userMessage: 'Confirmez d’abord votre adresse électronique : nous venons de vous renvoyer le lien.',
      fields: { email: 'Adresse pas encore confirmée : un nouveau lien de confirmation vient de vous être envoyé.' },
    });
  }

  const rehash = needsRehash(account.passwordHash!) ? await hashPassword(password) : null;
  return withTenant(ctx.database, commune.id, async (tx) => {
    await clearFailures(tx, accountThrottle);
    if (rehash) await setPassword(tx, account.id, rehash, account.passwordPolicyVersion ?? PASSWORD_POLICY_VERSION);
    const memberships = await membershipsInCommune(tx, commune.id, account.id);
    if (memberships.length === 0) await addMembership(tx, commune.id, account.id, 'citizen'); // consent by signing in here
    if (!account.mfaRequiredFrom && (account.isOperator || memberships.some((m) => m.role !== 'citizen'))) {
      await tx.client.query('UPDATE account SET mfa_required_from = now() + make_interval(days => $2) WHERE id = $1', [
        account.id,
        S.mfaGraceDays,
      ]);
    }
    const needsSecondFactor = await hasSecondFactor(tx, account.id);
    const created = await createSession(tx, account.id, 'password', request, { mfaVerified: false });
    await recordAudit(tx, {
      action: 'auth.sign_in',
      actorType: memberships.some((m) => m.role !== 'citizen') ? 'agent' : 'citizen',
      actorId: account.id,
      data: { ...clientInfo(request), method: 'password' satisfies AuthMethod, secondFactorPending: needsSecondFactor },
    });
    return { token: created.token, accountId: account.id, needsSecondFactor };
  });
}

export async function signOut(ctx: AppContext, commune: Commune | null, accountId: string, sessionId: string) {
  if (!commune) return;
  await withTenant(ctx.database, commune.id, async (tx) => {
    await revokeSession(tx, accountId, sessionId);
    await recordAudit(tx, { action: 'auth.sign_out', actorType: 'citizen', actorId: accountId });
  });
}

/**
 * Sends a single-use reset link if the address is known; the answer never says which, and both
 * cases do the same work here (one audit entry, one job): the job makes the link and the mail.
 */
export async function requestPasswordReset(ctx: AppContext, commune: Commune, input: unknown, request: FastifyRequest) {
  const parsed = z.object({ email }).safeParse(input);
  if (!parsed.success) throw invalid(fieldErrorsOf(parsed.error));
  await withTenant(ctx.database, commune.id, async (tx) => {
    const found = await findAccountByEmail(tx, parsed.data.email);
    const account = found && !found.disabledAt ? found : undefined;
    await enqueuePasswordReset(tx, ctx.queue, account?.id ?? null);
    await recordAudit(tx, {
      action: 'auth.password_reset_requested',
      actorType: 'citizen',
      actorId: account?.id ?? null,
      data: { ...clientInfo(request), knownAccount: !!account },
    });
  });
}

/** Sets a new password from a reset link; closes every session of the account. */
export async function resetPassword(
  ctx: AppContext,
  commune: Commune,
  token: string,
  input: unknown,
  request: FastifyRequest,
) {
  const parsed = z
    .object({
      password: z
        .string()
        .min(1, 'Choisissez un mot de passe.')
        .max(MAXIMUM_LENGTH, `Le mot de passe ne doit pas dépasser ${MAXIMUM_LENGTH} caractères.`),
      confirmation: z.string(),
    })
    .safeParse(input);
  if (!parsed.success) throw invalid(fieldErrorsOf(parsed.error));
  if (parsed.data.password !== parsed.data.confirmation) {
    throw invalid({ confirmation: 'Les deux mots de passe ne sont pas identiques.' });
  }
  const hash = await hashPassword(parsed.data.password);
  await withTenant(ctx.database, commune.id, async (tx) => {
    const accountId = await consumeEmailToken(tx, 'reset_password', token);
    if (!accountId) {
      throw new AppError('auth.reset_link_invalid', 'reset token invalid', 410, {
        userMessage: 'Ce lien de réinitialisation a expiré ou a déjà servi. Demandez-en un nouveau.',
      });
    }
    const account = (await findAccountById(tx, accountId))!;
    const verdict = checkPassword(parsed.data.password, {
      audience: (await isStaffAccount(tx, account, commune.id)) ? 'staff' : 'citizen',
      email: account.email,
      givenName: account.givenName,
      familyName: account.familyName,
      birthDate: account.birthDate ?? undefined,
      communeName: commune.name,
    });
    if (!verdict.ok) throw invalid({ password: verdict.problems.join(' ') }); // rolls back: the link still works
    await setPassword(tx, account.id, hash, PASSWORD_POLICY_VERSION);
    await markEmailVerified(tx, account.id); // the link proved the address
    await clearFailures(tx, accountKey(account.email));
    const closed = await revokeAllSessions(tx, account.id);
    await queueMail(tx, ctx.queue, {
      to: account.email,
      template: IDENTITY_MAILS.passwordChanged,
      variables: {
        communeName: commune.name,
        when: formatDateTime(new Date()),
        resetLink: link(ctx, commune, '/mot-de-passe-oublie'),
      },
    });
    await recordAudit(tx, {
      action: 'auth.password_changed',
      actorType: 'citizen',
      actorId: account.id,
      data: { ...clientInfo(request), via: 'reset_link', sessionsClosed: closed },
    });
  });
}
