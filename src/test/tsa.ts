/**
 * A local RFC 3161 timestamp authority for tests: a node http server on 127.0.0.1 that answers
 * `application/timestamp-query` with `openssl ts -reply`, signed by its own TSA certificate
 * (critical extendedKeyUsage timeStamping) under its own test root, both made in a temp dir.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestTsa {
  url: string;
  /** The TSA's root certificate (PEM), for `openssl ts -verify -CAfile`. */
  caPem: string;
  caFile: string;
  /** The TSA's own certificate file (PEM), for `-untrusted`. */
  tsaCertFile: string;
  /** How many requests it answered. */
  requests: number;
  /** From now on, answers with HTTP 503 (a TSA that is down). */
  fail(on: boolean): void;
  close(): Promise<void>;
}

const CONFIG = (dir: string) => `
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = Test
[ v3_ca ]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[ v3_tsa ]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature,nonRepudiation
extendedKeyUsage = critical,timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
dir = ${dir}
serial = ${dir}/serial
crypto_device = builtin
signer_cert = ${dir}/tsa.pem
certs = ${dir}/tsa.pem
signer_key = ${dir}/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
other_policies = 1.2.3.4.5
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
`;

export async function startTestTsa(): Promise<TestTsa> {
  const dir = await mkdtemp(join(tmpdir(), 'guichet-tsa-'));
  const cnf = join(dir, 'openssl.cnf');
  await writeFile(cnf, CONFIG(dir));
  await writeFile(join(dir, 'serial'), '01\n');
  const o = (...args: string[]) => run('openssl', args, { cwd: dir });
  await o('genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', 'ca.key');
  await o(
    'req',
    '-x509',
    '-config',
    cnf,
    '-extensions',
    'v3_ca',
    '-key',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '3650',
    '-subj',
    '/C=FR/O=Test/CN=Autorite racine TSA de test',
  );
  await o(
    'req',
    '-new',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'tsa.key',
    '-out',
    'tsa.csr',
    '-subj',
    '/C=FR/O=Test/CN=Horodatage de test',
  );
  await o(
    'x509',
    '-req',
    '-in',
    'tsa.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'tsa.pem',
    '-days',
    '3650',
    '-extfile',
    cnf,
    '-extensions',
    'v3_tsa',
  );
  let failing = false;
  let queue: Promise<unknown> = Promise.resolve();
  const state = { requests: 0 };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (failing) {
        res.writeHead(503).end();
        return;
      }
      if (req.method !== 'POST' || req.headers['content-type'] !== 'application/timestamp-query') {
        res.writeHead(415).end();
        return;
      }
      const id = randomUUID();
      const q = join(dir, `${id}.tsq`);
      const r = join(dir, `${id}.tsr`);
      // One reply at a time: openssl ts -reply reads and rewrites the serial file.
      const reply = queue.then(() =>
        writeFile(q, Buffer.concat(chunks))
          .then(() => o('ts', '-reply', '-config', cnf, '-queryfile', q, '-out', r))
          .then(() => readFile(r)),
      );
      queue = reply.then(
        () => undefined,
        () => undefined,
      );
      reply
        .then(
          (reply) => {
            state.requests += 1;
            res.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(reply);
          },
          () => res.writeHead(400).end(),
        )
        .finally(() => Promise.all([rm(q, { force: true }), rm(r, { force: true })]));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/tsa`,
    caPem: await readFile(join(dir, 'ca.pem'), 'utf8'),
    caFile: join(dir, 'ca.pem'),
    tsaCertFile: join(dir, 'tsa.pem'),
    get requests() {
      return state.requests;
    },
    fail(on: boolean) {
      failing = on;
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
