import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEventId } from './event-id.js';
import { host } from './platform.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The Unix milliseconds a version-7 UUID carries in its first 48 bits. */
const timeOf = (id: string) => Number.parseInt(id.replace('-', '').slice(0, 12), 16);

describe('createEventId', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is an RFC 9562 version-7 UUID carrying the current time, whatever the clock reads', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 48 - 1 }), (now) => {
        vi.useFakeTimers({ now, toFake: ['Date'] });
        const id = createEventId();
        expect(id).toMatch(UUID_V7);
        expect(timeOf(id)).toBe(now);
      }),
    );
  });

  it('orders ids by time and does not repeat within a millisecond', () => {
    vi.useFakeTimers({ now: 1_790_000_000_000, toFake: ['Date'] });
    const sameMillisecond = Array.from({ length: 10_000 }, () => createEventId());
    expect(new Set(sameMillisecond).size).toBe(sameMillisecond.length);
    vi.setSystemTime(1_790_000_000_001);
    const later = createEventId();
    expect(sameMillisecond.every((id) => id < later)).toBe(true);
  });

  it('still makes valid ids on a host without crypto', () => {
    vi.stubGlobal('crypto', undefined);
    try {
      expect(host.crypto).toBeUndefined();
      expect(createEventId()).toMatch(UUID_V7);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
