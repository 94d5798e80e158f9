/**
 * Federated sign-in with OpenID Connect (openid-client 6): FranceConnect v2 for citizens and
 * ProConnect for agents, élus and admins. Authorization code flow with PKCE (S256), state and
 * nonce of 43 characters, `acr_values=eidas1`; the ID token (iss, aud, exp, nonce, signature) and
 * the userinfo JWT (signature, aud, iss) are verified. A provider is used only when configured:
 * discovery happens at its first use, never at start-up.
 *
 * The pending authorization is a row of `oidc_authorization` (SHA-256 of the state), bound to the
 * browser by a cookie whose SHA-256 is stored with it, valid 10 minutes and consumed once.
 *
 * Accounts: FranceConnect finds the account by (provider, sub), else by e-mail, else creates a
 * citizen account; ProConnect only signs in an existing staff member of the commune, matched by
 * professional e-mail (its `sub` differs per identity provider), and never creates an account.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import * as client from 'openid-client';
import { v7 as uuidv7 } from 'uuid';
import type { Config, OidcProviderConfig } from '../../config/config.js';
import { recordAudit } from '../../platform/audit/journal.js';
import { STAFF_ROLES } from '../../platform/authz/actor.js';
import type { AppContext } from '../../platform/context.js';
import { type Tx, withTenant } from '../../platform/db/tenant.js';
import { clientInfo } from '../../platform/http/client-info.js';
import type { Commune } from '../../platform/tenancy/communes.js';
import {
  addMembership,
  findAccountByEmail,
  findAccountById,
  hasSecondFactor,
  insertAccount,
  markEmailVerified,
  membershipsInCommune,
  normalizeEmail,
} from './repo.js';
import type { Account } from './schema.js';
import { createSession } from './sessions.js';
import { IDENTITY_SETTINGS } from './settings.js';

export type FederatedProvider = 'franceconnect' | 'proconnect';
export const FEDERATED_PROVIDERS: readonly FederatedProvider[] = ['franceconnect', 'proconnect'];

interface ProviderTraits {
  /** Name shown to people. */
  name: string;
  /** Official wording of the sign-in button. */
  buttonLabel: string;
  scope: string;
  /** Extra authorization parameters (ProConnect refuses any parameter it does not know). */
  extraParameters: Record<string, string>;
  /** Where to go after sign-in when no return path was given (below /c/<slug>). */
  defaultReturn: string;
}

export const PROVIDER_TRAITS: Record<FederatedProvider, ProviderTraits> = {
  franceconnect: {
    name: 'FranceConnect',
    buttonLabel: 'S’identifier avec FranceConnect',
    scope: 'openid given_name family_name birthdate email',
    extraParameters: {},
    defaultReturn: '/espace',
  },
  proconnect: {
    name: 'ProConnect',
    buttonLabel: 'S’identifier avec ProConnect',
    scope: 'openid email given_name usual_name uid siret idp_id',
    // The authentication methods (amr) tell whether the agent used a second factor.
    extraParameters: { claims: JSON.stringify({ id_token: { amr: { essential: true } } }) },
    defaultReturn: '/espace',
  },
};

/** The browser-binding cookie of pending authorizations (random, 10 minutes, stored hashed). */
export const OIDC_BROWSER_COOKIE = 'guichet_oidc';
const PENDING_MINUTES = 10;
const DISCOVERY_TTL_MS = 60 * 60_000;
const HTTP_TIMEOUT_SECONDS = 10;

export function providerSettings(config: Config, provider: FederatedProvider): OidcProviderConfig | undefined {
  return provider === 'franceconnect' ? config.franceConnect : config.proConnect;
}

export function isFederatedProvider(value: unknown): value is FederatedProvider {
  return value === 'franceconnect' || value === 'proconnect';
}

/** The sign-in buttons to show on a commune's connexion page: configured providers only. */
export function federatedSignInButtons(
  config: Config,
  communeSlug: string,
  returnPath?: string,
): Array<{ provider: FederatedProvider; href: string; label: string }> {
  const query = returnPath ? `?retour=${encodeURIComponent(returnPath)}` : '';
  return FEDERATED_PROVIDERS.filter((p) => providerSettings(config, p)).map((provider) => ({
    provider,
    href: `/c/${communeSlug}/connexion/${provider}${query}`,
    label: PROVIDER_TRAITS[provider].buttonLabel,
  }));
}

export function callbackUrl(config: Config, communeSlug: string, provider: FederatedProvider): string {
  return `${config.publicUrl}/c/${communeSlug}/connexion/${provider}/retour`;
}

export function postLogoutUrl(config: Config, communeSlug: string, provider: FederatedProvider): string {
  return `${config.publicUrl}/c/${communeSlug}/deconnexion/${provider}/retour`;
}

// — Provider clients (discovery, cached per issuer and client) —

const clients = new Map<string, { at: number; config: Promise<client.Configuration> }>();

/**
 * The openid-client configuration of a provider: discovery once an hour, retried after a failure.
 * With `signedUserinfo` (FranceConnect), a userinfo answer that is not a JWT is refused.
 */
export function providerClient(
  settings: OidcProviderConfig,
  options: { signedUserinfo: boolean },
): Promise<client.Configuration> {
  const key = `${settings.issuer}\n${settings.clientId}\n${options.signedUserinfo}`;
  const cached = clients.get(key);
  if (cached && Date.now() - cached.at < DISCOVERY_TTL_MS) return cached.config;
  const insecure = settings.issuer.startsWith('http://'); // loopback only, checked by the configuration
  const config = client
    .discovery(new URL(settings.issuer), settings.clientId, undefined, client.ClientSecretPost(settings.clientSecret), {
      execute: insecure ? [client.allowInsecureRequests] : [],
      timeout: HTTP_TIMEOUT_SECONDS,
    })
    .then((configuration) => {
      configuration.timeout = HTTP_TIMEOUT_SECONDS;
      // Verify the signatures of the ID token and of the userinfo JWT against the provider's keys.
      client.enableNonRepudiationChecks(configuration);
      const userinfoEndpoint = configuration.serverMetadata().userinfo_endpoint;
      if (options.signedUserinfo && userinfoEndpoint) {
        configuration[client.customFetch] = async (url, init) => {
          const response = await fetch(url, init as RequestInit);
          const type = response.headers.get('content-type') ?? '';
          if (url === userinfoEndpoint && response.ok && !type.startsWith('application/jwt')) {
            throw new Error('userinfo_not_signed: the userinfo answer is not a signed JWT');
          }
          return response;
        };
      }
      return configuration;
    });
  clients.set(key, { at: Date.now(), config });
  config.catch(() => {
    if (clients.get(key)?.config === config) clients.delete(key);
  });
  return config;
}

// — Claims —

export interface FranceConnectIdentity {
  subject: string;
  email: string;
  /** Every first name, separated by single spaces (FranceConnect sends them all); may be empty. */
  givenNames: string;
  familyName: string;
  /** Usage name (`preferred_username`), when sent. */
  preferredUsername: string | null;
  /** YYYY-MM-DD, or null when absent or not a date. */
  birthdate: string | null;
  /** The month or the day may be presumed (FranceConnect sends YYYY-01-01 or YYYY-MM-01 then). */
  birthdateMayBePresumed: boolean;
  gender: 'male' | 'female' | null;
  /** INSEE code of the birthplace; null when born abroad (FranceConnect sends an empty string). */
  birthplace: string | null;
  /** INSEE country code: 99100 for France. */
  birthcountry: string | null;
  bornAbroad: boolean | null;
  acr: string | null;
}

export interface ProConnectIdentity {
  subject: string;
  /** Professional e-mail, lower-cased: the key that reconciles accounts. */
  email: string;
  givenName: string;
  usualName: string;
  uid: string | null;
  siret: string | null;
  idpId: string | null;
  organizationalUnit: string | null;
  amr: string[];
  /** The identity provider reports a multi-factor authentication. */
  multiFactor: boolean;
}

export class ClaimsError extends Error {
  constructor(readonly reason: 'missing_email' | 'invalid_claims') {
    super(reason);
  }
}

type Claims = Record<string, unknown>;

function text(value: unknown, max = 200): string {
  return typeof value === 'string' ? value.replace(/\s+/g, ' ').trim().slice(0, max) : '';
}

function optionalText(value: unknown, max = 200): string | null {
  return text(value, max) || null;
}

function emailClaim(value: unknown): string {
  const email = typeof value === 'string' ? normalizeEmail(value) : '';
  if (!email) throw new ClaimsError('missing_email');
  if (email.length > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new ClaimsError('invalid_claims');
  return email;
}

function subjectClaim(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 255) throw new ClaimsError('invalid_claims');
  return value;
}

/** Parses a FranceConnect birthdate; "00" month or day (presumed) become "01". */
export function parseBirthdate(value: unknown): { date: string | null; mayBePresumed: boolean } {
  const match = typeof value === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim()) : null;
  if (!match) return { date: null, mayBePresumed: false };
  const [, year, rawMonth, rawDay] = match as unknown as [string, string, string, string];
  const month = rawMonth === '00' ? '01' : rawMonth;
  const day = rawDay === '00' ? '01' : rawDay;
  const date = new Date(`${year}-${month}-${day}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== `${year}-${month}-${day}`) {
    return { date: null, mayBePresumed: false };
  }
  if (date.getTime() > Date.now()) return { date: null, mayBePresumed: false };
  return { date: `${year}-${month}-${day}`, mayBePresumed: day === '01' };
}

/** Maps FranceConnect claims (ID token and userinfo merged) to an identity. */
export function mapFranceConnectClaims(claims: Claims): FranceConnectIdentity {
  const birth = parseBirthdate(claims.birthdate);
  const birthplace = typeof claims.birthplace === 'string' ? claims.birthplace.trim() : null;
  const birthcountry = optionalText(claims.birthcountry, 5);
  return {
    subject: subjectClaim(claims.sub),
    email: emailClaim(claims.email),
    givenNames: text(claims.given_name),
    familyName: text(claims.family_name),
    preferredUsername: optionalText(claims.preferred_username),
    birthdate: birth.date,
    birthdateMayBePresumed: birth.mayBePresumed,
    gender: claims.gender === 'male' || claims.gender === 'female' ? claims.gender : null,
    birthplace: birthplace && /^[0-9][0-9AB][0-9]{3}$/.test(birthplace) ? birthplace : null,
    birthcountry,
    bornAbroad: birthcountry !== null ? birthcountry !== '99100' : birthplace === '' ? true : birthplace ? false : null,
    acr: optionalText(claims.acr, 100),
  };
}

/** Maps ProConnect claims (ID token and userinfo merged) to an identity. */
export function mapProConnectClaims(claims: Claims): ProConnectIdentity {
  const amr = Array.isArray(claims.amr) ? claims.amr.filter((v): v is string => typeof v === 'string') : [];
  const siret = typeof claims.siret === 'string' ? claims.siret.replace(/\s/g, '') : '';
  return {
    subject: subjectClaim(claims.sub),
    email: emailClaim(claims.email),
    givenName: text(claims.given_name),
    usualName: text(claims.usual_name),
    uid: optionalText(claims.uid),
    siret: /^\d{14}$/.test(siret) ? siret : null,
    idpId: optionalText(claims.idp_id),
    organizationalUnit: optionalText(claims.organizational_unit),
    amr,
    multiFactor: amr.includes('mfa'),
  };
}

// — Starting a sign-in —

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** A browser-binding token: the one the browser already has, or a new one. */
export function browserToken(existing: string | undefined): string {
  return existing && /^[A-Za-z0-9_-]{43}$/.test(existing) ? existing : randomBytes(32).toString('base64url');
}

export class ProviderUnavailableError extends Error {
  constructor(
    readonly provider: FederatedProvider,
    options?: { cause?: unknown },
  ) {
    super(`identity provider ${provider} unavailable`, options);
  }
}

/** True when an openid-client failure means the provider could not be reached or answered 5xx. */
function isUnavailable(error: unknown): boolean {
  if (isNetworkError(error)) return true;
  if (error instanceof client.ResponseBodyError) return error.status >= 500;
  if (error instanceof client.ClientError) {
    return ['OAUTH_TIMEOUT', 'OAUTH_ABORT', 'OAUTH_RESPONSE_IS_NOT_CONFORM', 'OAUTH_RESPONSE_IS_NOT_JSON'].includes(
      error.code ?? '',
    );
  }
  return false;
}

/**
 * Records a pending authorization and returns the provider's authorization URL. Throws
 * ProviderUnavailableError when the provider's discovery fails.
 */
export async function startFederatedSignIn(
  ctx: AppContext,
  commune: Commune,
  provider: FederatedProvider,
  returnPath: string,
  browser: string,
): Promise<string> {
  const settings = providerSettings(ctx.config, provider);
  if (!settings) throw new Error(`${provider} is not configured`);
  let configuration: client.Configuration;
  try {
    configuration = await providerClient(settings, { signedUserinfo: provider === 'franceconnect' });
  } catch (error) {
    throw new ProviderUnavailableError(provider, { cause: error });
  }
  const state = client.randomState();
  const nonce = client.randomNonce();
  const codeVerifier = client.randomPKCECodeVerifier();
  const url = client.buildAuthorizationUrl(configuration, {
    response_type: 'code',
    redirect_uri: callbackUrl(ctx.config, commune.slug, provider),
    scope: PROVIDER_TRAITS[provider].scope,
    state,
    nonce,
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    acr_values: 'eidas1',
    ...PROVIDER_TRAITS[provider].extraParameters,
  });
  await withTenant(ctx.database, commune.id, async (tx) => {
    await tx.client.query('DELETE FROM oidc_authorization WHERE commune_id = $1 AND expires_at < now()', [commune.id]);
    await tx.client.query(
      `INSERT INTO oidc_authorization
         (id, commune_id, provider, purpose, state_hash, browser_hash, nonce, code_verifier, return_path, expires_at)
       VALUES ($1, $2, $3, 'sign_in', $4, $5, $6, $7, $8, now() + make_interval(mins => $9))`,
      [
        uuidv7(),
        commune.id,
        provider,
        sha256(state),
        sha256(browser),
        nonce,
        codeVerifier,
        returnPath.slice(0, 2000),
        PENDING_MINUTES,
      ],
    );
  });
  return url.href;
}

// — Coming back from the provider —

export type CallbackOutcome =
  | { kind: 'signed_in'; token: string; redirect: string }
  /** The person cancelled at the provider. */
  | { kind: 'cancelled' }
  /** Unknown, used, expired state, or another browser's. */
  | { kind: 'invalid_state' }
  /** The provider refused the code, or a check on the tokens failed. */
  | { kind: 'failed' }
  | { kind: 'unavailable' }
  | { kind: 'missing_email' }
  /** ProConnect: no staff account of this commune with this e-mail. */
  | { kind: 'no_staff_account'; email: string }
  | { kind: 'account_disabled' };

interface PendingAuthorization {
  nonce: string;
  code_verifier: string;
  return_path: string;
}

/**
 * Completes a sign-in from the provider's redirect: checks the state (once, this browser, within
 * 10 minutes), exchanges the code, verifies the tokens, then finds or creates the account and
 * opens a session. Every failure is an outcome, never an exception from the protocol.
 */
export async function completeFederatedSignIn(
  ctx: AppContext,
  commune: Commune,
  provider: FederatedProvider,
  rawQuery: string,
  browser: string | undefined,
  request: FastifyRequest,
): Promise<CallbackOutcome> {
  const settings = providerSettings(ctx.config, provider);
  if (!settings) return { kind: 'invalid_state' };
  const params = new URLSearchParams(rawQuery);
  const state = params.get('state') ?? '';
  if (!browser || state.length < 32 || state.length > 200) return { kind: 'invalid_state' };

  const pending = await withTenant(ctx.database, commune.id, async (tx) => {
    const { rows } = await tx.client.query<PendingAuthorization>(
      `UPDATE oidc_authorization SET used_at = now()
        WHERE commune_id = $1 AND provider = $2 AND purpose = 'sign_in' AND state_hash = $3 AND browser_hash = $4
          AND used_at IS NULL AND expires_at > now()
        RETURNING nonce, code_verifier, return_path`,
      [commune.id, provider, sha256(state), sha256(browser)],
    );
    return rows[0];
  });
  if (!pending) return { kind: 'invalid_state' };

  const failure = (reason: string, outcome: CallbackOutcome) =>
    withTenant(ctx.database, commune.id, async (tx) => {
      await recordAudit(tx, {
        action: 'auth.federated_sign_in_failed',
        actorType: provider === 'proconnect' ? 'agent' : 'citizen',
        data: { ...clientInfo(request), method: provider, reason },
        requestId: request.id,
      });
      return outcome;
    });

  const error = params.get('error');
  if (error === 'access_denied') return { kind: 'cancelled' };
  if (error) return failure(`provider_error:${error.slice(0, 50)}`, { kind: 'failed' });
  if (!params.get('code')) return failure('missing_code', { kind: 'failed' });

  let claims: Claims;
  let idToken: string | undefined;
  try {
    const configuration = await providerClient(settings, { signedUserinfo: provider === 'franceconnect' });
    const currentUrl = new URL(callbackUrl(ctx.config, commune.slug, provider));
    currentUrl.search = params.toString();
    const tokens = await client.authorizationCodeGrant(configuration, currentUrl, {
      pkceCodeVerifier: pending.code_verifier,
      expectedState: state,
      expectedNonce: pending.nonce,
      idTokenExpected: true,
    });
    const idClaims = tokens.claims()!;
    idToken = tokens.id_token;
    if (provider === 'franceconnect' && !['eidas1', 'eidas2', 'eidas3'].includes(String(idClaims.acr))) {
      return failure('acr', { kind: 'failed' });
    }
    const userinfo = await client.fetchUserInfo(configuration, tokens.access_token, idClaims.sub);
    // FranceConnect answers userinfo as a signed JWT: a plain JSON answer was refused by the
    // client's fetch, openid-client verified the signature, and aud and iss when present: require them.
    if (provider === 'franceconnect' && (userinfo.aud === undefined || userinfo.iss === undefined)) {
      return failure('userinfo_not_signed', { kind: 'failed' });
    }
    // Identity claims from userinfo; authentication claims (acr, amr) from the ID token.
    claims = { ...userinfo, sub: idClaims.sub, acr: idClaims.acr, amr: idClaims.amr };
  } catch (caught) {
    if (caught instanceof client.ClientError || isNetworkError(caught) || isOpenIdError(caught)) {
      const reason = errorReason(caught);
      ctx.logger.warn({ provider, reason }, 'federated sign-in refused');
      return failure(reason, isUnavailable(caught) ? { kind: 'unavailable' } : { kind: 'failed' });
    }
    throw caught;
  }

  try {
    return provider === 'franceconnect'
      ? await signInCitizen(ctx, commune, mapFranceConnectClaims(claims), idToken, pending.return_path, request)
      : await signInAgent(ctx, commune, mapProConnectClaims(claims), idToken, pending.return_path, request);
  } catch (caught) {
    if (caught instanceof ClaimsError) {
      return failure(
        `claims:${caught.reason}`,
        caught.reason === 'missing_email' ? { kind: 'missing_email' } : { kind: 'failed' },
      );
    }
    throw caught;
  }
}

/** fetch's own failure: connection refused, DNS, TLS. */
function isNetworkError(error: unknown): boolean {
  return error instanceof TypeError && error.message === 'fetch failed';
}

function isOpenIdError(error: unknown): boolean {
  return (
    (error instanceof TypeError && 'code' in error) || // openid-client's checks of what it received
    error instanceof client.ResponseBodyError ||
    error instanceof client.AuthorizationResponseError ||
    error instanceof client.WWWAuthenticateChallengeError
  );
}

function errorReason(error: unknown): string {
  if (error instanceof client.ResponseBodyError) return `token:${error.error}`.slice(0, 80);
  if (error instanceof client.AuthorizationResponseError) return `authorization:${error.error}`.slice(0, 80);
  if (error instanceof client.ClientError) {
    // The inner message names the failed check (e.g. unexpected ID Token "nonce" claim value), never a value.
    const detail = error.cause instanceof Error ? error.cause.message : error.message;
    return `check:${error.code ?? 'unknown'}:${detail}`.slice(0, 160);
  }
  if (isNetworkError(error)) return 'network';
  return 'unknown';
}

function withBase(commune: Commune, path: string): string {
  return `/c/${commune.slug}${path}`;
}

/** Where to go after a federated sign-in: the second-factor page first when one is due. */
function afterSignIn(commune: Commune, returnPath: string, needsSecondFactor: boolean): string {
  return needsSecondFactor
    ? withBase(commune, `/compte/double-authentification?retour=${encodeURIComponent(returnPath)}`)
    : returnPath;
}

async function openSession(
  tx: Tx,
  account: Account,
  provider: FederatedProvider,
  request: FastifyRequest,
  mfaVerified: boolean,
  idToken: string | undefined,
): Promise<string> {
  const created = await createSession(tx, account.id, provider, request, { mfaVerified });
  if (idToken && idToken.length <= 20_000) {
    await tx.client.query('UPDATE session SET federated_id_token = $1 WHERE id = $2', [idToken, created.session.id]);
  }
  return created.token;
}

/** Staff start their second-factor grace period at their first sign-in, as with a password. */
async function startMfaGrace(tx: Tx, account: Account, isStaffHere: boolean): Promise<void> {
  if (account.mfaRequiredFrom || !(account.isOperator || isStaffHere)) return;
  await tx.client.query('UPDATE account SET mfa_required_from = now() + make_interval(days => $2) WHERE id = $1', [
    account.id,
    IDENTITY_SETTINGS.mfaGraceDays,
  ]);
}

async function linkSubject(tx: Tx, provider: FederatedProvider, subject: string, accountId: string): Promise<boolean> {
  const { rows } = await tx.client.query<{ inserted: boolean }>(
    `INSERT INTO federated_identity (provider, subject, account_id, last_login_at) VALUES ($1, $2, $3, now())
     ON CONFLICT (provider, subject) DO UPDATE SET account_id = EXCLUDED.account_id, last_login_at = now()
     RETURNING (xmax = 0) AS inserted`,
    [provider, subject, accountId],
  );
  return rows[0]?.inserted ?? false;
}

/** FranceConnect: the linked account, else the account with this e-mail, else a new citizen account. */
async function signInCitizen(
  ctx: AppContext,
  commune: Commune,
  identity: FranceConnectIdentity,
  idToken: string | undefined,
  returnPath: string,
  request: FastifyRequest,
): Promise<CallbackOutcome> {
  return withTenant(ctx.database, commune.id, async (tx) => {
    const { rows } = await tx.client.query<{ account_id: string }>(
      `SELECT account_id FROM federated_identity WHERE provider = 'franceconnect' AND subject = $1`,
      [identity.subject],
    );
    let account = rows[0] ? await findAccountById(tx, rows[0].account_id) : undefined;
    let linked = false;
    if (!account) {
      const existing = await findAccountByEmail(tx, identity.email);
      if (existing) {
        if (!existing.emailVerifiedAt) {
          // Someone registered this address without proving it: their password must not survive
          // the owner's proof of the address (account pre-hijacking).
          await tx.client.query(
            'UPDATE account SET password_hash = NULL, password_policy_version = NULL WHERE id = $1',
            [existing.id],
          );
          await markEmailVerified(tx, existing.id);
        }
        account = existing;
      } else {
        account = await insertAccount(tx, {
          email: identity.email,
          emailVerifiedAt: new Date(),
          givenName: identity.givenNames,
          familyName: identity.familyName,
          birthDate: identity.birthdate,
          isOperator: false,
        });
        await recordAudit(tx, {
          action: 'account.registered',
          actorType: 'citizen',
          actorId: account.id,
          targetType: 'account',
          targetId: account.id,
          data: { ...clientInfo(request), via: 'franceconnect' },
          requestId: request.id,
        });
      }
      linked = await linkSubject(tx, 'franceconnect', identity.subject, account.id);
      if (linked) {
        await recordAudit(tx, {
          action: 'auth.franceconnect_linked',
          actorType: 'citizen',
          actorId: account.id,
          data: clientInfo(request),
          requestId: request.id,
        });
      }
    } else {
      await tx.client.query(
        `UPDATE federated_identity SET last_login_at = now() WHERE provider = 'franceconnect' AND subject = $1`,
        [identity.subject],
      );
    }
    if (account.disabledAt) return { kind: 'account_disabled' as const };
    if (!account.birthDate && identity.birthdate) {
      await tx.client.query('UPDATE account SET birth_date = $2 WHERE id = $1 AND birth_date IS NULL', [
        account.id,
        identity.birthdate,
      ]);
    }
    let memberships = await membershipsInCommune(tx, commune.id, account.id);
    if (memberships.length === 0) {
      await addMembership(tx, commune.id, account.id, 'citizen'); // consent by signing in here
      memberships = await membershipsInCommune(tx, commune.id, account.id);
    }
    const isStaffHere = memberships.some((m) => STAFF_ROLES.has(m.role));
    await startMfaGrace(tx, account, isStaffHere);
    const needsSecondFactor = await hasSecondFactor(tx, account.id);
    const token = await openSession(tx, account, 'franceconnect', request, false, idToken);
    await recordAudit(tx, {
      action: 'auth.sign_in',
      actorType: isStaffHere ? 'agent' : 'citizen',
      actorId: account.id,
      data: {
        ...clientInfo(request),
        method: 'franceconnect',
        acr: identity.acr,
        secondFactorPending: needsSecondFactor,
      },
      requestId: request.id,
    });
    return { kind: 'signed_in' as const, token, redirect: afterSignIn(commune, returnPath, needsSecondFactor) };
  });
}

/** ProConnect: an existing staff member of this commune, matched by professional e-mail. */
async function signInAgent(
  ctx: AppContext,
  commune: Commune,
  identity: ProConnectIdentity,
  idToken: string | undefined,
  returnPath: string,
  request: FastifyRequest,
): Promise<CallbackOutcome> {
  return withTenant(ctx.database, commune.id, async (tx) => {
    const account = await findAccountByEmail(tx, identity.email);
    const memberships = account ? await membershipsInCommune(tx, commune.id, account.id) : [];
    if (!account || !memberships.some((m) => STAFF_ROLES.has(m.role))) {
      await recordAudit(tx, {
        action: 'auth.proconnect_refused',
        actorType: 'agent',
        actorId: account?.id ?? null,
        data: { ...clientInfo(request), method: 'proconnect', idpId: identity.idpId, knownAccount: !!account },
        requestId: request.id,
      });
      return { kind: 'no_staff_account' as const, email: identity.email };
    }
    if (account.disabledAt) return { kind: 'account_disabled' as const };
    if (await linkSubject(tx, 'proconnect', identity.subject, account.id)) {
      await recordAudit(tx, {
        action: 'auth.proconnect_linked',
        actorType: 'agent',
        actorId: account.id,
        data: { ...clientInfo(request), idpId: identity.idpId },
        requestId: request.id,
      });
    }
    await markEmailVerified(tx, account.id);
    await startMfaGrace(tx, account, true);
    const needsSecondFactor = !identity.multiFactor && (await hasSecondFactor(tx, account.id));
    const token = await openSession(tx, account, 'proconnect', request, identity.multiFactor, idToken);
    await recordAudit(tx, {
      action: 'auth.sign_in',
      actorType: 'agent',
      actorId: account.id,
      data: {
        ...clientInfo(request),
        method: 'proconnect',
        idpId: identity.idpId,
        multiFactor: identity.multiFactor,
        secondFactorPending: needsSecondFactor,
      },
      requestId: request.id,
    });
    return { kind: 'signed_in' as const, token, redirect: afterSignIn(commune, returnPath, needsSecondFactor) };
  });
}

/** The return path of a sign-in started without one. */
export function defaultReturnPath(commune: Commune, provider: FederatedProvider): string {
  return withBase(commune, PROVIDER_TRAITS[provider].defaultReturn);
}

// — Signing out at the provider —

/**
 * For a session opened with FranceConnect or ProConnect: the provider's end-session URL (with
 * id_token_hint, state and post_logout_redirect_uri) where the browser must go after the local
 * sign-out, or null (password session, provider not configured or unreachable, no end-session
 * endpoint). The state is recorded and checked when the provider sends the browser back to
 * /c/<slug>/deconnexion/<provider>/retour. Call it before revoking the session.
 */
export async function federatedLogoutUrl(ctx: AppContext, commune: Commune, sessionId: string): Promise<string | null> {
  const row = await withTenant(ctx.database, commune.id, async (tx) => {
    const { rows } = await tx.client.query<{ auth_method: string; federated_id_token: string | null }>(
      'SELECT auth_method, federated_id_token FROM session WHERE id = $1',
      [sessionId],
    );
    return rows[0];
  });
  if (!row || !isFederatedProvider(row.auth_method) || !row.federated_id_token) return null;
  const provider = row.auth_method;
  const settings = providerSettings(ctx.config, provider);
  if (!settings) return null;
  let configuration: client.Configuration;
  try {
    configuration = await providerClient(settings, { signedUserinfo: provider === 'franceconnect' });
  } catch {
    return null;
  }
  if (!configuration.serverMetadata().end_session_endpoint) return null;
  const state = client.randomState();
  const url = client.buildEndSessionUrl(configuration, {
    id_token_hint: row.federated_id_token,
    post_logout_redirect_uri: postLogoutUrl(ctx.config, commune.slug, provider),
    state,
  });
  await withTenant(ctx.database, commune.id, async (tx) => {
    await tx.client.query(
      `INSERT INTO oidc_authorization (id, commune_id, provider, purpose, state_hash, return_path, expires_at)
       VALUES ($1, $2, $3, 'sign_out', $4, $5, now() + make_interval(mins => $6))`,
      [uuidv7(), commune.id, provider, sha256(state), withBase(commune, '/connexion?deconnecte=1'), PENDING_MINUTES],
    );
    await tx.client.query('UPDATE session SET federated_id_token = NULL WHERE id = $1', [sessionId]);
  });
  return url.href;
}

/** Checks the state the provider sent back after sign-out; returns where to go, or null. */
export async function completeFederatedSignOut(
  ctx: AppContext,
  commune: Commune,
  provider: FederatedProvider,
  state: string,
): Promise<string | null> {
  if (state.length < 32 || state.length > 200) return null;
  return withTenant(ctx.database, commune.id, async (tx) => {
    const { rows } = await tx.client.query<{ return_path: string }>(
      `UPDATE oidc_authorization SET used_at = now()
        WHERE commune_id = $1 AND provider = $2 AND purpose = 'sign_out' AND state_hash = $3
          AND used_at IS NULL AND expires_at > now()
        RETURNING return_path`,
      [commune.id, provider, sha256(state)],
    );
    return rows[0]?.return_path ?? null;
  });
}
