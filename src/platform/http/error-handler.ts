/**
 * The one place where errors become responses: an HTML page for people, JSON for API clients.
 * Expected errors are AppErrors (or framework errors mapped to one); anything else is logged
 * with its stack and answered as a generic 500 without details.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { isDatabaseUnavailable } from '../db/unavailable.js';
import { AppError } from '../errors.js';

/** Maps Fastify's own error codes to stable application codes and French messages. */
const FRAMEWORK_ERRORS: Record<string, { code: string; status: number; message?: string }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'body.unsupported_media_type', status: 415 },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'body.invalid_length', status: 400 },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'body.too_large', status: 413 },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'body.empty_json', status: 400 },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'body.invalid_json', status: 400 },
  FST_ERR_BAD_URL: { code: 'url.invalid', status: 400, message: 'L’adresse demandée est mal formée.' },
  FST_ERR_ASYNC_CONSTRAINT: { code: 'url.invalid', status: 400 },
  FST_CSRF_INVALID_TOKEN: {
    code: 'csrf.invalid',
    status: 403,
    message: 'Le formulaire a expiré ou n’a pas été envoyé depuis ce site. Rechargez la page et réessayez.',
  },
  FST_CSRF_MISSING_SECRET: {
    code: 'csrf.invalid',
    status: 403,
    message: 'Le formulaire a expiré ou n’a pas été envoyé depuis ce site. Rechargez la page et réessayez.',
  },
};

/** Turns anything thrown into an AppError; unknown errors become a 500. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const fields: Record<string, string> = {};
    for (const issue of error.validation) {
      const zodIssue = (issue.params as { issue?: { path?: PropertyKey[]; keys?: string[] } }).issue;
      const path = issue.instancePath.replace(/^\//, '').replace(/\//g, '.');
      const key = path || zodIssue?.keys?.join(', ') || error.validationContext || 'requête';
      fields[key] ??= issue.message ?? 'valeur invalide';
    }
    return new AppError('input.invalid', error.message, 422, {
      userMessage: 'Certaines informations envoyées ne sont pas valides.',
      fields,
    });
  }
  const fastifyError = error as Partial<FastifyError>;
  const mapped = fastifyError.code ? FRAMEWORK_ERRORS[fastifyError.code] : undefined;
  if (mapped) {
    return new AppError(mapped.code, fastifyError.message ?? mapped.code, mapped.status, {
      ...(mapped.message ? { userMessage: mapped.message } : {}),
    });
  }
  // Text PostgreSQL cannot store (a NUL character, in text or JSON): the input's fault, not ours.
  const sqlState = (error as { code?: unknown })?.code;
  if (sqlState === '22021' || sqlState === '22P05') {
    return new AppError('input.unstorable_character', (error as Error).message, 422, {
      userMessage:
        'Le texte envoyé contient un caractère invisible non autorisé (caractère nul) : retirez-le et réessayez.',
    });
  }
  // The primary lost or restarting (a failover takes seconds): say so, and to try again shortly.
  if (isDatabaseUnavailable(error)) {
    return new AppError('service.unavailable', (error as Error).message, 503, {
      userMessage:
        'Le service est momentanément indisponible. Réessayez dans une minute. Si vous envoyiez un formulaire, il n’a pas été enregistré : renvoyez-le.',
      cause: error,
    });
  }
  const status = fastifyError.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new AppError(`http.${status}`, fastifyError.message ?? String(status), status);
  }
  return new AppError('internal', (error as Error)?.message ?? String(error), 500, { cause: error });
}

/** API clients get JSON; browsers get HTML. */
export function wantsJson(request: FastifyRequest): boolean {
  if (request.url.startsWith('/api/')) return true;
  const accept = request.headers.accept ?? '';
  return accept.includes('application/json') && !accept.includes('text/html');
}

export type ErrorPageRenderer = (request: FastifyRequest, error: AppError) => string;

export function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  error: AppError,
  renderPage: ErrorPageRenderer,
) {
  if (error.status === 503)
    request.log.warn({ err: error.cause ?? error, code: error.code }, 'base de données injoignable');
  else if (error.status >= 500) request.log.error({ err: error.cause ?? error, code: error.code }, 'erreur interne');
  else request.log.info({ code: error.code, status: error.status, detail: error.message }, 'requête refusée');
  if (error.status === 429) reply.header('retry-after', reply.getHeader('retry-after') ?? '60');
  if (error.status === 503) reply.header('retry-after', '30');
  reply.status(error.status);
  if (wantsJson(request)) {
    return reply.type('application/json; charset=utf-8').send({
      error: {
        code: error.code,
        message: error.userMessage,
        ...(error.fields ? { fields: error.fields } : {}),
        requestId: request.id,
      },
    });
  }
  return reply.type('text/html; charset=utf-8').send(renderPage(request, error));
}

export function registerErrorHandling(app: FastifyInstance, renderPage: ErrorPageRenderer): void {
  app.setErrorHandler((error, request, reply) => sendError(request, reply, toAppError(error), renderPage));
  app.setNotFoundHandler((request, reply) =>
    sendError(request, reply, new AppError('not_found', `no route ${request.method} ${request.url}`, 404), renderPage),
  );
}
