/**
 * Blob backend on S3-compatible object storage (GUICHET_BLOB_STORE=s3: OVHcloud, Scaleway,
 * Outscale, MinIO, Garage, Ceph…). One object per blob, key `<prefix><scope>/<sha256>`. Bytes are
 * checked against their address on every read, whatever the storage claims.
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import type { S3BlobConfig } from '../../config/config.js';
import {
  assertAddress,
  type BlobBackend,
  BlobNotFoundError,
  type BlobScope,
  blobAddress,
  scopeKey,
  verified,
} from './blob-store.js';

export function s3BlobBackend(
  config: S3BlobConfig,
): BlobBackend & { client: S3Client; keyOf(scope: BlobScope, address: string): string } {
  const client = new S3Client({
    endpoint: config.endpoint,
    region: config.region,
    forcePathStyle: config.pathStyle,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
    // S3-compatible services do not all know the SDK's newer default checksums.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 3,
  });
  const keyOf = (scope: BlobScope, address: string) => {
    assertAddress(address);
    return `${config.prefix}${scopeKey(scope)}/${address}`;
  };
  const isMissing = (error: unknown) =>
    error instanceof S3ServiceException &&
    (error.name === 'NoSuchKey' || error.name === 'NotFound' || error.$metadata?.httpStatusCode === 404);
  return {
    kind: 's3',
    transactional: false,
    client,
    keyOf,
    async put(_conn, scope, content) {
      const address = blobAddress(content);
      await client.send(
        new PutObjectCommand({
          Bucket: config.bucket,
          Key: keyOf(scope, address),
          Body: content,
          ContentLength: content.length,
          ContentType: 'application/octet-stream',
        }),
      );
      return address;
    },
    async get(_conn, scope, address) {
      const key = keyOf(scope, address);
      try {
        const response = await client.send(new GetObjectCommand({ Bucket: config.bucket, Key: key }));
        const bytes = await response.Body!.transformToByteArray();
        return verified(scopeKey(scope), address, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      } catch (error) {
        if (isMissing(error)) throw new BlobNotFoundError(scopeKey(scope), address);
        throw error;
      }
    },
    async exists(_conn, scope, address) {
      try {
        await client.send(new HeadObjectCommand({ Bucket: config.bucket, Key: keyOf(scope, address) }));
        return true;
      } catch (error) {
        if (isMissing(error)) return false;
        throw error;
      }
    },
    async delete(_conn, scope, address) {
      await client.send(new DeleteObjectCommand({ Bucket: config.bucket, Key: keyOf(scope, address) }));
    },
    async close() {
      client.destroy();
    },
  };
}
