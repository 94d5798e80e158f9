/**
 * The Fastify application factory: security headers, strict body parsing, CSRF, database-backed
 * rate limiting, request ids, commune resolution, static assets, OpenAPI, error handling, then
 * each module's routes.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import fastifyCompress from '@fastify/compress';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { TrustProxy } from '../../config/config.js';
import type { Actor } from '../authz/actor.js';
import { POLICIES, type PolicyName, type Refusal } from '../authz/policies.js';
import { SESSION_COOKIE } from '../authz/session-cookie.js';
import { requireRecentAuthentication } from '../authz/step-up.js';
import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';
import type { Contributions, GuichetModule } from '../module.js';
import type { Commune } from '../tenancy/communes.js';
import { hashToken } from '../tokens.js';
import { registerBodyParsers } from './body-parsers.js';
import { compressionOptions } from './compression.js';
import { registerErrorHandling, sendError, toAppError, wantsJson } from './error-handler.js';
import { renderErrorPage } from './error-page.js';
import { loggerOptions } from './logger.js';
import { registerMetrics } from './metrics.js';
import { openApiOptions } from './openapi.js';
import { databaseRateLimitStore } from './rate-limit-store.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The commune of the request (from /c/<slug>/ or the host name), or null at instance level. */
    commune: Commune | null;
    /** Who is acting (from the session cookie), or null. */
    actor: Actor | null;
  }
  interface FastifyReply {
    /** Drops the CSRF secret and binds the next tokens to this new session (set in this response). */
    rotateCsrfSecret(sessionToken: string): void;
    csrfSessionToken: string | null;
  }
  interface FastifyInstance {
    /** Every route with its access policy, in registration order. */
    routeRegistry: RegisteredRoute[];
    /** What the modules contribute to shared places (admin links, figures…). */
    contributions: Contributions;
  }
}

export interface RegisteredRoute {
  method: string;
  url: string;
  policy: PolicyName;
  /** The route asks for a recent authentication (`config.stepUp`). */
  stepUp: boolean;
}

z.config(z.locales.fr());

export const PUBLIC_BUILD_DIR = path.resolve(import.meta.dirname, '../../../public/build');
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const REQUEST_ID = /^[A-Za-z0-9._-]{8,128}$/;
/** An absolute-form request target: scheme://authority, then the path and query. */
const ABSOLUTE_FORM = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)([^#]*)/i;
/** Paths that are never rewritten to a commune nor rate-limited. */
const INFRASTRUCTURE_PATH = /^\/(static|theme|healthz|readyz|metrics)(\/|$|\.|\?)/;

/** The application with the given modules (the composition root's list, `src/registry.ts`). */
export async function buildApp(ctx: AppContext, modules: readonly GuichetModule[]): Promise<FastifyInstance> {
  const { config, database, communes } = ctx;
  const app = Fastify({
    logger: loggerOptions(config.logLevel),
    trustProxy: trustProxyOption(config.trustProxy),
    bodyLimit: 1024 * 1024,
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return config.trustProxy !== false && typeof incoming === 'string' && REQUEST_ID.test(incoming)
        ? incoming
        : randomUUID();
    },
    rewriteUrl: (req) => {
      let url = req.url ?? '/';
      let host = req.headers.host;
      // Absolute-form target (`GET http://host/path HTTP/1.1`, RFC 9112 §3.2.2): the router
      // routes its path, so every hook must see that same path; its authority replaces Host.
      const absolute = ABSOLUTE_FORM.exec(url);
      if (absolute) {
        host = absolute[1]!.replace(/^.*@/, '');
        url = absolute[2]!.startsWith('/') ? absolute[2]! : `/${absolute[2]}`;
      }
      const slug = host ? communes.slugForHostname(host) : undefined;
      if (!slug || url.startsWith('/c/') || url.startsWith('/api/') || INFRASTRUCTURE_PATH.test(url)) return url;
      return `/c/${slug}${url}`;
    },
    routerOptions: { ignoreTrailingSlash: false, maxParamLength: 200 },
    return503OnClosing: true,
    // Errors raised before routing (malformed URL, bad content type) go through the same handler.
    frameworkErrors: (error, request, reply) => sendError(request, reply, toAppError(error), renderErrorPage),
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest('commune', null);
  app.decorateRequest('actor', null);

  // Deny by default: a route must declare its access policy, or the application does not start.
  const routeRegistry: RegisteredRoute[] = [];
  app.decorate('routeRegistry', routeRegistry);
  app.decorate('contributions', ctx.contributions);
  app.addHook('onRoute', (route) => {
    const policy = route.config?.policy ?? (route.url.startsWith('/static/') ? 'infrastructure' : undefined);
    if (!policy || !(policy in POLICIES)) {
      throw new Error(
        `La route ${String(route.method)} ${route.url} ne déclare pas de politique d’accès (config.policy).`,
      );
    }
    route.config = { ...route.config, policy };
    const stepUp = route.config.stepUp !== undefined;
    for (const method of [route.method].flat()) routeRegistry.push({ method, url: route.url, policy, stepUp });
  });
  registerBodyParsers(app);
  registerErrorHandling(app, renderErrorPage);
  registerMetrics(app, ctx);

  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('x-request-id', request.id);
    if (request.protocol === 'https') reply.header('strict-transport-security', 'max-age=63072000; includeSubDomains');
    return payload;
  });

  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'"],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        // The ALTCHA proof of work runs in a worker served from /static/ (src/platform/antispam).
        workerSrc: ["'self'"],
        formAction: ["'self'"],
        baseUri: ["'none'"],
        frameAncestors: ["'none'"],
        manifestSrc: ["'self'"],
      },
    },
    hsts: false,
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    crossOriginEmbedderPolicy: false,
  });

  // Before any route: the plugin adds its onSend hook to each route as it is declared.
  await app.register(fastifyCompress, compressionOptions);

  const cookieSecret = config.secret ?? randomUUID();
  await app.register(fastifyCookie, { secret: cookieSecret });
  // The CSRF token is bound to the session (issue 8, finding 6): a cookie+token pair obtained in
  // another session — or anonymously, then planted in a signed-in browser — is refused. Over
  // https the cookie is `__Host-` (Secure, Path=/, no Domain: a sibling subdomain cannot set it);
  // on plain http (localhost trials) browsers refuse that prefix, so the name stays plain.
  const csrfCookie = csrfCookieName(config.publicUrl);
  const csrfCookieOpts = {
    signed: true,
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure: csrfCookie.startsWith('__Host-') ? true : 'auto',
  } as const;
  await app.register(fastifyCsrf, {
    cookieKey: csrfCookie,
    cookieOpts: csrfCookieOpts,
    getUserInfo: (req) => csrfBinding(req.cookies[SESSION_COOKIE]),
    csrfOpts: { hmacKey: createHash('sha256').update(`csrf:${cookieSecret}`).digest() },
    getToken: (req) => {
      const body = req.body as Record<string, unknown> | undefined;
      const fromBody = body && typeof body._csrf === 'string' ? body._csrf : undefined;
      const fromHeader = req.headers['x-csrf-token'];
      return fromBody ?? (typeof fromHeader === 'string' ? fromHeader : undefined);
    },
  });
  // Every token a page generates carries the session it was made for — the new one when this
  // very response starts a session (e.g. the recovery codes page after enrolment).
  app.decorateReply('csrfSessionToken', null);
  app.addHook('onRequest', async (request, reply) => {
    const generate = reply.generateCsrf;
    reply.generateCsrf = (opts) => {
      // One secret per response, made here when there is none yet: the plugin would make a new
      // one at each call, and a page with two forms would get a token for a secret it replaced.
      if (!reply.unsignCookie(request.cookies[csrfCookie] ?? '').valid) {
        const secret = randomBytes(18).toString('base64url');
        reply.setCookie(csrfCookie, secret, csrfCookieOpts);
        request.cookies[csrfCookie] = reply.signCookie(secret);
      }
      return generate.call(reply, {
        ...opts,
        userInfo: csrfBinding(reply.csrfSessionToken ?? request.cookies[SESSION_COOKIE]),
      });
    };
  });
  // A new session (sign-in, privilege change) also gets a new CSRF secret.
  app.decorateReply('rotateCsrfSecret', function (this: FastifyReply, sessionToken: string) {
    delete this.request.cookies[csrfCookie];
    this.csrfSessionToken = sessionToken;
    // A __Host- cookie is only replaced (or removed) by a Secure one.
    this.clearCookie(csrfCookie, { path: '/', secure: csrfCookieOpts.secure, httpOnly: true, sameSite: 'lax' });
  });
  // Deny by default: every state-changing request outside the token-authenticated API needs a
  // CSRF token. A preHandler, because the form body must be parsed first.
  app.addHook('preHandler', (request, reply, done) => {
    if (SAFE_METHODS.has(request.method) || request.url.startsWith('/api/')) return done();
    app.csrfProtection(request, reply, done);
  });

  await app.register(fastifyRateLimit, {
    global: true,
    max: config.rateLimitPerMinute,
    timeWindow: 60_000,
    store: databaseRateLimitStore(database.pool),
    // Counted: every state-changing request and every API call. Page reads are left to the
    // reverse proxy's limits (docs/decisions/0008-rate-limits.md): one database write per page
    // view would cost more than it protects.
    allowList: (req) =>
      INFRASTRUCTURE_PATH.test(req.url) || (SAFE_METHODS.has(req.method) && !req.url.startsWith('/api/')),
    skipOnError: false,
    errorResponseBuilder: (_req, context) =>
      new AppError('rate_limited', `rate limit ${context.max}/min exceeded`, 429, {
        userMessage: `Trop de demandes en peu de temps. Réessayez dans ${Math.ceil(context.ttl / 1000)} secondes.`,
      }),
  });

  await app.register(fastifyStatic, {
    root: PUBLIC_BUILD_DIR,
    prefix: '/static/',
    immutable: false,
    maxAge: '1h',
    index: false,
    list: false,
    // CSS and scripts have .br/.gz siblings written by the build (scripts/build-assets.mjs).
    preCompressed: true,
  });

  // Only /api/v1/ is documented (filtered by URL prefix in openapi.ts).
  await app.register(fastifySwagger, openApiOptions(config.publicUrl));
  app.get('/api/openapi.json', { schema: { hide: true }, config: { policy: 'infrastructure' } }, async () =>
    app.swagger(),
  );

  // Every route's policy, checked once the commune and the actor are known; then, for sensitive
  // routes (`config.stepUp`), a recent authentication.
  app.addHook('preHandler', async (request, reply) => {
    const config = request.routeOptions.config;
    const policy = POLICIES[config.policy ?? 'public'];
    const refusal = policy.check(request.actor, request);
    if (refusal) return refuse(request, reply, refusal, await instanceMfaBase(request, refusal));
    if (config.stepUp) {
      const returnTo = typeof config.stepUp === 'function' ? config.stepUp(request) : undefined;
      const redirect = requireRecentAuthentication(request, reply, returnTo ? { returnTo } : {});
      if (redirect) return redirect;
    }
  });

  // Commune resolution for everything under /c/<slug>/: unknown slug → 404.
  app.addHook('onRequest', async (request) => {
    const match = /^\/c\/([^/?]+)/.exec(request.url);
    if (!match) return;
    const slug = decodeURIComponentSafe(match[1]!);
    const commune = slug ? await communes.bySlug(slug) : undefined;
    if (!commune) throw new AppError('commune.not_found', `unknown commune ${match[1]}`, 404);
    request.commune = commune;
  });

  /**
   * Instance-level pages (the operator's) have no second-factor page of their own: the factor is
   * the account's, so a commune's page serves (the first by name).
   */
  async function instanceMfaBase(request: FastifyRequest, refusal: Refusal): Promise<string> {
    if (request.commune || refusal !== 'mfa_required') return '';
    const first = (await communes.all()).sort((a, b) => a.name.localeCompare(b.name, 'fr'))[0];
    return first ? `/c/${first.slug}` : '';
  }

  for (const module of modules) await module.registerRoutes?.(app, ctx);
  return app;
}

/** `__Host-guichet_csrf` over https, `guichet_csrf` on plain http (where the prefix is refused). */
export function csrfCookieName(publicUrl: string): string {
  return publicUrl.startsWith('https:') ? '__Host-guichet_csrf' : 'guichet_csrf';
}

/** What a CSRF token is bound to: the session cookie (its hash), or the absence of one. */
function csrfBinding(sessionToken: string | undefined): string {
  return sessionToken ? `session:${hashToken(sessionToken)}` : 'anonyme';
}

/** A hop count as the function Fastify makes of it (its option types do not list numbers). */
function trustProxyOption(trust: TrustProxy): false | string[] | ((address: string, hop: number) => boolean) {
  return typeof trust === 'number' ? (_address, hop) => hop < trust : trust;
}

/** Answers a refused request: sign-in or second-factor page for browsers, 401/404 otherwise. */
function refuse(request: FastifyRequest, reply: FastifyReply, refusal: Refusal, instanceBase = '') {
  if (refusal === 'not_found') throw new AppError('not_found', `policy refused ${request.url}`, 404);
  const base = request.commune ? `/c/${request.commune.slug}` : instanceBase;
  if (request.method === 'GET' && !wantsJson(request)) {
    const back = encodeURIComponent(request.url);
    const target = refusal === 'sign_in' ? `${base}/connexion` : `${base}/compte/double-authentification`;
    return reply.redirect(`${target}?retour=${back}`, 303);
  }
  throw refusal === 'sign_in'
    ? new AppError('auth.required', 'sign-in required', 401)
    : new AppError('auth.mfa_required', 'second factor required', 401, {
        userMessage: 'Validez d’abord votre second facteur d’authentification.',
      });
}

function decodeURIComponentSafe(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}
