/**
 * A local S3-protocol server for tests (s3rver), on 127.0.0.1 and a free port, storing in a
 * temporary directory: the S3 blob backend is tested over the real protocol, nothing leaves the machine.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import type { S3BlobConfig } from '../config/config.js';

export interface TestS3 {
  config: S3BlobConfig;
  /** The GUICHET_* variables that point Guichet at this server. */
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function startTestS3(bucket = 'guichet-test'): Promise<TestS3> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'guichet-s3-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket }],
  });
  const { port } = await server.run();
  // s3rver knows one key pair, S3RVER / S3RVER, and checks the request signatures made with it.
  const config: S3BlobConfig = {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    region: 'us-east-1',
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    prefix: 'guichet/',
    pathStyle: true,
  };
  return {
    config,
    env: {
      GUICHET_BLOB_STORE: 's3',
      GUICHET_S3_ENDPOINT: config.endpoint,
      GUICHET_S3_BUCKET: bucket,
      GUICHET_S3_ACCESS_KEY_ID: config.accessKeyId,
      GUICHET_S3_SECRET_ACCESS_KEY: config.secretAccessKey,
      GUICHET_S3_PREFIX: config.prefix,
    },
    async close() {
      await server.close();
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}
