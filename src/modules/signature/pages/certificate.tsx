/**
 * « Mon certificat de signature » (/c/<slug>/agent/parapheur/certificat): which certificate the
 * person signs with (the commune authority's, or the one he imported), the form that imports a
 * PKCS#12 (.p12 / .pfx + password; multipart, works without JavaScript) and the one that removes
 * it. Both POSTs ask for a recent authentication first, like signing. Register in a multipart scope.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isRecentlyAuthenticated } from '../../../platform/authz/step-up.js';
import type { AppContext } from '../../../platform/context.js';
import { AppError } from '../../../platform/errors.js';
import { uploadedFiles } from '../../../platform/files/checks.js';
import {
  Button,
  CsrfField,
  type FieldErrors,
  FileUpload,
  Input,
  InsetText,
  SummaryList,
} from '../../../platform/views/components.js';
import { formatDate } from '../../../platform/views/format.js';
import { type FormBody, formString, handleForm, sendPage } from '../../../platform/views/page-kit.js';
import { type CertificateInfo, certificatePage } from '../queries.js';
import type { Caller } from '../use-cases/common.js';
import { importCertificate, MAX_PKCS12_BYTES, removeCertificate } from '../use-cases/manage-certificate.js';
import { certificatePath, parapheurBreadcrumbs } from './ui.js';

const DONE: Record<string, string> = {
  importe: 'Votre certificat est importé : vos prochaines signatures l’utiliseront.',
  retire: 'Votre certificat importé est retiré : vous signez de nouveau avec le certificat de la commune.',
};

function caller(request: FastifyRequest): Caller {
  return { communeId: request.commune!.id, actor: request.actor!, requestId: request.id };
}

function CertificateRows({ certificate }: { certificate: CertificateInfo }) {
  return (
    <SummaryList
      rows={[
        { key: 'Au nom de', value: certificate.subject },
        { key: 'Délivré par', value: certificate.issuer },
        { key: 'Valable jusqu’au', value: formatDate(certificate.notAfter) },
      ]}
    />
  );
}

async function page(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  form: { errors?: FieldErrors; status?: number } = {},
) {
  const data = await certificatePage(ctx, request.commune!.id, request.actor!);
  const done = formString(request.query as FormBody, 'fait');
  const notice = DONE[done];
  const url = certificatePath(request);
  const csrf = reply.generateCsrf();
  const errors = form.errors ?? {};
  return sendPage(request, reply, {
    title: 'Mon certificat de signature',
    breadcrumbs: parapheurBreadcrumbs(request),
    errors,
    fieldOrder: ['certificat', 'motDePasse', 'action'],
    ...(form.status ? { status: form.status } : {}),
    ...(notice && !form.errors ? { notice: { kind: 'success' as const, title: notice } } : {}),
    children: (
      <>
        <h1 class="govuk-heading-xl">Mon certificat de signature</h1>
        {data.imported ? (
          <>
            <p class="govuk-body">
              Vous signez avec le certificat que vous avez importé. Ses signatures (PDF en PAdES, bordereaux PES en
              XAdES) se vérifient avec la chaîne de confiance de son émetteur, {data.imported.issuer}, et non avec
              l’autorité de certification de la commune.
            </p>
            <CertificateRows certificate={data.imported} />
            <form method="post" action={`${url}/retirer`} novalidate>
              <CsrfField token={csrf} />
              <Button variant="secondary">Retirer ce certificat et signer avec celui de la commune</Button>
            </form>
          </>
        ) : (
          <>
            <p class="govuk-body">
              Vous signez avec un certificat délivré par l’autorité de certification de la commune : une signature
              électronique avancée, qui n’est pas qualifiée au sens du règlement eIDAS.
            </p>
            {data.commune ? (
              <CertificateRows certificate={data.commune} />
            ) : (
              <p class="govuk-body">Il vous sera délivré lors de votre première signature.</p>
            )}
          </>
        )}
        <h2 class="govuk-heading-l">{data.imported ? 'Remplacer mon certificat' : 'Importer mon propre certificat'}</h2>
        <p class="govuk-body">
          Si un prestataire vous a délivré un certificat de signature (par exemple un certificat RGS ou qualifié eIDAS)
          sous forme de fichier, importez-le : vos signatures l’utiliseront. Le fichier n’est pas conservé ; la clé
          privée est enregistrée chiffrée.
        </p>
        {isRecentlyAuthenticated(request.actor!) ? null : (
          <InsetText>Avant d’importer ou de retirer un certificat, vous confirmerez votre identité.</InsetText>
        )}
        <form method="post" action={url} enctype="multipart/form-data" novalidate>
          <CsrfField token={csrf} />
          <FileUpload
            name="certificat"
            label="Fichier du certificat"
            hint="Au format PKCS#12 (.p12 ou .pfx), avec sa clé privée."
            accept=".p12,.pfx,application/x-pkcs12"
            error={errors.certificat}
          />
          <Input
            name="motDePasse"
            type="password"
            label="Mot de passe du fichier"
            autocomplete="off"
            width={20}
            value=""
            error={errors.motDePasse}
          />
          <Button>Importer le certificat</Button>
        </form>
      </>
    ),
  });
}

export function registerCertificatePages(app: FastifyInstance, ctx: AppContext): void {
  const stepUp = (request: FastifyRequest) => certificatePath(request);

  app.get('/c/:slug/agent/parapheur/certificat', { config: { policy: 'staff' } }, (request, reply) =>
    page(ctx, request, reply),
  );

  app.post('/c/:slug/agent/parapheur/certificat', { config: { policy: 'staff', stepUp } }, async (request, reply) => {
    const body = (request.body ?? {}) as FormBody;
    const result = await handleForm(
      async () => {
        const files = uploadedFiles(request, 'certificat');
        if (files.length > 1) {
          const message = 'Joignez un seul fichier de certificat.';
          throw new AppError('input.invalid', 'several files', 422, { fields: { certificat: message } });
        }
        const part = files[0];
        const tooBig = part && (part.isTruncated || part.content.length > MAX_PKCS12_BYTES);
        return importCertificate(ctx, caller(request), {
          file: part ? (tooBig ? Buffer.alloc(MAX_PKCS12_BYTES + 1) : part.content) : null,
          password: formString(body, 'motDePasse'),
        });
      },
      (errors, status) => page(ctx, request, reply, { errors, status }),
    );
    if (!result.ok) return result.response;
    return reply.redirect(`${certificatePath(request)}?fait=importe`, 303);
  });

  app.post(
    '/c/:slug/agent/parapheur/certificat/retirer',
    { config: { policy: 'staff', stepUp } },
    async (request, reply) => {
      try {
        await removeCertificate(ctx, caller(request));
      } catch (error) {
        if (error instanceof AppError && error.status === 409) {
          return page(ctx, request, reply, { errors: { action: error.userMessage }, status: 409 });
        }
        throw error;
      }
      return reply.redirect(`${certificatePath(request)}?fait=retire`, 303);
    },
  );
}
