/**
 * API token authentication for /api/v1/: `Authorization: Bearer gch_<43 base64url characters>`.
 * A token belongs to one commune, carries scopes and an expiry, and is stored as its SHA-256
 * only. Since api_token is under Row-Level Security and a request does not know its commune
 * before its token is read, the lookup goes through the SQL function api_token_by_hash
 * (migrations/0004_api_token_lookup.sql, SECURITY DEFINER, executable by the app role only).
 * Routes opt in with the `apiToken` policy; a session cookie never authenticates an API call.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { withInstance, withTenant } from '../db/tenant.js';
import { AppError, notFound } from '../errors.js';
import type { Commune } from '../tenancy/communes.js';

/** The scopes a token may carry (fixed list; routes check the one they need). */
export const API_SCOPES = [
  'communes:read',
  'procedures:read',
  'requests:read',
  'requests:write',
  'parapheur:read',
  'parapheur:write',
] as const;
export type ApiScope = (typeof API_SCOPES)[number];

export const API_SCOPE_LABELS: Record<ApiScope, string> = {
  'communes:read': 'Lire les informations de la commune et de ses services',
  'procedures:read': 'Lire les démarches publiées et leurs formulaires',
  'requests:read': 'Lire les demandes des usagers',
  'requests:write': 'Créer et modifier des demandes',
  'parapheur:read': 'Lire les dossiers du parapheur déposés par l’API et télécharger les documents signés',
  'parapheur:write': 'Déposer des dossiers dans le parapheur',
};

export const API_TOKEN_PREFIX = 'gch_';
const TOKEN_FORMAT = /^gch_[A-Za-z0-9_-]{43}$/;
/** last_used_at is written at most this often per token. */
const LAST_USED_WRITE_SECONDS = 60;

/** Who is calling: the token and its commune. */
export interface ApiPrincipal {
  tokenId: string;
  commune: Commune;
  scopes: ReadonlySet<string>;
  expiresAt: Date;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The API token of the request (routes with the `apiToken` policy), or null. */
    apiToken: ApiPrincipal | null;
  }
}

/** A new token: `gch_` + 32 random bytes in base64url. Shown once, never stored. */
export function newApiToken(): string {
  return `${API_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** What the database keeps of a token. */
export function hashApiToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function unauthorized(detail: string): AppError {
  return new AppError('api.unauthorized', detail, 401, {
    userMessage:
      'Jeton d’API absent, invalide, expiré ou révoqué. Envoyez un jeton valide dans l’en-tête « Authorization: Bearer gch_… ».',
  });
}

interface TokenRow {
  id: string;
  commune_id: string;
  scopes: string[];
  expires_at: Date;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

/** Authenticates the Authorization header; throws a 401 AppError when it does not hold a live token. */
export async function authenticateApiToken(ctx: AppContext, header: string | undefined): Promise<ApiPrincipal> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  const token = match?.[1];
  if (!token) throw unauthorized('missing bearer token');
  if (!TOKEN_FORMAT.test(token)) throw unauthorized('malformed token');
  const row = await withInstance(ctx.database, async (tx) => {
    const { rows } = await tx.client.query<TokenRow>(
      'SELECT id, commune_id, scopes, expires_at, revoked_at, last_used_at FROM api_token_by_hash($1)',
      [hashApiToken(token)],
    );
    return rows[0];
  });
  const now = new Date();
  if (!row) throw unauthorized('unknown token');
  if (row.revoked_at) throw unauthorized('revoked token');
  if (row.expires_at <= now) throw unauthorized('expired token');
  const commune = (await ctx.communes.all()).find((c) => c.id === row.commune_id);
  if (!commune) throw unauthorized('token of an unknown commune');
  if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() > LAST_USED_WRITE_SECONDS * 1000) {
    await withTenant(ctx.database, commune.id, (tx) =>
      tx.client.query(
        `UPDATE api_token SET last_used_at = now()
          WHERE id = $1 AND commune_id = $2
            AND (last_used_at IS NULL OR last_used_at < now() - make_interval(secs => $3))`,
        [row.id, commune.id, LAST_USED_WRITE_SECONDS],
      ),
    );
  }
  return { tokenId: row.id, commune, scopes: new Set(row.scopes), expiresAt: row.expires_at };
}

/**
 * Registers the authentication of API tokens: every route with the `apiToken` policy gets
 * `request.apiToken`, or answers 401 (JSON, French message) before its handler runs.
 */
export function registerApiTokenAuth(app: FastifyInstance, ctx: AppContext): void {
  app.decorateRequest('apiToken', null);
  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.config.policy !== 'apiToken') return;
    try {
      request.apiToken = await authenticateApiToken(ctx, request.headers.authorization);
    } catch (error) {
      if (error instanceof AppError && error.status === 401) {
        reply.header('www-authenticate', 'Bearer realm="guichet", error="invalid_token"');
      }
      throw error;
    }
  });
}

/** The token's principal; for handlers of `apiToken` routes (the policy guarantees it is there). */
export function apiPrincipal(request: FastifyRequest): ApiPrincipal {
  if (!request.apiToken) throw unauthorized('no token on an apiToken route');
  return request.apiToken;
}

/** Refuses (403, French) a call whose token lacks `scope`. */
export function requireScope(request: FastifyRequest, scope: ApiScope): ApiPrincipal {
  const principal = apiPrincipal(request);
  if (!principal.scopes.has(scope)) {
    throw new AppError('api.scope_missing', `token lacks scope ${scope}`, 403, {
      userMessage: `Ce jeton d’API n’a pas la portée « ${scope} » nécessaire à cette opération.`,
    });
  }
  return principal;
}

/**
 * The commune named by a URL, when it is the token's own; a resource of another commune is
 * answered 404 (never 403), as everywhere else.
 */
export function requireTokenCommune(request: FastifyRequest, slug: string): Commune {
  const principal = apiPrincipal(request);
  if (principal.commune.slug !== slug) throw notFound('commune.not_found', `token of another commune (${slug})`);
  return principal.commune;
}
