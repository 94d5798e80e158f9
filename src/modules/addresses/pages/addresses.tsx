/**
 * Routes of the addresses module: the admin import page (a Base Adresse Nationale CSV), and the
 * two small JSON endpoints of the street report's enhancement script — suggestions while typing,
 * and the nearest address to the browser's position. Both read the local table only.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { AppError } from '../../../platform/errors.js';
import { uploadedFiles } from '../../../platform/files/checks.js';
import { sendAdminPage } from '../../../platform/views/admin-area.js';
import { Button, CsrfField, type FieldErrors, FileUpload, SummaryList } from '../../../platform/views/components.js';
import { formatDateTime } from '../../../platform/views/format.js';
import { handleForm } from '../../../platform/views/page-kit.js';
import { addressSummary, nearestAddress, suggestAddresses } from '../repo.js';
import { importAddresses } from '../use-cases/import-addresses.js';

const slugParams = z.object({ slug: z.string().max(63) }).strict();
const suggestQuery = z.object({ q: z.string().max(200).default('') }).strict();
const nearestQuery = z
  .object({
    lat: z.coerce.number().min(-90).max(90),
    lon: z.coerce.number().min(-180).max(180),
  })
  .strict();
/** Farther than this from every address, the position is not taken as the place of the problem. */
export const NEAREST_MAX_METRES = 300;

export function registerAddressPages(parent: FastifyInstance, ctx: AppContext): void {
  const app = parent.withTypeProvider<ZodTypeProvider>();

  async function importPage(
    request: FastifyRequest,
    reply: FastifyReply,
    errors: FieldErrors = {},
    done?: { imported: number; rejected: Array<{ line: number; reason: string }> },
  ) {
    const commune = request.commune!;
    const summary = await withTenant(ctx.database, commune.id, (tx) => addressSummary(tx, commune.id));
    return sendAdminPage(request, reply, {
      title: 'Adresses de la commune',
      errors,
      ...(done
        ? {
            notice: {
              kind: 'success' as const,
              title: `${done.imported.toLocaleString('fr-FR')} adresses importées`,
              ...(done.rejected.length > 0
                ? {
                    text: `${done.rejected.length} ligne${done.rejected.length > 1 ? 's' : ''} ignorée${done.rejected.length > 1 ? 's' : ''} : ${done.rejected
                      .slice(0, 5)
                      .map((r) => `ligne ${r.line} (${r.reason})`)
                      .join(', ')}${done.rejected.length > 5 ? '…' : '.'}`,
                  }
                : {}),
            },
          }
        : {}),
      children: (
        <>
          <h1 class="govuk-heading-xl">Adresses de la commune</h1>
          <p class="govuk-body">
            Les adresses de {commune.name} servent aux usagers qui signalent un problème : elles leur sont proposées
            pendant la saisie, et « Utiliser ma position » choisit la plus proche. Elles restent sur ce serveur : aucune
            adresse ni aucune position n’est envoyée à un service extérieur.
          </p>
          <SummaryList
            rows={[
              { key: 'Adresses', value: summary.count.toLocaleString('fr-FR') },
              { key: 'Voies', value: summary.streets.toLocaleString('fr-FR') },
              {
                key: 'Dernier import',
                value: summary.importedAt ? formatDateTime(summary.importedAt) : 'Aucun import pour l’instant',
              },
            ]}
          />
          <h2 class="govuk-heading-m">Importer le fichier de la Base Adresse Nationale</h2>
          <p class="govuk-body">
            Téléchargez sur adresse.data.gouv.fr le fichier « adresses » de la commune au format CSV (par exemple
            adresses-{commune.inseeCode ?? '12345'}.csv), puis déposez-le ici. Il remplace les adresses actuelles ; si
            le fichier est refusé, rien n’est changé.
          </p>
          <form method="post" enctype="multipart/form-data" novalidate>
            <CsrfField token={reply.generateCsrf()} />
            <FileUpload
              name="fichier"
              label="Fichier des adresses (CSV, séparateur point-virgule)"
              hint="10 Mo au plus ; pour un fichier plus gros, utilisez la commande guichet adresses importer."
              accept=".csv,text/csv"
              error={errors.fichier}
            />
            <Button>Importer les adresses</Button>
          </form>
        </>
      ),
    });
  }

  app.get(
    '/c/:slug/admin/adresses',
    { schema: { hide: true, params: slugParams }, config: { policy: 'communeAdmin' } },
    (request, reply) => importPage(request, reply),
  );

  app.post(
    '/c/:slug/admin/adresses',
    { schema: { hide: true, params: slugParams }, config: { policy: 'communeAdmin' } },
    async (request, reply) => {
      const commune = request.commune!;
      const result = await handleForm(
        async () => {
          const part = uploadedFiles(request, 'fichier')[0];
          if (!part || part.content.length === 0) {
            throw new AppError('addresses.no_file', 'no file', 422, {
              fields: { fichier: 'Choisissez le fichier des adresses à importer.' },
            });
          }
          if (part.isTruncated) {
            throw new AppError('addresses.too_large', 'file too large', 413, {
              fields: {
                fichier:
                  'Ce fichier dépasse 10 Mo : importez-le avec la commande guichet adresses importer, sur le serveur.',
              },
            });
          }
          const csv = new TextDecoder('utf-8', { fatal: false }).decode(part.content);
          if (csv.includes('\uFFFD')) {
            throw new AppError('addresses.encoding', 'not utf-8', 422, {
              fields: {
                fichier:
                  'Ce fichier n’est pas encodé en UTF-8 : téléchargez à nouveau le fichier de la Base Adresse Nationale, sans l’ouvrir dans un tableur.',
              },
            });
          }
          return importAddresses(ctx.database, commune, csv, {
            type: 'agent',
            accountId: request.actor?.accountId ?? null,
            requestId: request.id,
          });
        },
        (errors) => importPage(request, reply, errors),
      );
      if (!result.ok) return result.response;
      return importPage(request, reply, {}, result.value);
    },
  );

  // Suggestions while typing (the combobox of assets/js/address-field.mjs).
  app.get(
    '/c/:slug/adresses/suggestions',
    { schema: { hide: true, params: slugParams, querystring: suggestQuery }, config: { policy: 'public' } },
    async (request, reply) => {
      const commune = request.commune!;
      const q = request.query.q.trim();
      const addresses =
        q.length < 2 ? [] : await withTenant(ctx.database, commune.id, (tx) => suggestAddresses(tx, commune.id, q));
      return reply.header('cache-control', 'no-store').send({ addresses });
    },
  );

  // « Utiliser ma position »: the nearest address in the commune's table, or none if too far.
  app.get(
    '/c/:slug/adresses/proche',
    { schema: { hide: true, params: slugParams, querystring: nearestQuery }, config: { policy: 'public' } },
    async (request, reply) => {
      const commune = request.commune!;
      const { lat, lon } = request.query;
      const nearest = await withTenant(ctx.database, commune.id, (tx) => nearestAddress(tx, commune.id, lat, lon));
      reply.header('cache-control', 'no-store');
      if (!nearest || nearest.distance > NEAREST_MAX_METRES) {
        return reply.send({
          address: null,
          message: nearest
            ? `Votre position est à plus de ${NEAREST_MAX_METRES} mètres de toute adresse de ${commune.name}\u00a0: saisissez l’adresse.`
            : 'Aucune adresse de la commune n’est encore disponible\u00a0: saisissez l’adresse.',
        });
      }
      return reply.send({ address: { ...nearest, distance: Math.round(nearest.distance) } });
    },
  );
}
