/**
 * The certificate revocation list of a commune's authority, as Guichet publishes it at the address
 * written in every certificate it issues (CRL distribution point): DER, signed by the authority,
 * listing the revoked signing certificates, valid one day. A commune whose authority does not
 * exist yet (nobody signed there) has no list: 404.
 */
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { notFound } from '../../../platform/errors.js';
import { isUuid } from '../../../platform/ids.js';
import { buildCrl, decryptPrivateKey } from '../../../platform/signature/index.js';
import { findLiveCertificate, listCertificates } from '../repo.js';

export const CRL_VALIDITY_MS = 86_400_000;

/**
 * The certificate of the commune's authority (PEM), published so that anyone verifying a
 * signature (pdfsig, xmlsec1, a comptable's software) can trust it; 404 before the first signature.
 */
export async function authorityCertificate(ctx: AppContext, communeId: string): Promise<string> {
  const authority = await withTenant(ctx.database, communeId, (tx) => findLiveCertificate(tx, communeId, 'ca'));
  if (!authority) throw notFound('signature.authority_not_found', `no authority yet for ${communeId}`);
  return authority.certificatePem;
}

/** The CRL of the commune's authority, DER. */
export async function publishCrl(ctx: AppContext, communeId: string, now = new Date()): Promise<Uint8Array> {
  const masterKey = ctx.config.signature.masterKey;
  const known = isUuid(communeId) && (await ctx.communes.all()).some((c) => c.id === communeId);
  if (!known || !masterKey) throw notFound('signature.crl_not_found', `no CRL for ${communeId}`);
  const { authority, revoked } = await withTenant(ctx.database, communeId, async (tx) => ({
    authority: await findLiveCertificate(tx, communeId, 'ca'),
    revoked: (await listCertificates(tx, communeId)).filter((c) => c.kind === 'signer' && c.revokedAt),
  }));
  if (!authority) throw notFound('signature.crl_not_found', `no authority yet for ${communeId}`);
  return buildCrl(
    {
      certificatePem: authority.certificatePem,
      privateKeyPem: decryptPrivateKey(authority.sealedPrivateKey, masterKey),
    },
    revoked.map((c) => ({ serialNumberHex: c.serialHex, revokedAt: c.revokedAt! })),
    // The CRL number grows with time: each list is newer than the one before (RFC 5280 §5.2.3).
    {
      thisUpdate: now,
      nextUpdate: new Date(now.getTime() + CRL_VALIDITY_MS),
      crlNumber: Math.floor(now.getTime() / 1000),
    },
  );
}
