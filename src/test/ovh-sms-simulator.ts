/**
 * A local stand-in for the OVHcloud SMS API (GET /1.0/auth/time, POST /1.0/sms/<service>/jobs)
 * that checks the application key, consumer key, timestamp and X-Ovh-Signature the way the real
 * API does, keeps what it receives, and can fail on demand. Its clock runs one hour ahead of the
 * machine's, so a client that does not ask /auth/time is refused.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedSmsJob {
  body: Record<string, unknown>;
  headers: http.IncomingHttpHeaders;
}

export interface OvhSmsSimulator {
  /** The value of GUICHET_SMS_OVH_ENDPOINT. */
  endpoint: string;
  env: Record<string, string>;
  /** Accepted jobs only. */
  received: ReceivedSmsJob[];
  /** Requests refused for their credentials, signature or timestamp. */
  refused: string[];
  /** Answers the next `count` jobs with `status` and an error message naming the receiver. */
  failNext(count: number, status?: number): void;
  /** Lists this number in invalidReceivers from now on. */
  refuseNumber(number: string): void;
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedSmsJob[]>;
  close(): Promise<void>;
}

const CLOCK_AHEAD_SECONDS = 3600;

export async function startOvhSmsSimulator(): Promise<OvhSmsSimulator> {
  const credentials = {
    applicationKey: 'ak-simulateur',
    applicationSecret: 'as-simulateur-secret',
    consumerKey: 'ck-simulateur-secret',
    serviceName: 'sms-ab12345-1',
  };
  const received: ReceivedSmsJob[] = [];
  const refused: string[] = [];
  const refusedNumbers = new Set<string>();
  let failures = 0;
  let failureStatus = 500;
  let endpoint = '';
  const apiTime = () => Math.floor(Date.now() / 1000) + CLOCK_AHEAD_SECONDS;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const send = (status: number, payload: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(payload));
      };
      if (req.method === 'GET' && req.url === '/1.0/auth/time') return send(200, apiTime());
      if (req.method !== 'POST' || req.url !== `/1.0/sms/${credentials.serviceName}/jobs`) {
        return send(404, { message: 'Not Found' });
      }
      const timestamp = String(req.headers['x-ovh-timestamp'] ?? '');
      const expected = `$1$${createHash('sha1')
        .update(
          [
            credentials.applicationSecret,
            credentials.consumerKey,
            'POST',
            `${endpoint}/sms/${credentials.serviceName}/jobs`,
            raw,
            timestamp,
          ].join('+'),
        )
        .digest('hex')}`;
      if (req.headers['x-ovh-application'] !== credentials.applicationKey) {
        refused.push('application key');
        return send(403, { message: 'Invalid application key' });
      }
      if (req.headers['x-ovh-consumer'] !== credentials.consumerKey) {
        refused.push('consumer key');
        return send(403, { message: 'Invalid credential' });
      }
      if (Math.abs(Number(timestamp) - apiTime()) > 30) {
        refused.push('timestamp');
        return send(400, { message: 'Query out of time' });
      }
      if (req.headers['x-ovh-signature'] !== expected) {
        refused.push('signature');
        return send(400, { message: 'Invalid signature' });
      }
      const body = JSON.parse(raw) as Record<string, unknown>;
      const receivers = (body.receivers as string[]) ?? [];
      if (failures > 0) {
        failures -= 1;
        return send(failureStatus, { message: `Internal server error while sending to ${receivers.join(', ')}` });
      }
      received.push({ body, headers: req.headers });
      const invalid = receivers.filter((r) => refusedNumbers.has(r));
      const valid = receivers.filter((r) => !refusedNumbers.has(r));
      return send(200, {
        ids: valid.map((_, i) => 40_000_000 + received.length * 10 + i),
        validReceivers: valid,
        invalidReceivers: invalid,
        totalCreditsRemoved: valid.length,
        tag: body.tag,
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/1.0`;
  return {
    endpoint,
    env: {
      GUICHET_SMS_PROVIDER: 'ovh',
      GUICHET_SMS_OVH_ENDPOINT: endpoint,
      GUICHET_SMS_OVH_APPLICATION_KEY: credentials.applicationKey,
      GUICHET_SMS_OVH_APPLICATION_SECRET: credentials.applicationSecret,
      GUICHET_SMS_OVH_CONSUMER_KEY: credentials.consumerKey,
      GUICHET_SMS_OVH_SERVICE_NAME: credentials.serviceName,
      GUICHET_SMS_OVH_SENDER: 'VILLEBELLE',
    },
    received,
    refused,
    failNext(count, status = 500) {
      failures = count;
      failureStatus = status;
    },
    refuseNumber(number) {
      refusedNumbers.add(number);
    },
    async waitFor(count, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} SMS, got ${received.length}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      return received;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
