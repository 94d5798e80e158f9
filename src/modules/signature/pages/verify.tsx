/**
 * The public verification page (/c/<slug>/verifier-signature): anyone, without signing in,
 * uploads a PDF and reads, for each signature, who signed, when, at which PAdES level, whether
 * the document was changed since, whether the certificate comes from the commune's authority and
 * whether it was revoked. Nothing of the file is kept. The commune's CRL is published at the
 * address written in its certificates (/api/v1/parapheur/crl/<commune id>.crl), DER.
 */

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../../platform/context.js';
import { AppError } from '../../../platform/errors.js';
import { formatBytes, MAX_UPLOAD_BYTES, uploadedFiles, validateUpload } from '../../../platform/files/checks.js';
import {
  Button,
  CsrfField,
  type FieldErrors,
  FileUpload,
  InsetText,
  SummaryList,
  Tag,
  WarningText,
} from '../../../platform/views/components.js';
import { formatDateTime } from '../../../platform/views/format.js';
import { handleForm, sendPage } from '../../../platform/views/page-kit.js';
import { authorityCertificate, publishCrl } from '../use-cases/publish-crl.js';
import { type VerifiedSignature, verifyDocument } from '../use-cases/verify-document.js';

const LEVELS: Record<VerifiedSignature['level'], string> = {
  'B-B': 'PAdES B-B (signature de base, heure déclarée par le signataire)',
  'B-T': 'PAdES B-T (horodatée par une autorité d’horodatage)',
  'B-LT': 'PAdES B-LT (horodatée, avec les données de validation à long terme)',
};

export function verifyPath(request: FastifyRequest): string {
  return `/c/${request.commune!.slug}/verifier-signature`;
}

/** The verdict of one signature, in a sentence: what a reader needs to know first. */
function verdict(s: VerifiedSignature): { ok: boolean; text: string } {
  if (!s.intact)
    return { ok: false, text: 'Signature invalide : le document a été modifié ou la signature est abîmée.' };
  if (!s.trusted) {
    return {
      ok: false,
      text: 'Signature intacte, mais son certificat n’a pas été délivré par l’autorité de la commune.',
    };
  }
  if (s.revokedAt) return { ok: false, text: 'Signature intacte, mais son certificat a été révoqué par la commune.' };
  if (!s.coversWholeDocument) {
    return { ok: true, text: 'Signature valide pour la version signée ; le document a été complété ensuite.' };
  }
  return { ok: true, text: 'Signature valide : le document n’a pas été modifié depuis.' };
}

function SignatureReport({ s, index, total }: { s: VerifiedSignature; index: number; total: number }) {
  const v = verdict(s);
  return (
    <>
      <h3 class="govuk-heading-m">
        Signature {total > 1 ? `${index + 1} sur ${total}` : ''} : {s.signerName}
      </h3>
      <p class="govuk-body">
        <Tag colour={v.ok ? 'green' : 'red'}>{v.ok ? 'Valide' : 'Non valide'}</Tag> {v.text}
      </p>
      <SummaryList
        rows={[
          { key: 'Signataire', value: s.signerEmail ? `${s.signerName} (${s.signerEmail})` : s.signerName },
          ...(s.reason ? [{ key: 'Objet', value: s.reason }] : []),
          {
            key: 'Date de signature',
            value: s.signingTime
              ? `${formatDateTime(s.signingTime)}${s.timestamped ? ' (heure certifiée par l’horodatage)' : ' (heure déclarée)'}`
              : 'inconnue',
          },
          { key: 'Niveau', value: LEVELS[s.level] },
          {
            key: 'Intégrité',
            value: !s.intact
              ? 'Les octets signés ne correspondent plus à la signature.'
              : s.coversWholeDocument
                ? 'Le document est celui qui a été signé.'
                : 'La partie signée est intacte ; d’autres modifications (par exemple une autre signature) ont suivi.',
          },
          {
            key: 'Certificat',
            value: s.trusted
              ? s.issuedByCommune
                ? 'Délivré par l’autorité de certification de la commune à ce signataire.'
                : 'Rattaché à l’autorité de certification de la commune.'
              : 'Inconnu de la commune : ce n’est pas une signature du parapheur de la commune.',
          },
          {
            key: 'Révocation',
            value: s.revokedAt
              ? `Certificat révoqué le ${formatDateTime(s.revokedAt)}.`
              : s.trusted
                ? 'Certificat non révoqué à ce jour.'
                : 'Sans objet.',
          },
        ]}
      />
    </>
  );
}

function page(
  request: FastifyRequest,
  reply: FastifyReply,
  form: { errors?: FieldErrors; status?: number; result?: { name: string; signatures: VerifiedSignature[] } } = {},
) {
  const { result } = form;
  return sendPage(request, reply, {
    title: result ? `Vérification de « ${result.name} »` : 'Vérifier un document signé',
    errors: form.errors ?? {},
    fieldOrder: ['document'],
    ...(form.status ? { status: form.status } : {}),
    children: (
      <>
        <h1 class="govuk-heading-xl">Vérifier un document signé</h1>
        {result ? (
          <>
            <h2 class="govuk-heading-l" id="resultat">
              Résultat pour « {result.name} »
            </h2>
            {result.signatures.length === 0 ? (
              <WarningText>Ce document ne porte aucune signature électronique.</WarningText>
            ) : (
              result.signatures.map((s, i) => (
                <SignatureReport key={i} s={s} index={i} total={result.signatures.length} />
              ))
            )}
            <h2 class="govuk-heading-m">Vérifier un autre document</h2>
          </>
        ) : (
          <p class="govuk-body">
            Déposez un document PDF signé par le parapheur de la commune de {request.commune!.name} : vous saurez qui
            l’a signé, quand, et s’il a été modifié depuis. Le document n’est pas conservé.
          </p>
        )}
        <form method="post" action={verifyPath(request)} enctype="multipart/form-data" novalidate>
          <CsrfField token={reply.generateCsrf()} />
          <FileUpload
            name="document"
            label="Document PDF à vérifier"
            hint={`Au format PDF, ${formatBytes(MAX_UPLOAD_BYTES)} au plus.`}
            accept=".pdf,application/pdf"
            error={form.errors?.document}
          />
          <Button>Vérifier le document</Button>
        </form>
        <InsetText>
          Les signatures du parapheur sont des signatures électroniques avancées (règlement eIDAS, article 26), faites
          avec des certificats délivrés par l’autorité de certification interne de la commune ; ce ne sont pas des
          signatures qualifiées.
        </InsetText>
        <p class="govuk-body">
          Pour vérifier vous-même une signature (PDF ou flux PES V2 signé en XAdES), avec votre logiciel :{' '}
          <a class="govuk-link" href={`${verifyPath(request)}/autorite.pem`}>
            certificat de l’autorité de certification de {request.commune!.name}
          </a>{' '}
          (format PEM).
        </p>
      </>
    ),
  });
}

/** The verification page (multipart: register in a scope with registerMultipart). */
export function registerVerifyPages(app: FastifyInstance, ctx: AppContext): void {
  app.get('/c/:slug/verifier-signature', { config: { policy: 'public' } }, (request, reply) => page(request, reply));

  app.post('/c/:slug/verifier-signature', { config: { policy: 'public' } }, async (request, reply) => {
    const result = await handleForm(
      async () => {
        const files = uploadedFiles(request, 'document');
        if (files.length !== 1) {
          const message = 'Choisissez le document PDF à vérifier.';
          throw new AppError('input.invalid', 'no document', 422, { fields: { document: message } });
        }
        const file = await validateUpload(files[0]!, { accept: ['application/pdf'] });
        return { name: file.name, signatures: await verifyDocument(ctx, request.commune!.id, file.content) };
      },
      (errors, status) => page(request, reply, { errors, status }),
    );
    if (!result.ok) return result.response;
    return page(request, reply, { result: result.value });
  });
}

/** The CRL of the commune's authority, where its certificates say it is; and its certificate. */
export function registerCrlRoute(app: FastifyInstance, ctx: AppContext): void {
  app.get('/c/:slug/verifier-signature/autorite.pem', { config: { policy: 'public' } }, async (request, reply) => {
    const pem = await authorityCertificate(ctx, request.commune!.id);
    return reply
      .type('application/x-pem-file')
      .header('cache-control', 'public, max-age=3600')
      .header('content-disposition', `attachment; filename="autorite-${request.commune!.slug}.pem"`)
      .send(pem);
  });

  app.get(
    '/api/v1/parapheur/crl/:file',
    {
      config: { policy: 'public' },
      schema: {
        summary: 'Liste de révocation (CRL) de l’autorité de certification d’une commune',
        description:
          'Sans authentification. Adresse inscrite dans les certificats de signature (point de distribution de CRL) : « <identifiant de la commune>.crl ». Réponse au format DER (application/pkix-crl), valable un jour.',
        tags: ['parapheur'],
        response: {
          200: z
            .string()
            .describe('La liste de révocation de la commune, au format DER (application/pkix-crl).')
            .meta({ example: '(fichier binaire DER, par exemple 0196a3c2-….crl)' }),
        },
      },
    },
    async (request, reply) => {
      const { file } = request.params as { file: string };
      const communeId = /^(.+)\.crl$/.exec(file)?.[1] ?? '';
      const der = await publishCrl(ctx, communeId);
      return reply
        .type('application/pkix-crl')
        .header('cache-control', 'public, max-age=3600')
        .header('content-disposition', 'attachment; filename="autorite.crl"')
        .send(Buffer.from(der));
    },
  );
}
