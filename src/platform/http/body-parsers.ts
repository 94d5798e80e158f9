/**
 * Strict body parsers: bodies must be valid UTF-8 (fatal decoding, no silent U+FFFD), JSON is
 * parsed without prototype poisoning, and URL-encoded forms become plain objects (a repeated
 * field becomes an array). Anything else is a 4xx AppError with a French message. NUL characters
 * are dropped from form values: PostgreSQL cannot store them in text, and a form that failed on one
 * after "Envoyer" would lose what the citizen typed.
 */
import type { FastifyInstance } from 'fastify';
import secureJson from 'secure-json-parse';
import { AppError } from '../errors.js';

const decoder = new TextDecoder('utf-8', { fatal: true });

function decodeUtf8(body: Buffer): string {
  try {
    return decoder.decode(body);
  } catch {
    throw new AppError('body.invalid_utf8', 'request body is not valid UTF-8', 400, {
      userMessage: 'Les données envoyées contiennent des caractères invalides (encodage UTF-8 attendu).',
    });
  }
}

/** Parses application/x-www-form-urlencoded into an object with null prototype semantics. */
export function parseForm(text: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null);
  for (const [key, raw] of new URLSearchParams(text)) {
    const value = raw.includes('\u0000') ? raw.replaceAll('\u0000', '') : raw;
    const existing = out[key];
    if (existing === undefined) out[key] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else out[key] = [existing, value];
  }
  return { ...out };
}

export function registerBodyParsers(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    ['application/json', 'application/problem+json'],
    { parseAs: 'buffer' },
    (_req, body, done) => {
      const text = decodeUtf8(body as Buffer);
      if (text.trim() === '') {
        done(
          new AppError('body.empty_json', 'empty JSON body', 400, {
            userMessage: 'Le corps JSON de la requête est vide.',
          }),
        );
        return;
      }
      try {
        done(null, secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' }));
      } catch {
        done(
          new AppError('body.invalid_json', 'malformed JSON body', 400, {
            userMessage: 'Le JSON envoyé est mal formé : vérifiez les guillemets, virgules et accolades.',
          }),
        );
      }
    },
  );
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer' }, (_req, body, done) => {
    done(null, parseForm(decodeUtf8(body as Buffer)));
  });
}
