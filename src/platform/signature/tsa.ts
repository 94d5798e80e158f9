/**
 * RFC 3161 timestamp client: a TimeStampReq (SHA-256 imprint, random nonce, certReq) posted as
 * `application/timestamp-query` to the TSA an admin configured; the reply's status, imprint and
 * nonce are checked before its token is used.
 */
import { randomBytes } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { toArrayBuffer } from './crypto-kit.js';
import { SignatureInputError } from './errors.js';
import type { TimestampAuthority } from './types.js';

const SHA256 = '2.16.840.1.101.3.4.2.1';

function unreachable(cause?: unknown): SignatureInputError {
  return new SignatureInputError(
    'Le service d’horodatage ne répond pas ou a refusé la demande ; la signature n’a pas été faite.',
    'tsa.unavailable',
    { cause },
  );
}

/** Parses the TSTInfo inside a timestamp token (ContentInfo of SignedData). */
export function readTstInfo(token: Uint8Array): pkijs.TSTInfo {
  const ci = pkijs.ContentInfo.fromBER(toArrayBuffer(token));
  const sd = new pkijs.SignedData({ schema: ci.content });
  const econtent = sd.encapContentInfo.eContent;
  if (!econtent) throw new Error('timestamp token without TSTInfo');
  return pkijs.TSTInfo.fromBER(econtent.getValue());
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Asks the TSA to timestamp `sha256Digest`; returns the DER token (ContentInfo). */
export async function requestTimestamp(tsa: TimestampAuthority, sha256Digest: Uint8Array): Promise<Uint8Array> {
  const nonce = randomBytes(8);
  nonce[0] = (nonce[0]! & 0x7f) | 0x01; // positive, non-zero first byte: a minimal DER INTEGER
  const req = new pkijs.TimeStampReq({
    version: 1,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: SHA256 }),
      hashedMessage: new asn1js.OctetString({ valueHex: toArrayBuffer(sha256Digest) }),
    }),
    nonce: new asn1js.Integer({ valueHex: toArrayBuffer(nonce) }),
    certReq: true,
  });
  const body = new Uint8Array(req.toSchema().toBER(false));
  let reply: Uint8Array;
  try {
    const res = await fetch(tsa.url, {
      method: 'POST',
      headers: { ...tsa.headers, 'content-type': 'application/timestamp-query' },
      body,
      signal: AbortSignal.timeout(tsa.timeoutMs ?? 10_000),
    });
    if (!res.ok) throw new Error(`TSA HTTP ${res.status}`);
    reply = new Uint8Array(await res.arrayBuffer());
  } catch (cause) {
    throw unreachable(cause);
  }
  let resp: pkijs.TimeStampResp;
  try {
    resp = pkijs.TimeStampResp.fromBER(toArrayBuffer(reply));
  } catch (cause) {
    throw unreachable(cause);
  }
  const status = resp.status.status;
  if ((status !== 0 && status !== 1) || !resp.timeStampToken) throw unreachable(new Error(`TSA status ${status}`));
  const token = new Uint8Array(resp.timeStampToken.toSchema().toBER(false));
  const tst = readTstInfo(token);
  const imprint = new Uint8Array(tst.messageImprint.hashedMessage.valueBlock.valueHexView);
  if (!equalBytes(imprint, sha256Digest)) throw unreachable(new Error('TSA imprint mismatch'));
  const gotNonce = tst.nonce ? new Uint8Array(tst.nonce.valueBlock.valueHexView) : null;
  if (!gotNonce || !equalBytes(stripZeros(gotNonce), stripZeros(nonce))) {
    throw unreachable(new Error('TSA nonce mismatch'));
  }
  return token;
}

function stripZeros(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
}
