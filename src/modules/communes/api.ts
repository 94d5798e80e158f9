/** Public read API of communes and their services, documented in the OpenAPI document. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../platform/context.js';
import { withTenant } from '../../platform/db/tenant.js';
import { notFound } from '../../platform/errors.js';
import { listServices } from '../../platform/tenancy/communes.js';

const communeSummary = z
  .object({
    slug: z.string(),
    name: z.string(),
    inseeCode: z.string().nullable(),
    population: z.number().int().nullable(),
    url: z.string(),
  })
  .meta({
    example: {
      slug: 'villebelle',
      name: 'Villebelle',
      inseeCode: '99101',
      population: 12450,
      url: 'https://guichet.exemple.fr/c/villebelle/',
    },
  });

const serviceSchema = z
  .object({
    slug: z.string(),
    name: z.string(),
    description: z.string(),
    email: z.string().nullable(),
  })
  .meta({
    example: {
      slug: 'etat-civil',
      name: 'État civil',
      description: 'Actes de naissance, de mariage et de décès',
      email: 'etat-civil@villebelle.exemple.fr',
    },
  });

const errorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    fields: z.record(z.string(), z.string()).optional(),
    requestId: z.string(),
  }),
});

export function registerCommuneApi(parent: FastifyInstance, ctx: AppContext): void {
  const app = parent.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/v1/communes',
    {
      config: { policy: 'public' },
      schema: {
        summary: 'Liste des communes du guichet',
        description: 'Public, sans jeton. Les communes sont triées par nom.',
        tags: ['communes'],
        querystring: z.object({}).strict(),
        response: { 200: z.object({ communes: z.array(communeSummary) }), 400: errorSchema, 422: errorSchema },
      },
    },
    async () => {
      const communes = (await ctx.communes.all()).sort((a, b) => a.name.localeCompare(b.name, 'fr'));
      return {
        communes: communes.map((c) => ({
          slug: c.slug,
          name: c.name,
          inseeCode: c.inseeCode,
          population: c.population,
          url: `${ctx.config.publicUrl}/c/${c.slug}/`,
        })),
      };
    },
  );

  app.get(
    '/api/v1/communes/:slug',
    {
      config: { policy: 'public' },
      schema: {
        summary: 'Une commune et ses services',
        description: 'Public, sans jeton. Une commune inconnue répond 404.',
        tags: ['communes'],
        params: z.object({
          slug: z.string().max(63).describe('Identifiant de la commune').meta({ example: 'villebelle' }),
        }),
        querystring: z.object({}).strict(),
        response: {
          200: communeSummary.extend({ services: z.array(serviceSchema) }),
          404: errorSchema,
          422: errorSchema,
        },
      },
    },
    async (request) => {
      const commune = await ctx.communes.bySlug(request.params.slug);
      if (!commune) throw notFound('commune.not_found', `unknown commune ${request.params.slug}`);
      const services = await withTenant(ctx.database, commune.id, (tx) => listServices(tx, commune.id));
      return {
        slug: commune.slug,
        name: commune.name,
        inseeCode: commune.inseeCode,
        population: commune.population,
        url: `${ctx.config.publicUrl}/c/${commune.slug}/`,
        services: services.map((s) => ({ slug: s.slug, name: s.name, description: s.description, email: s.email })),
      };
    },
  );
}
