/**
 * The OpenAPI document served at /api/openapi.json: the REST API under /api/v1/ and nothing
 * else. The filter is by URL prefix, in the transform, so a page or a route added later never
 * appears in it by accident; routes of the `apiToken` policy get the bearer security scheme, and
 * every response without a description gets a French one from its status code.
 */
import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';

/** Only routes under this prefix are documented. */
export const API_PREFIX = '/api/v1/';
export const BEARER_SCHEME = 'jetonApi';

const RESPONSE_DESCRIPTIONS: Record<string, string> = {
  200: 'Succès.',
  201: 'Créé.',
  204: 'Succès, sans contenu.',
  400: 'Requête mal formée (paramètre inconnu, JSON invalide).',
  401: 'Jeton d’API absent, invalide, expiré ou révoqué (en-tête WWW-Authenticate: Bearer).',
  403: 'Le jeton n’a pas la portée nécessaire à cette opération.',
  404: 'Ressource introuvable, ou appartenant à une autre commune que celle du jeton.',
  422: 'Données refusées : le message et, par champ, les erreurs sont en français.',
  429: 'Trop de requêtes : réessayez plus tard.',
};

/** The error body every route answers with (see error-handler.ts), for the responses added here. */
const ERROR_BODY = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: {
        code: { type: 'string' },
        message: { type: 'string', description: 'Message en français, lisible par une personne' },
        fields: { type: 'object', additionalProperties: { type: 'string' } },
        requestId: { type: 'string' },
      },
      required: ['code', 'message', 'requestId'],
    },
  },
  required: ['error'],
  example: {
    error: {
      code: 'api.unauthorized',
      message:
        'Jeton d’API absent, invalide, expiré ou révoqué. Envoyez un jeton valide dans l’en-tête « Authorization: Bearer gch_… ».',
      requestId: '0b9d6c1e-3f2a-4c55-9a7e-2d1f4e8b7c60',
    },
  },
};

type Transform = NonNullable<FastifyDynamicSwaggerOptions['transform']>;

/** Hides every route outside /api/v1/; documents the security of the others. */
export const apiOnlyTransform: Transform = (input) => {
  const { url, route } = input;
  if (!url.startsWith(API_PREFIX)) return { schema: { hide: true }, url };
  const out = jsonSchemaTransform(input as Parameters<typeof jsonSchemaTransform>[0]) as {
    schema: Record<string, unknown> & { response?: Record<string, Record<string, unknown>> };
    url: string;
  };
  const schema = { ...out.schema };
  const policy = (route.config as { policy?: string } | undefined)?.policy;
  if (policy === 'apiToken') {
    schema.security ??= [{ [BEARER_SCHEME]: [] }];
    const response = { ...schema.response };
    for (const code of [401, 429]) response[code] ??= { ...ERROR_BODY, description: RESPONSE_DESCRIPTIONS[code] };
    schema.response = response;
  } else {
    // Public routes: stated explicitly, so an integrator sees no token is needed.
    schema.security ??= [];
  }
  if (schema.response) {
    const response: Record<string, Record<string, unknown>> = {};
    for (const [code, value] of Object.entries(schema.response)) {
      response[code] = value.description ? value : { ...value, description: RESPONSE_DESCRIPTIONS[code] ?? 'Réponse.' };
    }
    schema.response = response;
  }
  return { schema, url: out.url };
};

export function openApiOptions(publicUrl: string): FastifyDynamicSwaggerOptions {
  return {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'API Guichet',
        version: '1',
        description: [
          'API REST de Guichet pour les logiciels des communes (GRC, état civil, SIG…).',
          '',
          'Les routes « communes » sont publiques. Les autres demandent un jeton d’API de la commune,',
          'créé par un administrateur dans Administration › Jetons d’API, envoyé dans l’en-tête',
          '`Authorization: Bearer gch_…`. Un jeton appartient à une seule commune, porte des portées',
          '(communes:read, procedures:read, requests:read, requests:write, parapheur:read, parapheur:write) et une date d’expiration ;',
          'une ressource d’une autre commune répond 404.',
          '',
          'Les erreurs ont la forme `{ "error": { "code", "message", "fields"?, "requestId" } }`,',
          'avec un message en français.',
        ].join('\n'),
      },
      servers: [{ url: publicUrl }],
      tags: [
        { name: 'communes', description: 'Communes du guichet et leurs services (public, sans jeton).' },
        { name: 'démarches', description: 'Démarches publiées et définitions de leurs formulaires.' },
        { name: 'demandes', description: 'Demandes des usagers : lecture, messages, changements de statut.' },
        { name: 'jetons', description: 'Le jeton d’API utilisé.' },
      ],
      components: {
        securitySchemes: {
          [BEARER_SCHEME]: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'gch_ suivi de 43 caractères base64url',
            description:
              'Jeton d’API d’une commune, créé par un administrateur (Administration › Jetons d’API). ' +
              'Il n’est montré qu’une fois ; Guichet n’en garde que l’empreinte SHA-256.',
          },
        },
      },
    },
    transform: apiOnlyTransform,
  };
}
