/**
 * The event bus: one job per subscriber, enqueued in the emitter's transaction, with the
 * event's envelope; a subscriber's job runs its handler; names stay unique.
 */
import { describe, expect, it } from 'vitest';
import type { Tx } from '../db/tenant.js';
import type { JobQueue } from '../jobs/queue.js';
import { type DomainEvent, EventBus, subscribe, subscriberJobName } from './index.js';

function recordingQueue() {
  const enqueued: Array<{ tx: Tx; name: string; data: unknown }> = [];
  const queue = {
    async enqueue(tx: Tx, name: string, data: unknown) {
      enqueued.push({ tx, name, data });
      return 'job-id';
    },
  } as unknown as JobQueue;
  return { queue, enqueued };
}

const data = {
  requestId: '0190a000-0000-7000-8000-000000000001',
  number: '2026-000001',
  status: 'nouvelle',
  step: null,
  service: 'voirie',
  procedure: null,
  channel: 'web',
};

describe('EventBus', () => {
  it('enqueues one job per subscriber of the event, in the given transaction, and none for others', async () => {
    const bus = new EventBus();
    const seen: DomainEvent[] = [];
    bus.register([
      subscribe('request.created', 'a.on-created', async (e) => void seen.push(e)),
      subscribe('request.created', 'b.on-created', async (e) => void seen.push(e)),
      subscribe('request.status_changed', 'a.on-status', async (e) => void seen.push(e)),
    ]);
    const { queue, enqueued } = recordingQueue();
    const tx = { communeId: 'c1' } as Tx;
    const event = await bus.emit(tx, queue, 'request.created', data);

    expect(enqueued.map((j) => j.name)).toEqual(['event.a.on-created', 'event.b.on-created']);
    expect(enqueued.every((j) => j.tx === tx)).toBe(true);
    expect(enqueued[0]!.data).toEqual({
      id: event.id,
      name: 'request.created',
      communeId: 'c1',
      occurredAt: event.occurredAt,
      data,
    });

    // The job of a subscriber runs its handler with the envelope.
    const job = bus.jobs().find((j) => j.name === subscriberJobName({ name: 'b.on-created' }))!;
    await job.run(job.schema.parse(enqueued[1]!.data), {} as never);
    expect(seen).toEqual([enqueued[1]!.data]);
  });

  it('refuses an emit outside a tenant transaction and a subscriber name declared twice', async () => {
    const bus = new EventBus();
    const { queue } = recordingQueue();
    await expect(bus.emit({ communeId: null } as unknown as Tx, queue, 'request.created', data)).rejects.toThrow(
      'outside a tenant transaction',
    );
    bus.register([subscribe('request.created', 'a.same', async () => {})]);
    expect(() => bus.register([subscribe('request.status_changed', 'a.same', async () => {})])).toThrow(
      'declared twice',
    );
  });
});
