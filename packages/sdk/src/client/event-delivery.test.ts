import { describe, expect, it } from 'vitest';
import { createEventId } from './event-id.js';
import { keepaliveBodies, nextBatch } from './event-delivery.js';
import type { ConversionEvent } from './events.js';

const conversion = (bytes: number): ConversionEvent => ({
  id: createEventId(),
  type: 'conversion',
  name: 'purchase',
  unit: 'u-1',
  properties: { note: 'x'.repeat(bytes) },
  timestamp: '2026-01-01T00:00:00.000Z',
});

describe('nextBatch', () => {
  it('takes at most maxBatchSize events from the head, in order', () => {
    const queue = Array.from({ length: 5 }, () => conversion(10));
    expect(nextBatch(queue, 3)).toEqual(queue.slice(0, 3));
    expect(nextBatch(queue, 10)).toEqual(queue);
  });

  it('halves the batch until its body fits under the server limit, down to one event', () => {
    const queue = Array.from({ length: 8 }, () => conversion(200_000));
    expect(nextBatch(queue, 8)).toHaveLength(4);
    expect(nextBatch([conversion(2_000_000)], 8)).toHaveLength(1);
  });
});

describe('keepaliveBodies', () => {
  it('packs every event, in order, into bodies of at most 60,000 characters', () => {
    const events = Array.from({ length: 10 }, () => conversion(20_000));
    const bodies = keepaliveBodies(events);
    expect(bodies.length).toBeGreaterThan(1);
    for (const body of bodies) expect(body.length).toBeLessThanOrEqual(60_000 + '{"events":[]}'.length);
    expect(bodies.flatMap((body) => (JSON.parse(body) as { events: unknown[] }).events)).toEqual(events);
  });

  it('sends nothing for an empty queue', () => {
    expect(keepaliveBodies([])).toEqual([]);
  });
});
