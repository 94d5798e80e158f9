/**
 * Typed domain events. A use case *emits* an event inside its business transaction; every module
 * that *subscribes* to it gets one job of its own, enqueued in that same transaction, so a
 * subscriber runs if and only if the business change committed, is retried on its own, and never
 * holds the emitter's transaction open. This is how modules talk without reading each other's
 * tables (`request.status_changed` feeds the webhooks; `signature.circuit.completed` will tell
 * courrier and council that a document came back signed).
 *
 * Each module declares the events it emits by augmenting `DomainEvents` in its own `events.ts`:
 *
 *   declare module '../../platform/events/index.js' {
 *     interface DomainEvents { 'request.status_changed': { requestId: string; from: string; to: string } }
 *   }
 *
 * and subscribes through its manifest (`subscribers` in `module.ts`), with `subscribe()`.
 */
import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import type { Tx } from '../db/tenant.js';
import type { JobDefinition, JobQueue } from '../jobs/queue.js';

/** Event name → payload. Augmented by the modules that emit (see the file's comment). */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging in each module's events.ts.
export interface DomainEvents {}

export type DomainEventName = Extract<keyof DomainEvents, string>;

/** An event as a subscriber receives it. */
export interface DomainEvent<N extends DomainEventName = DomainEventName> {
  id: string;
  name: N;
  communeId: string;
  occurredAt: string;
  data: DomainEvents[N];
}

/** One module's reaction to one event. `name` is unique (`<module>.<what>`): it names the job. */
export interface EventSubscriber<N extends DomainEventName = DomainEventName> {
  event: N;
  name: string;
  /** Retries before the job goes to its dead-letter queue (default: the queue's). */
  retryLimit?: number;
  run(event: DomainEvent<N>): Promise<void>;
}

/** Declares a subscriber with its payload typed from the event's name. */
export function subscribe<N extends DomainEventName>(
  event: N,
  name: string,
  run: (event: DomainEvent<N>) => Promise<void>,
  options: { retryLimit?: number } = {},
): EventSubscriber<N> {
  return { event, name, run, ...options };
}

const envelopeSchema = z.object({
  id: z.string(),
  name: z.string(),
  communeId: z.string(),
  occurredAt: z.string(),
  data: z.unknown(),
});

/** The job that runs one subscriber (one queue per subscriber, so each retries on its own). */
export function subscriberJobName(subscriber: Pick<EventSubscriber, 'name'>): string {
  return `event.${subscriber.name}`;
}

/**
 * The instance's event bus: knows every subscriber (collected by the composition root from the
 * modules' manifests) and turns an emit into one job per subscriber, in the emitter's transaction.
 */
export class EventBus {
  readonly #byEvent = new Map<string, EventSubscriber[]>();
  readonly #subscribers: EventSubscriber[] = [];

  /**
   * Adds subscribers (the composition root does it once, from the modules' manifests, before the
   * queue starts: subscribers close over the context that also holds this bus).
   */
  register(subscribers: readonly EventSubscriber[]): void {
    for (const s of subscribers) {
      if (this.#subscribers.some((known) => known.name === s.name)) {
        throw new Error(`event subscriber ${s.name} declared twice`);
      }
      this.#subscribers.push(s);
      const list = this.#byEvent.get(s.event) ?? [];
      list.push(s);
      this.#byEvent.set(s.event, list);
    }
  }

  /** The jobs to register on the queue: one per subscriber. */
  jobs(): JobDefinition[] {
    return this.#subscribers.map((subscriber) => ({
      name: subscriberJobName(subscriber),
      schema: envelopeSchema,
      ...(subscriber.retryLimit !== undefined ? { retryLimit: subscriber.retryLimit } : {}),
      run: (envelope) => subscriber.run(envelope as DomainEvent),
    }));
  }

  /** Subscribers of an event (for tests and the documentation page). */
  subscribersOf(name: DomainEventName): readonly EventSubscriber[] {
    return this.#byEvent.get(name) ?? [];
  }

  /**
   * Emits `name` in the tenant transaction `tx`: enqueues one job per subscriber; nothing leaves
   * if the transaction rolls back. A job may run twice (a crash between its work and its
   * completion): subscribers use the event's `id` to stay idempotent.
   */
  async emit<N extends DomainEventName>(
    tx: Tx,
    queue: JobQueue,
    name: N,
    data: DomainEvents[N],
  ): Promise<DomainEvent<N>> {
    const communeId = tx.communeId;
    if (!communeId) throw new Error(`event ${name} emitted outside a tenant transaction`);
    const event: DomainEvent<N> = { id: uuidv7(), name, communeId, occurredAt: new Date().toISOString(), data };
    for (const subscriber of this.#byEvent.get(name) ?? []) {
      await queue.enqueue(tx, subscriberJobName(subscriber), event);
    }
    return event;
  }
}
