/**
 * The OVHcloud SMS API (API v1, "jobs" of an SMS account), as documented by OVHcloud:
 *
 *   POST <endpoint>/sms/<serviceName>/jobs
 *   X-Ovh-Application: <application key>
 *   X-Ovh-Consumer:    <consumer key>
 *   X-Ovh-Timestamp:   <unix time of the OVHcloud API, from GET <endpoint>/auth/time>
 *   X-Ovh-Signature:   "$1$" + hex SHA-1 of "<application secret>+<consumer key>+POST+<full URL>+<body>+<timestamp>"
 *   Content-Type:      application/json
 *   {"charset":"UTF-8","coding":"7bit"|"8bit","message":"…","noStopClause":true,"priority":"high",
 *    "receivers":["+33612345678"],"sender":"MAIRIE" | "senderForResponse":true,"validityPeriod":2880,"tag":"guichet"}
 *
 * answered 200 with {"ids":[…],"validReceivers":[…],"invalidReceivers":[…],"totalCreditsRemoved":n}.
 * `noStopClause` is allowed because these SMS are notifications, not marketing. A number listed in
 * `invalidReceivers` is a permanent failure; any other error (network, timeout, non-2xx) is
 * retried by the job queue. The offset between our clock and the API's is read once from
 * /auth/time, as OVHcloud advises.
 */
import { createHash } from 'node:crypto';
import type { OvhSmsConfig } from '../../config/config.js';
import { measureSms } from './gsm.js';
import { type SmsProvider, SmsSendError } from './provider.js';

export const OVH_TIMEOUT_MS = 10_000;
/** Minutes the network keeps trying to deliver an SMS to a phone that is off. */
const VALIDITY_MINUTES = 2880;

/** The X-Ovh-Signature of a request. */
export function ovhSignature(
  credentials: Pick<OvhSmsConfig, 'applicationSecret' | 'consumerKey'>,
  method: string,
  url: string,
  body: string,
  timestamp: string,
): string {
  const signed = [credentials.applicationSecret, credentials.consumerKey, method, url, body, timestamp].join('+');
  return `$1$${createHash('sha1').update(signed).digest('hex')}`;
}

async function request(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(OVH_TIMEOUT_MS) });
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'TimeoutError' || name === 'AbortError') {
      throw new SmsSendError(`OVHcloud : pas de réponse en ${OVH_TIMEOUT_MS / 1000} s`, false);
    }
    throw new SmsSendError(`OVHcloud injoignable : ${(error as Error).message}`, false);
  }
}

/** The error message of an OVHcloud answer ({"message": "…"}), shortened. */
async function errorOf(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const message = (JSON.parse(text) as { message?: unknown }).message;
    if (typeof message === 'string') return message.slice(0, 300);
  } catch {
    // not JSON
  }
  return text.slice(0, 300);
}

export function createOvhSmsProvider(config: OvhSmsConfig): SmsProvider {
  let clockOffsetSeconds: number | undefined;

  async function apiTime(): Promise<number> {
    if (clockOffsetSeconds === undefined) {
      const response = await request(`${config.endpoint}/auth/time`, { method: 'GET' });
      if (!response.ok) {
        throw new SmsSendError(`OVHcloud /auth/time : HTTP ${response.status} ${await errorOf(response)}`, false);
      }
      const time = Number(await response.text());
      if (!Number.isInteger(time)) throw new SmsSendError('OVHcloud /auth/time : réponse illisible', false);
      clockOffsetSeconds = time - Math.floor(Date.now() / 1000);
    }
    return Math.floor(Date.now() / 1000) + clockOffsetSeconds;
  }

  return {
    name: 'ovh',
    canSend: true,
    async send(message) {
      const url = `${config.endpoint}/sms/${encodeURIComponent(config.serviceName)}/jobs`;
      const body = JSON.stringify({
        charset: 'UTF-8',
        coding: measureSms(message.body).encoding === 'gsm7' ? '7bit' : '8bit',
        message: message.body,
        noStopClause: true,
        priority: 'high',
        receivers: [message.to],
        ...(config.sender ? { sender: config.sender, senderForResponse: false } : { senderForResponse: true }),
        validityPeriod: VALIDITY_MINUTES,
        tag: 'guichet',
      });
      const timestamp = String(await apiTime());
      const response = await request(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-ovh-application': config.applicationKey,
          'x-ovh-consumer': config.consumerKey,
          'x-ovh-timestamp': timestamp,
          'x-ovh-signature': ovhSignature(config, 'POST', url, body, timestamp),
        },
        body,
      });
      if (!response.ok) {
        throw new SmsSendError(`OVHcloud : HTTP ${response.status} ${await errorOf(response)}`.trim(), false);
      }
      let report: { ids?: unknown; validReceivers?: unknown; invalidReceivers?: unknown };
      try {
        report = (await response.json()) as typeof report;
      } catch {
        throw new SmsSendError('OVHcloud : réponse illisible', false);
      }
      const invalid = Array.isArray(report.invalidReceivers) ? report.invalidReceivers : [];
      const valid = Array.isArray(report.validReceivers) ? report.validReceivers : [];
      if (invalid.length > 0 || valid.length === 0) {
        throw new SmsSendError('OVHcloud a refusé le numéro du destinataire', true);
      }
      const ids = Array.isArray(report.ids) ? report.ids : [];
      return { providerMessageId: ids.length > 0 ? String(ids[0]) : null };
    },
  };
}
