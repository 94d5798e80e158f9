/**
 * The signer's side of a signature step: finds the signer's credentials (an imported PKCS#12,
 * else a certificate of the commune's internal certification authority, issued on first need —
 * the authority itself is created on the commune's first signature), unseals the key with the
 * instance's master key, and signs the main PDF (PAdES, platform/signature) with a visible block
 * that names the signer's capacity, or the delegation they sign under — or, for a PES V2 file,
 * every bordereau in XAdES with the same certificate. Private to the module.
 */
import type { Actor } from '../../platform/authz/actor.js';
import type { AppContext } from '../../platform/context.js';
import type { Tx } from '../../platform/db/tenant.js';
import { AppError } from '../../platform/errors.js';
import {
  createCommuneCa,
  decryptPrivateKey,
  encryptPrivateKey,
  issueSigningCertificate,
  SignatureInputError,
  type SignerCredentials,
  signPdf,
  signPesAller,
} from '../../platform/signature/index.js';
import { formatDateTime } from '../../platform/views/format.js';
import { isPes, pesText } from './bordereaux.js';
import { capacityLine, DOCUMENT_TYPE_LABELS, FUNCTION_TITLES, type FunctionKey } from './circuits.js';
import type { FolderView } from './policy.js';
import { findLiveCertificate, insertCertificate, listFunctionHolders } from './repo.js';
import type { FolderDocument } from './schema.js';

function masterKeyOf(ctx: AppContext): Buffer {
  const key = ctx.config.signature.masterKey;
  if (!key) {
    throw new AppError('signature.not_configured', 'no signature master key', 409, {
      userMessage:
        'La signature électronique n’est pas encore configurée sur cette instance : l’hébergeur doit définir GUICHET_SIGNATURE_MASTER_KEY.',
    });
  }
  return key;
}

/**
 * The commune's name, read in the caller's transaction: never through `ctx.communes`, whose
 * refresh (every 30 s) opens another transaction — on the embedded PGlite, with its one
 * connection held by this transaction, that waited forever (the parapheur hung mid-batch).
 */
async function communeName(tx: Tx, communeId: string): Promise<string> {
  const { rows } = await tx.client.query<{ name: string }>('SELECT name FROM commune WHERE id = $1', [communeId]);
  return rows[0]?.name ?? 'Commune';
}

/** The commune's certification authority (created, with its key sealed, on first need). */
export async function communeAuthority(ctx: AppContext, tx: Tx, communeId: string) {
  const masterKey = masterKeyOf(ctx);
  const existing = await findLiveCertificate(tx, communeId, 'ca');
  if (existing) {
    return {
      certificatePem: existing.certificatePem,
      privateKeyPem: decryptPrivateKey(existing.sealedPrivateKey, masterKey),
    };
  }
  const ca = await createCommuneCa({ communeName: await communeName(tx, communeId) });
  await tx.client.query("SELECT pg_advisory_xact_lock(hashtext('signature-ca:' || $1))", [communeId]);
  const created = await findLiveCertificate(tx, communeId, 'ca');
  if (created) return communeAuthority(ctx, tx, communeId);
  const { X509Certificate } = await import('node:crypto');
  const cert = new X509Certificate(ca.certificatePem);
  await insertCertificate(tx, {
    communeId,
    kind: 'ca',
    accountId: null,
    certificatePem: ca.certificatePem,
    sealedPrivateKey: encryptPrivateKey(ca.privateKeyPem, masterKey),
    serialHex: cert.serialNumber.toLowerCase(),
    notAfter: new Date(cert.validTo),
  });
  return ca;
}

/** The signer's credentials: imported, else issued by the commune's authority (first time: now). */
async function credentialsOf(
  ctx: AppContext,
  tx: Tx,
  communeId: string,
  signer: Actor,
  title: string | null,
): Promise<SignerCredentials> {
  const masterKey = masterKeyOf(ctx);
  const own =
    (await findLiveCertificate(tx, communeId, 'imported', signer.accountId)) ??
    (await findLiveCertificate(tx, communeId, 'signer', signer.accountId));
  if (own) {
    return {
      certificatePem: own.certificatePem,
      chainPem: own.chainPem ? splitPems(own.chainPem) : [],
      privateKeyPem: decryptPrivateKey(own.sealedPrivateKey, masterKey),
    };
  }
  const ca = await communeAuthority(ctx, tx, communeId);
  const issued = await issueSigningCertificate(ca, {
    fullName: signer.displayName,
    email: signer.email,
    ...(title ? { title } : {}),
    communeName: await communeName(tx, communeId),
    crlUrl: `${ctx.config.publicUrl}/api/v1/parapheur/crl/${communeId}.crl`,
  });
  await insertCertificate(tx, {
    communeId,
    kind: 'signer',
    accountId: signer.accountId,
    certificatePem: issued.certificatePem,
    chainPem: issued.chainPem.join('\n'),
    sealedPrivateKey: encryptPrivateKey(issued.privateKeyPem, masterKey),
    serialHex: issued.serialNumberHex.toLowerCase(),
    notAfter: issued.notAfter,
  });
  return { certificatePem: issued.certificatePem, chainPem: issued.chainPem, privateKeyPem: issued.privateKeyPem };
}

/** Common name of an X.509 name as node prints it (« C=FR\nO=…\nCN=Jeanne Martin »). */
export function commonName(name: string): string {
  return /(?:^|\n)CN=([^\n]+)/.exec(name)?.[1] ?? name.replace(/\n/g, ', ');
}

function splitPems(pems: string): string[] {
  return pems.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

function asInputError(error: unknown): never {
  if (error instanceof SignatureInputError) {
    throw new AppError(`signature.${error.code}`, error.message, 422, { userMessage: error.frenchMessage });
  }
  throw error;
}

/**
 * Signs the folder's main document for `signer` (acting for `onBehalfOf` under a delegation): a
 * PDF in PAdES, a PES V2 Aller file with one enveloped XAdES signature in each bordereau (same
 * certificate).
 */
export async function signMainDocument(
  ctx: AppContext,
  tx: Tx,
  input: { view: FolderView; principal: FolderDocument; signer: Actor; onBehalfOf: string | null },
): Promise<{ content: Buffer; level: string }> {
  const { view, principal, signer, onBehalfOf } = input;
  const communeId = view.folder.communeId;
  const holders = await listFunctionHolders(tx, communeId);
  const functionOf = (accountId: string): FunctionKey | null =>
    holders.find((h) => h.accountId === accountId)?.functionKey ?? null;
  const signerFunction = functionOf(signer.accountId);
  const title = signerFunction ? FUNCTION_TITLES[signerFunction] : null;
  const credentials = await credentialsOf(ctx, tx, communeId, signer, title);
  const now = new Date();
  const capacity = capacityLine(
    { name: signer.displayName, functionTitle: title },
    onBehalfOf ? { functionKey: functionOf(onBehalfOf) } : null,
  );
  const pdf = await tx.blobs.get({ communeId }, principal.currentSha256);
  if (isPes(principal)) {
    const xml = await signPesAller(pesText(pdf), credentials, {
      signingTime: now,
      ...(capacity ? { claimedRole: capacity } : {}),
    }).catch(asInputError);
    return { content: Buffer.from(xml, 'utf8'), level: 'XAdES-B-B' };
  }
  const tsaUrl = ctx.config.signature.tsaUrl;
  const signed = await signPdf(pdf, {
    signer: credentials,
    reason: `${DOCUMENT_TYPE_LABELS[view.folder.documentType]} n° ${view.folder.number}${capacity ? ` — ${capacity}` : ''}`,
    location: await communeName(tx, communeId),
    signingTime: now,
    appearance: {
      lines: [`Signé par ${signer.displayName}`, capacity, `le ${formatDateTime(now)}`].filter((l) => l !== ''),
    },
    ...(tsaUrl ? { timestamp: { url: tsaUrl } } : {}),
  }).catch(asInputError);
  return { content: Buffer.from(signed.pdf), level: signed.level };
}
