/**
 * pino logger options: secrets and personal data never reach the logs. Headers that carry
 * credentials are removed, query strings are dropped from logged URLs (they may carry tokens),
 * and client addresses are truncated (IPv4 /24, IPv6 /48).
 */
import type { FastifyRequest } from 'fastify';
import type { LoggerOptions } from 'pino';

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.newPassword',
  '*.token',
  '*.secret',
  '*.apiKey',
  '*.email',
  '*.to',
  '*.toAddress',
  '*.phone',
  '*.iban',
  '*._csrf',
  'config.secret',
  'config.databaseUrl',
  'config.migrationDatabaseUrl',
  'config.smtpUrl',
  'config.sms.ovh.applicationSecret',
  'config.sms.ovh.consumerKey',
  'config.blobs.s3.secretAccessKey',
  '*.applicationSecret',
  '*.consumerKey',
  '*.secretAccessKey',
  '*.toNumber',
];

/** Keeps enough of an address to spot abuse from a network without identifying a person. */
export function truncateAddress(address: string | undefined): string | undefined {
  if (!address) return address;
  const v4 = address.replace(/^::ffff:/, '');
  if (/^\d+\.\d+\.\d+\.\d+$/.test(v4)) return v4.replace(/\.\d+$/, '.0');
  if (address.includes(':')) return `${address.split(':').slice(0, 3).join(':')}::`;
  return address;
}

export function stripQuery(url: string): string {
  const i = url.indexOf('?');
  return i === -1 ? url : `${url.slice(0, i)}?…`;
}

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: { paths: REDACTED_PATHS, censor: '[masqué]' },
    serializers: {
      req(req: FastifyRequest) {
        return {
          method: req.method,
          url: typeof req.url === 'string' ? stripQuery(req.url) : undefined,
          host: req.headers?.host,
          remoteAddress: truncateAddress(req.ip),
        };
      },
    },
  };
}
