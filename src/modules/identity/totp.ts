/**
 * Second factor by TOTP (RFC 6238: HMAC-SHA-1, 6 digits, 30-second steps, ±1 step accepted)
 * with single-use recovery codes.
 *
 * - The TOTP secret (20 random bytes) is stored encrypted with AES-256-GCM under a key derived
 *   by HKDF-SHA256 from the application secret; the account id is bound as additional data, so
 *   a ciphertext copied to another account's row does not decrypt. Stored as base64(iv|tag|ct).
 * - Replay protection: the step of the last accepted code is kept; a code of that step or an
 *   older one is refused.
 * - Recovery codes: 10 codes `xxxx-xxxx` from an alphabet without look-alike characters,
 *   stored as Argon2id hashes, each usable once; regenerating invalidates the previous set.
 * - Wrong codes are throttled per account (`mfa:<accountId>`), lockout after 10 failures.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { HOTP, Secret, TOTP } from 'otpauth';
import { v7 as uuidv7 } from 'uuid';
import { recordAudit } from '../../platform/audit/journal.js';
import type { Actor } from '../../platform/authz/actor.js';
import { isStaff } from '../../platform/authz/actor.js';
import type { AppContext } from '../../platform/context.js';
import { type Tx, withTenant } from '../../platform/db/tenant.js';
import { AppError } from '../../platform/errors.js';
import { clientInfo } from '../../platform/http/client-info.js';
import { queueMail } from '../../platform/mail/outbox.js';
import type { Commune } from '../../platform/tenancy/communes.js';
import { formatDateTime } from '../../platform/views/format.js';
import { IDENTITY_MAILS } from './mail-templates.js';
import { hashPassword, verifyAgainstDummy, verifyPassword } from './passwords.js';
import { type AuthMethod, createSession, revokeSession } from './sessions.js';
import { IDENTITY_SETTINGS as S } from './settings.js';
import { clearFailures, lockedUntil, progressiveDelayMs, recordFailure } from './throttle.js';

export const TOTP_SETTINGS = {
  algorithm: 'SHA1',
  digits: 6,
  periodSeconds: 30,
  /** Steps accepted on each side of the current one (clock drift, typing time). */
  window: 1,
  secretBytes: 20,
  recoveryCodeCount: 10,
} as const;

/** Lower-case letters and digits without 0/o, 1/l/i (read aloud or copied by hand). */
export const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

const HKDF_INFO = 'guichet/identity/totp-secret/aes-256-gcm/v1';

// — Secret encryption —

function encryptionKey(appSecret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(appSecret, 'utf8'), Buffer.alloc(0), HKDF_INFO, 32));
}

function requireAppSecret(ctx: AppContext): string {
  const secret = ctx.config.secret;
  if (!secret) throw new Error('application secret missing: TOTP secrets cannot be encrypted');
  return secret;
}

export function encryptTotpSecret(appSecret: string, accountId: string, secret: Uint8Array): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', encryptionKey(appSecret), iv);
  cipher.setAAD(Buffer.from(accountId, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(secret), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64');
}

/** Decrypts a stored secret; throws if it was tampered with, moved, or the app secret changed. */
export function decryptTotpSecret(appSecret: string, accountId: string, stored: string): Uint8Array {
  const raw = Buffer.from(stored, 'base64');
  if (raw.length < 12 + 16 + 1) throw new Error('stored TOTP secret too short');
  const decipher = createDecipheriv('aes-256-gcm', encryptionKey(appSecret), raw.subarray(0, 12));
  decipher.setAAD(Buffer.from(accountId, 'utf8'));
  decipher.setAuthTag(raw.subarray(12, 28));
  return new Uint8Array(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]));
}

// — TOTP —

export function currentStep(nowMs = Date.now()): number {
  return Math.floor(nowMs / 1000 / TOTP_SETTINGS.periodSeconds);
}

function secretOf(bytes: Uint8Array): Secret {
  return new Secret({ buffer: Uint8Array.from(bytes).buffer });
}

export function base32Secret(bytes: Uint8Array): string {
  return secretOf(bytes).base32;
}

/** The secret in groups of 4 characters, for manual entry. */
export function groupedSecret(base32: string): string {
  return base32.replace(/(.{4})(?=.)/g, '$1 ');
}

/** The otpauth:// URI for authenticator apps: issuer = commune, label = e-mail. */
export function totpUri(bytes: Uint8Array, issuer: string, label: string): string {
  return new TOTP({
    issuer,
    label,
    secret: secretOf(bytes),
    algorithm: TOTP_SETTINGS.algorithm,
    digits: TOTP_SETTINGS.digits,
    period: TOTP_SETTINGS.periodSeconds,
  }).toString();
}

/** The code of one step (tests and the verification loop). */
export function totpCodeAt(bytes: Uint8Array, step: number): string {
  return HOTP.generate({
    secret: secretOf(bytes),
    algorithm: TOTP_SETTINGS.algorithm,
    digits: TOTP_SETTINGS.digits,
    counter: step,
  });
}

export type TotpCheck = { ok: true; step: number } | { ok: false; reason: 'invalid' | 'replayed' };

/**
 * Checks a 6-digit code against the steps around now. Every step of the window is computed and
 * compared in constant time; a matching step not newer than `lastUsedStep` is a replay.
 */
export function checkTotpCode(
  bytes: Uint8Array,
  code: string,
  lastUsedStep: number | null,
  nowMs = Date.now(),
): TotpCheck {
  if (!/^\d{6}$/.test(code)) return { ok: false, reason: 'invalid' };
  const now = currentStep(nowMs);
  const given = Buffer.from(code);
  let accepted: number | null = null;
  let replayed = false;
  for (let step = now - TOTP_SETTINGS.window; step <= now + TOTP_SETTINGS.window; step += 1) {
    if (!timingSafeEqual(Buffer.from(totpCodeAt(bytes, step)), given)) continue;
    if (lastUsedStep !== null && step <= lastUsedStep) replayed = true;
    else accepted ??= step;
  }
  if (accepted !== null) return { ok: true, step: accepted };
  return { ok: false, reason: replayed ? 'replayed' : 'invalid' };
}

// — Input formats —

/** "123 456" → "123456"; undefined when it is not 6 digits. */
export function normalizeTotpCode(input: string): string | undefined {
  const compact = input.replace(/[\s.-]/g, '');
  return /^\d{6}$/.test(compact) ? compact : undefined;
}

/** "ABCD EFGH", "abcdefgh", "abcd-efgh" → "abcd-efgh"; undefined when it cannot be a recovery code. */
export function normalizeRecoveryCode(input: string): string | undefined {
  const compact = input.toLowerCase().replace(/[\s-]/g, '');
  if (compact.length !== 8) return undefined;
  for (const c of compact) if (!RECOVERY_ALPHABET.includes(c)) return undefined;
  return `${compact.slice(0, 4)}-${compact.slice(4)}`;
}

export function generateRecoveryCodes(count: number = TOTP_SETTINGS.recoveryCodeCount): string[] {
  const codes = new Set<string>();
  while (codes.size < count) {
    let raw = '';
    for (let i = 0; i < 8; i += 1) raw += RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)];
    codes.add(`${raw.slice(0, 4)}-${raw.slice(4)}`);
  }
  return [...codes];
}

// — Storage —

export interface TotpFactorRow {
  accountId: string;
  secretEncrypted: string;
  confirmedAt: Date | null;
  lastUsedStep: number | null;
  createdAt: Date;
}

function toRow(r: {
  account_id: string;
  secret_encrypted: string;
  confirmed_at: Date | null;
  last_used_step: string | number | null;
  created_at: Date;
}): TotpFactorRow {
  return {
    accountId: r.account_id,
    secretEncrypted: r.secret_encrypted,
    confirmedAt: r.confirmed_at,
    lastUsedStep: r.last_used_step === null ? null : Number(r.last_used_step),
    createdAt: r.created_at,
  };
}

export async function findTotpFactor(tx: Tx, accountId: string, forUpdate = false): Promise<TotpFactorRow | undefined> {
  const { rows } = await tx.client.query(
    `SELECT account_id, secret_encrypted, confirmed_at, last_used_step, created_at
       FROM totp_factor WHERE account_id = $1${forUpdate ? ' FOR UPDATE' : ''}`,
    [accountId],
  );
  return rows[0] ? toRow(rows[0]) : undefined;
}

export async function countUnusedRecoveryCodes(tx: Tx, accountId: string): Promise<number> {
  const { rows } = await tx.client.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM recovery_code WHERE account_id = $1 AND used_at IS NULL',
    [accountId],
  );
  return rows[0]?.n ?? 0;
}

export async function countPasskeys(tx: Tx, accountId: string): Promise<number> {
  const { rows } = await tx.client.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM passkey WHERE account_id = $1',
    [accountId],
  );
  return rows[0]?.n ?? 0;
}

/** Replaces every recovery code of the account (used or not) by new hashes. */
async function replaceRecoveryCodes(tx: Tx, accountId: string, hashes: string[]): Promise<void> {
  await tx.client.query('DELETE FROM recovery_code WHERE account_id = $1', [accountId]);
  for (const codeHash of hashes) {
    await tx.client.query('INSERT INTO recovery_code (id, account_id, code_hash) VALUES ($1, $2, $3)', [
      uuidv7(),
      accountId,
      codeHash,
    ]);
  }
}

async function hashRecoveryCodes(codes: string[]): Promise<string[]> {
  const hashes: string[] = [];
  for (const code of codes) hashes.push(await hashPassword(code));
  return hashes;
}

// — Use cases —

export function actorType(actor: Actor): 'agent' | 'citizen' | 'operator' {
  if (isStaff(actor)) return 'agent';
  return actor.isOperator ? 'operator' : 'citizen';
}

export function mfaThrottleKey(accountId: string): string {
  return `mfa:${accountId}`;
}

function securityLink(ctx: AppContext, commune: Commune): string {
  return `${ctx.config.publicUrl}/c/${commune.slug}/compte/securite`;
}

function codeError(message: string, status = 422): AppError {
  return new AppError('auth.mfa_code_invalid', 'second-factor code refused', status, {
    userMessage: message,
    fields: { code: message },
  });
}

export const CODE_MESSAGES = {
  empty: 'Saisissez le code à 6 chiffres affiché par votre application.',
  format:
    'Saisissez le code à 6 chiffres affiché par votre application, ou l’un de vos codes de secours (par exemple abcd-efgh).',
  formatTotpOnly: 'Saisissez le code à 6 chiffres affiché par votre application, sans lettres.',
  invalid:
    'Ce code est incorrect. Saisissez le code affiché en ce moment par votre application ; si l’erreur se répète, vérifiez que l’heure de votre téléphone est à l’heure automatique.',
  replayed: 'Ce code a déjà été utilisé. Attendez que votre application affiche le code suivant, puis saisissez-le.',
  recoveryInvalid: 'Ce code de secours est incorrect ou a déjà été utilisé.',
} as const;

function lockedCodeError(until: Date): AppError {
  const message = `Trop de codes incorrects. Par sécurité, réessayez après le ${formatDateTime(until)}.`;
  return codeError(message, 429);
}

/** A new session, marked as past the second factor, replacing the current one (new id at privilege change). */
export async function rotateSession(tx: Tx, actor: Actor, request: FastifyRequest): Promise<string> {
  const { rows } = await tx.client.query<{ auth_method: AuthMethod; expires_at: Date }>(
    'SELECT auth_method, expires_at FROM session WHERE id = $1 AND account_id = $2',
    [actor.sessionId, actor.accountId],
  );
  const old = rows[0];
  const created = await createSession(tx, actor.accountId, old?.auth_method ?? 'password', request, {
    mfaVerified: true,
  });
  // The absolute timeout still counts from the original sign-in.
  if (old)
    await tx.client.query('UPDATE session SET expires_at = $2 WHERE id = $1', [created.session.id, old.expires_at]);
  await revokeSession(tx, actor.accountId, actor.sessionId);
  return created.token;
}

type Attempt<T> = { ok: true; value: T } | { ok: false; error: AppError; failures: number };

/** Records one wrong code (own transaction, so that it survives the refusal) and returns the error to throw. */
async function failedAttempt(
  tx: Tx,
  actor: Actor,
  request: FastifyRequest,
  purpose: string,
  message: string,
): Promise<{ ok: false; error: AppError; failures: number }> {
  const state = await recordFailure(tx, mfaThrottleKey(actor.accountId), S.lockoutAfterFailures);
  const locked = state.lockedUntil && state.lockedUntil > new Date() ? state.lockedUntil : null;
  await recordAudit(tx, {
    action: locked ? 'auth.mfa_locked' : 'auth.mfa_failed',
    actorType: actorType(actor),
    actorId: actor.accountId,
    data: { ...clientInfo(request), purpose, failures: state.failures },
  });
  return { ok: false, error: locked ? lockedCodeError(locked) : codeError(message), failures: state.failures };
}

async function settle<T>(attempt: Attempt<T>): Promise<T> {
  if (attempt.ok) return attempt.value;
  const delay = progressiveDelayMs(attempt.failures);
  if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
  throw attempt.error;
}

async function assertNotLocked(ctx: AppContext, commune: Commune, accountId: string): Promise<void> {
  const until = await withTenant(ctx.database, commune.id, (tx) => lockedUntil(tx, mfaThrottleKey(accountId)));
  if (until) throw lockedCodeError(until);
}

/** The clear secret of a stored factor; a 409 with a French message when it cannot be read (app secret changed). */
function readableSecret(appSecret: string, factor: TotpFactorRow): Uint8Array {
  try {
    return decryptTotpSecret(appSecret, factor.accountId, factor.secretEncrypted);
  } catch (cause) {
    throw new AppError('auth.mfa_secret_unreadable', 'stored TOTP secret cannot be decrypted', 409, {
      cause,
      userMessage:
        'Votre double authentification ne peut pas être vérifiée à la suite d’une opération technique sur le guichet. Contactez la mairie : un agent pourra la réinitialiser après avoir vérifié votre identité.',
    });
  }
}

/**
 * Checks a TOTP code of the account's factor (`confirmed`: the active factor; `pending`: the one
 * being enrolled) and, in the same transaction, records its step and runs `onSuccess`.
 */
export async function useTotpCode<T>(
  ctx: AppContext,
  commune: Commune,
  actor: Actor,
  request: FastifyRequest,
  rawCode: string,
  options: { factor: 'confirmed' | 'pending'; purpose: string },
  onSuccess: (tx: Tx) => Promise<T>,
): Promise<T> {
  const code = normalizeTotpCode(rawCode);
  if (!rawCode.trim()) throw codeError(CODE_MESSAGES.empty);
  if (!code) throw codeError(CODE_MESSAGES.formatTotpOnly);
  await assertNotLocked(ctx, commune, actor.accountId);
  const appSecret = requireAppSecret(ctx);
  const attempt = await withTenant(ctx.database, commune.id, async (tx): Promise<Attempt<T>> => {
    const factor = await findTotpFactor(tx, actor.accountId, true);
    const usable =
      factor && (options.factor === 'confirmed' ? factor.confirmedAt !== null : factor.confirmedAt === null);
    if (!factor || !usable) {
      throw new AppError('auth.mfa_factor_missing', `no ${options.factor} TOTP factor`, 409, {
        userMessage: 'La double authentification de votre compte a changé entre-temps. Rechargez la page.',
      });
    }
    const check = checkTotpCode(readableSecret(appSecret, factor), code, factor.lastUsedStep);
    if (!check.ok) {
      return failedAttempt(tx, actor, request, options.purpose, CODE_MESSAGES[check.reason]);
    }
    await tx.client.query('UPDATE totp_factor SET last_used_step = $2 WHERE account_id = $1', [
      actor.accountId,
      check.step,
    ]);
    await clearFailures(tx, mfaThrottleKey(actor.accountId));
    return { ok: true, value: await onSuccess(tx) };
  });
  return settle(attempt);
}

/** Starts (or resumes) enrolment: a pending factor with a fresh secret. Returns the clear secret. */
export async function beginTotpEnrolment(ctx: AppContext, commune: Commune, actor: Actor): Promise<Uint8Array> {
  const appSecret = requireAppSecret(ctx);
  return withTenant(ctx.database, commune.id, async (tx) => {
    const existing = await findTotpFactor(tx, actor.accountId, true);
    if (existing?.confirmedAt) {
      throw new AppError('auth.mfa_already_enabled', 'TOTP already confirmed', 409, {
        userMessage: 'La double authentification est déjà activée sur votre compte.',
      });
    }
    if (existing) {
      try {
        return decryptTotpSecret(appSecret, actor.accountId, existing.secretEncrypted);
      } catch {
        // Unreadable (application secret changed): start again below.
      }
    }
    const secret = new Uint8Array(randomBytes(TOTP_SETTINGS.secretBytes));
    await tx.client.query(
      `INSERT INTO totp_factor (account_id, secret_encrypted) VALUES ($1, $2)
       ON CONFLICT (account_id) DO UPDATE SET secret_encrypted = EXCLUDED.secret_encrypted,
         confirmed_at = NULL, last_used_step = NULL, created_at = now()`,
      [actor.accountId, encryptTotpSecret(appSecret, actor.accountId, secret)],
    );
    return secret;
  });
}

/**
 * Confirms enrolment with a first code: the factor becomes active, 10 recovery codes are
 * created (returned once, in clear), the session is replaced by a verified one, a mail is sent.
 */
export async function confirmTotpEnrolment(
  ctx: AppContext,
  commune: Commune,
  actor: Actor,
  rawCode: string,
  request: FastifyRequest,
): Promise<{ recoveryCodes: string[]; sessionToken: string }> {
  const recoveryCodes = generateRecoveryCodes();
  const hashes = await hashRecoveryCodes(recoveryCodes);
  const sessionToken = await useTotpCode(
    ctx,
    commune,
    actor,
    request,
    rawCode,
    { factor: 'pending', purpose: 'enrolment' },
    async (tx) => {
      await tx.client.query('UPDATE totp_factor SET confirmed_at = now() WHERE account_id = $1', [actor.accountId]);
      await replaceRecoveryCodes(tx, actor.accountId, hashes);
      const token = await rotateSession(tx, actor, request);
      await recordAudit(tx, {
        action: 'auth.mfa_enabled',
        actorType: actorType(actor),
        actorId: actor.accountId,
        targetType: 'account',
        targetId: actor.accountId,
        data: { ...clientInfo(request), factor: 'totp', recoveryCodes: recoveryCodes.length },
      });
      await queueMail(tx, ctx.queue, {
        to: actor.email,
        template: IDENTITY_MAILS.mfaEnabled,
        variables: {
          communeName: commune.name,
          when: formatDateTime(new Date()),
          securityLink: securityLink(ctx, commune),
        },
      });
      return token;
    },
  );
  return { recoveryCodes, sessionToken };
}

async function markVerified(tx: Tx, actor: Actor, request: FastifyRequest, method: 'totp' | 'recovery_code') {
  const token = await rotateSession(tx, actor, request);
  await recordAudit(tx, {
    action: 'auth.mfa_verified',
    actorType: actorType(actor),
    actorId: actor.accountId,
    data: { ...clientInfo(request), method },
  });
  return token;
}

/**
 * The second-factor challenge after a password sign-in: a TOTP code or a recovery code.
 * Returns the token of the new, verified session.
 */
export async function verifySecondFactor(
  ctx: AppContext,
  commune: Commune,
  actor: Actor,
  rawCode: string,
  request: FastifyRequest,
): Promise<string> {
  if (!rawCode.trim()) throw codeError(CODE_MESSAGES.empty);
  if (normalizeTotpCode(rawCode)) {
    return useTotpCode(ctx, commune, actor, request, rawCode, { factor: 'confirmed', purpose: 'sign_in' }, (tx) =>
      markVerified(tx, actor, request, 'totp'),
    );
  }
  const recovery = normalizeRecoveryCode(rawCode);
  if (!recovery) throw codeError(CODE_MESSAGES.format);
  await assertNotLocked(ctx, commune, actor.accountId);

  const candidates = await withTenant(ctx.database, commune.id, async (tx) => {
    const factor = await findTotpFactor(tx, actor.accountId);
    if (!factor?.confirmedAt) return [];
    const { rows } = await tx.client.query<{ id: string; code_hash: string }>(
      'SELECT id, code_hash FROM recovery_code WHERE account_id = $1 AND used_at IS NULL ORDER BY id',
      [actor.accountId],
    );
    return rows;
  });
  // Argon2 outside the transaction (on PGlite a transaction holds the only connection).
  let matched: string | undefined;
  for (const candidate of candidates) {
    if (!matched && (await verifyPassword(candidate.code_hash, recovery))) matched = candidate.id;
  }
  if (candidates.length === 0) await verifyAgainstDummy(recovery);

  const attempt = await withTenant(ctx.database, commune.id, async (tx): Promise<Attempt<string>> => {
    const used = matched
      ? await tx.client.query(
          'UPDATE recovery_code SET used_at = now() WHERE id = $1 AND account_id = $2 AND used_at IS NULL RETURNING id',
          [matched, actor.accountId],
        )
      : undefined;
    if (used?.rowCount !== 1) {
      return failedAttempt(tx, actor, request, 'sign_in', CODE_MESSAGES.recoveryInvalid);
    }
    await clearFailures(tx, mfaThrottleKey(actor.accountId));
    const remaining = await countUnusedRecoveryCodes(tx, actor.accountId);
    await recordAudit(tx, {
      action: 'auth.recovery_code_used',
      actorType: actorType(actor),
      actorId: actor.accountId,
      data: { ...clientInfo(request), remaining },
    });
    await queueMail(tx, ctx.queue, {
      to: actor.email,
      template: IDENTITY_MAILS.recoveryCodeUsed,
      variables: {
        communeName: commune.name,
        when: formatDateTime(new Date()),
        remaining,
        securityLink: securityLink(ctx, commune),
      },
    });
    return { ok: true, value: await markVerified(tx, actor, request, 'recovery_code') };
  });
  return settle(attempt);
}

/** Replaces the recovery codes (the old ones stop working). Call after a step-up check. */
export async function regenerateRecoveryCodes(
  ctx: AppContext,
  commune: Commune,
  actor: Actor,
  request: FastifyRequest,
): Promise<string[]> {
  const codes = generateRecoveryCodes();
  const hashes = await hashRecoveryCodes(codes);
  await withTenant(ctx.database, commune.id, async (tx) => {
    const factor = await findTotpFactor(tx, actor.accountId, true);
    if (!factor?.confirmedAt) {
      throw new AppError('auth.mfa_not_enabled', 'no confirmed TOTP factor', 409, {
        userMessage: 'Activez d’abord la double authentification par application.',
      });
    }
    await replaceRecoveryCodes(tx, actor.accountId, hashes);
    await recordAudit(tx, {
      action: 'auth.recovery_codes_regenerated',
      actorType: actorType(actor),
      actorId: actor.accountId,
      targetType: 'account',
      targetId: actor.accountId,
      data: { ...clientInfo(request), recoveryCodes: codes.length },
    });
    await queueMail(tx, ctx.queue, {
      to: actor.email,
      template: IDENTITY_MAILS.recoveryCodesRegenerated,
      variables: {
        communeName: commune.name,
        when: formatDateTime(new Date()),
        securityLink: securityLink(ctx, commune),
      },
    });
  });
  return codes;
}

/**
 * Whether the account may remove its TOTP factor: citizens may; staff (agents, élus, admins,
 * operators — here or wherever their second factor became mandatory) only if a passkey remains.
 */
export async function mayDisableTotp(tx: Tx, actor: Actor): Promise<boolean> {
  const { rows } = await tx.client.query<{ required: boolean }>(
    'SELECT mfa_required_from IS NOT NULL AS required FROM account WHERE id = $1',
    [actor.accountId],
  );
  const mustKeepFactor = actor.isOperator || isStaff(actor) || rows[0]?.required === true;
  if (!mustKeepFactor) return true;
  return (await countPasskeys(tx, actor.accountId)) > 0;
}

export const STAFF_MUST_KEEP_FACTOR =
  'Les agents, élus et administrateurs doivent garder une double authentification : vous ne pouvez pas désactiver l’application d’authentification. Vous pouvez la remplacer en ajoutant d’abord une clé d’accès.';

/** Removes the TOTP factor and its recovery codes. Call after a step-up check. */
export async function disableTotp(ctx: AppContext, commune: Commune, actor: Actor, request: FastifyRequest) {
  await withTenant(ctx.database, commune.id, async (tx) => {
    const factor = await findTotpFactor(tx, actor.accountId, true);
    if (!factor) return;
    if (!factor.confirmedAt) {
      // An abandoned enrolment: nothing was active.
      await tx.client.query('DELETE FROM totp_factor WHERE account_id = $1', [actor.accountId]);
      return;
    }
    if (!(await mayDisableTotp(tx, actor))) {
      throw new AppError('auth.mfa_required_for_staff', 'staff must keep a second factor', 403, {
        userMessage: STAFF_MUST_KEEP_FACTOR,
      });
    }
    await tx.client.query('DELETE FROM recovery_code WHERE account_id = $1', [actor.accountId]);
    await tx.client.query('DELETE FROM totp_factor WHERE account_id = $1', [actor.accountId]);
    await recordAudit(tx, {
      action: 'auth.mfa_disabled',
      actorType: actorType(actor),
      actorId: actor.accountId,
      targetType: 'account',
      targetId: actor.accountId,
      data: { ...clientInfo(request), factor: 'totp' },
    });
    await queueMail(tx, ctx.queue, {
      to: actor.email,
      template: IDENTITY_MAILS.mfaDisabled,
      variables: {
        communeName: commune.name,
        when: formatDateTime(new Date()),
        securityLink: securityLink(ctx, commune),
      },
    });
  });
}
