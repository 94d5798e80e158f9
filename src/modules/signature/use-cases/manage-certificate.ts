/**
 * A signer's own certificate: he imports the PKCS#12 (.p12 / .pfx) another authority gave him
 * (an RGS or eIDAS qualified certificate on file, for instance), with its password, after a
 * recent authentication (step-up, as for signing). The file is read in memory and never kept:
 * the certificate and its chain are stored, the private key sealed with the instance's master key
 * like the commune authority's keys. From then on his PAdES and XAdES signatures use it; its chain
 * of trust is its issuer's, not the commune's. He removes it to sign again with the certificate of
 * the commune's authority. Wrong password, expired certificate, no signing key usage, a file that
 * is not a PKCS#12: a French 422, nothing saved. Both are journaled.
 */
import { X509Certificate } from 'node:crypto';
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { AppError } from '../../../platform/errors.js';
import { encryptPrivateKey, readPkcs12, SignatureInputError } from '../../../platform/signature/index.js';
import { formatDate } from '../../../platform/views/format.js';
import { insertCertificate, revokeImportedCertificates } from '../repo.js';
import { commonName } from '../signing.js';
import { auditSignature, type Caller } from './common.js';

/** A PKCS#12 of a person is a few kilobytes; anything far larger is not one. */
export const MAX_PKCS12_BYTES = 64 * 1024;

function refused(field: 'certificat' | 'motDePasse', code: string, message: string): AppError {
  return new AppError(`signature.${code}`, code, 422, { userMessage: message, fields: { [field]: message } });
}

export interface ImportInput {
  file: Buffer | null;
  password: string;
}

export interface ImportedCertificate {
  subject: string;
  issuer: string;
  notAfter: Date;
}

export async function importCertificate(
  ctx: AppContext,
  caller: Caller,
  input: ImportInput,
  now = new Date(),
): Promise<ImportedCertificate> {
  const masterKey = ctx.config.signature.masterKey;
  if (!masterKey) {
    throw new AppError('signature.not_configured', 'no signature master key', 409, {
      userMessage:
        'La signature électronique n’est pas encore configurée sur cette instance : l’hébergeur doit définir GUICHET_SIGNATURE_MASTER_KEY.',
    });
  }
  if (!input.file || input.file.length === 0) {
    throw refused('certificat', 'pkcs12_missing', 'Choisissez le fichier de votre certificat (.p12 ou .pfx).');
  }
  if (input.file.length > MAX_PKCS12_BYTES) {
    throw refused(
      'certificat',
      'pkcs12.not_pkcs12',
      'Ce fichier est trop gros pour être un certificat au format PKCS#12 (.p12 ou .pfx).',
    );
  }
  if (!input.password) {
    throw refused('motDePasse', 'pkcs12_no_password', 'Saisissez le mot de passe du certificat.');
  }
  let credentials: ReturnType<typeof readPkcs12>;
  try {
    credentials = readPkcs12(input.file, input.password);
  } catch (error) {
    if (!(error instanceof SignatureInputError)) throw error;
    throw refused(
      error.code === 'pkcs12.wrong_password' ? 'motDePasse' : 'certificat',
      error.code,
      error.frenchMessage,
    );
  }
  const cert = new X509Certificate(credentials.certificatePem);
  const notBefore = new Date(cert.validFrom);
  const notAfter = new Date(cert.validTo);
  if (notAfter <= now) {
    throw refused(
      'certificat',
      'pkcs12.expired',
      `Ce certificat a expiré le ${formatDate(notAfter)} : il ne peut plus signer. Demandez-en un nouveau à son émetteur.`,
    );
  }
  if (notBefore > now) {
    throw refused(
      'certificat',
      'pkcs12.not_yet_valid',
      `Ce certificat ne sera valable qu’à partir du ${formatDate(notBefore)}.`,
    );
  }
  const imported = { subject: commonName(cert.subject), issuer: commonName(cert.issuer), notAfter };
  await withTenant(ctx.database, caller.communeId, async (tx) => {
    await revokeImportedCertificates(tx, caller.communeId, caller.actor.accountId);
    await insertCertificate(tx, {
      communeId: caller.communeId,
      kind: 'imported',
      accountId: caller.actor.accountId,
      certificatePem: credentials.certificatePem,
      chainPem: credentials.chainPem.join('\n') || null,
      sealedPrivateKey: encryptPrivateKey(credentials.privateKeyPem, masterKey),
      serialHex: cert.serialNumber.toLowerCase(),
      notAfter,
    });
    await auditSignature(
      tx,
      caller,
      'signature.certificate_imported',
      { type: 'account', id: caller.actor.accountId },
      {
        subject: imported.subject,
        issuer: imported.issuer,
        serial: cert.serialNumber.toLowerCase(),
        notAfter: notAfter.toISOString(),
        fingerprint256: cert.fingerprint256,
      },
    );
  });
  return imported;
}

/** Back to the commune authority's certificate; 409 when nothing was imported. */
export async function removeCertificate(ctx: AppContext, caller: Caller): Promise<void> {
  await withTenant(ctx.database, caller.communeId, async (tx) => {
    const removed = await revokeImportedCertificates(tx, caller.communeId, caller.actor.accountId);
    if (removed === 0) {
      const message = 'Vous n’avez pas de certificat importé : vous signez déjà avec celui de la commune.';
      throw new AppError('signature.no_imported_certificate', message, 409, { userMessage: message });
    }
    await auditSignature(tx, caller, 'signature.certificate_removed', { type: 'account', id: caller.actor.accountId });
  });
}
