/**
 * Signed webhooks of a commune: an admin registers an https (or http) URL and the events it wants;
 * each domain event of the catalogue below (a request created, its status changed…) reaches this
 * module as a subscriber job — enqueued INSIDE the business transaction by the event bus, so a
 * rolled back submission or status change sends nothing — and becomes one `webhook_delivery` row
 * per subscribed endpoint and one delivery job. The job POSTs the JSON payload with
 * `Guichet-Signature: t=<unix>,v1=<hex HMAC-SHA256("<t>.<body>", secret)>` and `Guichet-Event`,
 * 10 s timeout, and fails (so the queue retries with backoff) on a network error or a non-2xx
 * answer; each attempt is recorded on the delivery row.
 * Outbound safety: http(s) only, no credentials in the URL, and private, loopback or link-local
 * addresses refused (checked on the URL and again on every DNS answer at connection time)
 * unless GUICHET_WEBHOOKS_ALLOW_PRIVATE=true.
 * The secret is stored as given (not hashed): the signature of every delivery needs it.
 */
import { createHmac, randomBytes } from 'node:crypto';
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import type { Database } from '../../platform/db/client.js';
import { type Tx, withTenant } from '../../platform/db/tenant.js';
import { AppError } from '../../platform/errors.js';
import type { DomainEvent, DomainEventName, DomainEvents } from '../../platform/events/index.js';
import { isLocalName, isPrivateAddress } from '../../platform/http/private-address.js';
import type { JobDefinition, JobQueue } from '../../platform/jobs/queue.js';
import type { CommuneDirectory } from '../../platform/tenancy/directory.js';

/** The connector's own reference of a folder it pushed through the API (`api:<reference>`), else null. */
function apiReference(source: string, reference: string | null): string | null {
  return source === 'api' && reference?.startsWith('api:') ? reference.slice(4) || null : null;
}

/**
 * The events a commune's software may subscribe to, with their French label and the payload's
 * `data` sent for each (a stable public contract: new fields may be added, none removed).
 */
const CATALOG = {
  'request.created': {
    label: 'Nouvelle demande déposée',
    data: ({ number, status, step, service, procedure }: DomainEvents['request.created']) => ({
      number,
      status,
      step,
      service,
      procedure,
    }),
  },
  'request.status_changed': {
    label: 'Changement de statut d’une demande',
    data: ({ number, status, step, service, procedure }: DomainEvents['request.status_changed']) => ({
      number,
      status,
      step,
      service,
      procedure,
    }),
  },
  'signature.circuit.completed': {
    label: 'Circuit du parapheur terminé : document signé',
    data: ({
      folderId,
      number,
      documentType,
      source,
      sourceReference,
    }: DomainEvents['signature.circuit.completed']) => ({
      folder: folderId,
      number,
      documentType,
      source,
      reference: apiReference(source, sourceReference),
    }),
  },
  'signature.circuit.refused': {
    label: 'Dossier du parapheur refusé',
    data: ({
      folderId,
      number,
      documentType,
      source,
      sourceReference,
      reason,
    }: DomainEvents['signature.circuit.refused']) => ({
      folder: folderId,
      number,
      documentType,
      source,
      reference: apiReference(source, sourceReference),
      reason,
    }),
  },
} satisfies { [N in DomainEventName]?: { label: string; data(data: DomainEvents[N]): Record<string, unknown> } };

export type WebhookEvent = keyof typeof CATALOG;
export const WEBHOOK_EVENTS = Object.keys(CATALOG) as WebhookEvent[];
export const WEBHOOK_EVENT_LABELS = Object.fromEntries(
  WEBHOOK_EVENTS.map((event) => [event, CATALOG[event].label]),
) as Record<WebhookEvent, string>;
export const WEBHOOK_JOB = 'requests.webhook.deliver';
export const WEBHOOK_TIMEOUT_MS = 10_000;
const MAX_URL_LENGTH = 2000;
const MAX_ERROR_LENGTH = 500;

export interface WebhookEndpoint {
  id: string;
  url: string;
  events: WebhookEvent[];
  active: boolean;
  createdAt: Date;
  lastDelivery: {
    event: string;
    attempts: number;
    lastStatus: number | null;
    lastError: string | null;
    lastAttemptAt: Date | null;
    deliveredAt: Date | null;
  } | null;
}

// — Addresses (the check is the platform’s: src/platform/http/private-address.ts) —

export { isPrivateAddress };

function invalidUrl(message: string): AppError {
  return new AppError('webhook.invalid_url', `invalid webhook url: ${message}`, 422, { fields: { url: message } });
}

/** Checks an endpoint URL as an admin typed it; returns its normalised form or throws a 422 on `url`. */
export function checkWebhookUrl(raw: string, allowPrivate: boolean): string {
  const text = raw.trim();
  if (!text)
    throw invalidUrl('Saisissez l’adresse qui recevra les notifications, par exemple https://exemple.fr/guichet.');
  if (text.length > MAX_URL_LENGTH) throw invalidUrl(`L’adresse doit faire au plus ${MAX_URL_LENGTH} caractères.`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalidUrl('Saisissez une adresse complète, commençant par https://.');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw invalidUrl('L’adresse doit commencer par https:// (ou http://).');
  }
  if (url.username || url.password) {
    throw invalidUrl(
      'L’adresse ne doit pas contenir d’identifiant ni de mot de passe : la signature authentifie les envois.',
    );
  }
  if (!allowPrivate) {
    const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
    if (isLocalName(host) || isPrivateAddress(host)) {
      throw invalidUrl('Les adresses privées ou locales ne sont pas acceptées : indiquez une adresse publique.');
    }
  }
  url.hash = '';
  return url.toString();
}

// — Endpoints —

export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

export async function insertWebhookEndpoint(
  tx: Tx,
  input: { communeId: string; url: string; secret: string; events: WebhookEvent[]; createdBy: string | null },
): Promise<string> {
  const id = uuidv7();
  await tx.client.query(
    `INSERT INTO webhook_endpoint (id, commune_id, url, secret, events, created_by)
     VALUES ($1, $2, $3, $4, $5::text[], $6)`,
    [id, input.communeId, input.url, input.secret, input.events, input.createdBy],
  );
  return id;
}

/** Deletes an endpoint (and its deliveries); returns its URL, or null when it does not exist. */
export async function deleteWebhookEndpoint(tx: Tx, communeId: string, id: string): Promise<string | null> {
  const { rows } = await tx.client.query<{ url: string }>(
    'DELETE FROM webhook_endpoint WHERE commune_id = $1 AND id = $2 RETURNING url',
    [communeId, id],
  );
  return rows[0]?.url ?? null;
}

interface EndpointRow {
  id: string;
  url: string;
  events: WebhookEvent[];
  active: boolean;
  created_at: Date;
  d_event: string | null;
  attempts: number | null;
  last_status: number | null;
  last_error: string | null;
  last_attempt_at: Date | null;
  delivered_at: Date | null;
}

/** The endpoints of the commune, oldest first, each with its latest delivery. */
export async function listWebhookEndpoints(tx: Tx, communeId: string): Promise<WebhookEndpoint[]> {
  const { rows } = await tx.client.query<EndpointRow>(
    `SELECT e.id, e.url, e.events, e.active, e.created_at,
            d.event AS d_event, d.attempts, d.last_status, d.last_error, d.last_attempt_at, d.delivered_at
       FROM webhook_endpoint e
       LEFT JOIN LATERAL (
         SELECT * FROM webhook_delivery d
          WHERE d.commune_id = e.commune_id AND d.endpoint_id = e.id
          ORDER BY d.created_at DESC LIMIT 1
       ) d ON true
      WHERE e.commune_id = $1
      ORDER BY e.created_at, e.id`,
    [communeId],
  );
  return rows.map((r) => ({
    id: r.id,
    url: r.url,
    events: r.events,
    active: r.active,
    createdAt: r.created_at,
    lastDelivery:
      r.d_event === null
        ? null
        : {
            event: r.d_event,
            attempts: r.attempts ?? 0,
            lastStatus: r.last_status,
            lastError: r.last_error,
            lastAttemptAt: r.last_attempt_at,
            deliveredAt: r.delivered_at,
          },
  }));
}

// — Events —

export interface WebhookPayload {
  /** The domain event's id: a receiver that sees it twice has seen the same event. */
  id: string;
  event: WebhookEvent;
  occurredAt: string;
  commune: string;
  data: Record<string, unknown>;
}

/**
 * Records one delivery per active endpoint of the event's commune subscribed to it and enqueues
 * its job, in one tenant transaction. Runs as the event's subscriber job, so a rolled back
 * business transaction sends nothing, and a re-run of the job records nothing twice. An endpoint
 * registered after the event occurred does not receive it (as if delivered at once).
 */
export async function recordDeliveries(
  database: Database,
  queue: JobQueue,
  communes: CommuneDirectory,
  event: DomainEvent<WebhookEvent>,
): Promise<number> {
  const commune = (await communes.all()).find((c) => c.id === event.communeId);
  if (!commune) return 0;
  const project = CATALOG[event.name].data as (data: unknown) => Record<string, unknown>;
  const payload: WebhookPayload = {
    id: event.id,
    event: event.name,
    occurredAt: event.occurredAt,
    commune: commune.slug,
    data: project(event.data),
  };
  return withTenant(database, commune.id, async (tx) => {
    const endpoints = await tx.client.query<{ id: string }>(
      `SELECT e.id FROM webhook_endpoint e
        WHERE e.commune_id = $1 AND e.active AND $2 = ANY(e.events) AND e.created_at <= $4::timestamptz
          AND NOT EXISTS (SELECT 1 FROM webhook_delivery d
                           WHERE d.commune_id = e.commune_id AND d.endpoint_id = e.id AND d.payload->>'id' = $3)
        ORDER BY e.created_at`,
      [commune.id, event.name, event.id, event.occurredAt],
    );
    for (const endpoint of endpoints.rows) {
      const deliveryId = uuidv7();
      await tx.client.query(
        `INSERT INTO webhook_delivery (id, commune_id, endpoint_id, event, payload) VALUES ($1, $2, $3, $4, $5::jsonb)`,
        [deliveryId, commune.id, endpoint.id, event.name, JSON.stringify(payload)],
      );
      await queue.enqueue(tx, WEBHOOK_JOB, { communeId: commune.id, deliveryId });
    }
    return endpoints.rows.length;
  });
}

// — Delivery —

/** The `Guichet-Signature` header value for `body` sent at unix time `t`. */
export function signWebhook(secret: string, body: string, t: number): string {
  const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return `t=${t},v1=${v1}`;
}

/** A DNS lookup that refuses private answers (checked at connection time, against rebinding). */
function guardedLookup(
  hostname: string,
  options: dns.LookupOptions,
  callback: (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void,
): void {
  dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    const list = addresses as dns.LookupAddress[];
    const bad = list.find((a) => isPrivateAddress(a.address));
    if (bad || list.length === 0) {
      return callback(new Error(`adresse privée refusée (${hostname} → ${bad?.address ?? 'aucune'})`), []);
    }
    if (options.all) return callback(null, list);
    return callback(null, list[0]!.address, list[0]!.family);
  });
}

/** POSTs `body`; resolves with the HTTP status, rejects on a network error or the timeout. */
export function postWebhook(
  url: string,
  body: string,
  headers: Record<string, string>,
  allowPrivate: boolean,
): Promise<number> {
  const target = new URL(url);
  if (!allowPrivate && isPrivateAddress(target.hostname.replace(/^\[|\]$/g, ''))) {
    return Promise.reject(new Error(`adresse privée refusée (${target.hostname})`));
  }
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
        ...(allowPrivate ? {} : { lookup: guardedLookup as unknown as typeof dns.lookup }),
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('error', (error) => {
      reject(error.name === 'AbortError' ? new Error(`délai de ${WEBHOOK_TIMEOUT_MS / 1000} s dépassé`) : error);
    });
    req.end(body);
  });
}

interface DeliveryRow {
  event: WebhookEvent;
  payload: WebhookPayload;
  delivered_at: Date | null;
  url: string;
  secret: string;
  active: boolean;
}

const jobSchema = z.object({ communeId: z.uuid(), deliveryId: z.uuid() });

/**
 * The delivery job. The HTTP call runs outside any transaction (a slow receiver must not hold a
 * database connection); the attempt is recorded afterwards in its own transaction.
 */
export function webhookDeliveryJob(options: {
  allowPrivate: boolean;
  userAgent: string;
}): JobDefinition<typeof jobSchema> {
  return {
    name: WEBHOOK_JOB,
    schema: jobSchema,
    retryLimit: 8,
    retryDelaySeconds: 30,
    async run({ communeId, deliveryId }, { database, logger }) {
      const row = await withTenant(database, communeId, async (tx) => {
        const { rows } = await tx.client.query<DeliveryRow>(
          `SELECT d.event, d.payload, d.delivered_at, e.url, e.secret, e.active
             FROM webhook_delivery d JOIN webhook_endpoint e ON e.id = d.endpoint_id AND e.commune_id = d.commune_id
            WHERE d.commune_id = $1 AND d.id = $2`,
          [communeId, deliveryId],
        );
        return rows[0];
      });
      // Endpoint deleted or disabled since, or already delivered: nothing to do.
      if (!row?.active || row.delivered_at) return;
      const body = JSON.stringify(row.payload);
      const t = Math.floor(Date.now() / 1000);
      let status: number | null = null;
      let error: string | null = null;
      try {
        status = await postWebhook(
          row.url,
          body,
          {
            'guichet-signature': signWebhook(row.secret, body, t),
            'guichet-event': row.event,
            'user-agent': options.userAgent,
          },
          options.allowPrivate,
        );
        if (status < 200 || status >= 300) error = `réponse HTTP ${status}`;
      } catch (e) {
        error = (e as Error).message || String(e);
      }
      await withTenant(database, communeId, (tx) =>
        tx.client.query(
          `UPDATE webhook_delivery
              SET attempts = attempts + 1, last_status = $3, last_error = $4, last_attempt_at = now(),
                  delivered_at = CASE WHEN $4::text IS NULL THEN now() ELSE delivered_at END
            WHERE commune_id = $1 AND id = $2`,
          [communeId, deliveryId, status, error?.slice(0, MAX_ERROR_LENGTH) ?? null],
        ),
      );
      if (error) {
        logger.warn({ deliveryId, url: row.url, error }, 'webhook : échec de l’envoi, nouvel essai plus tard');
        throw new Error(`webhook non délivré : ${error}`);
      }
    },
  };
}
