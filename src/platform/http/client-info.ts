/**
 * The audit context of a request, built once at the edge: the client's network (truncated, never
 * the full address) and a bounded user agent, as the journal records them.
 */
import type { FastifyRequest } from 'fastify';
import { truncateAddress } from './logger.js';

export type ClientInfo = {
  clientAddress: string | null;
  userAgent: string;
};

export function clientInfo(request: FastifyRequest): ClientInfo {
  return {
    clientAddress: truncateAddress(request.ip) ?? null,
    userAgent: (request.headers['user-agent'] ?? '').slice(0, 120),
  };
}
