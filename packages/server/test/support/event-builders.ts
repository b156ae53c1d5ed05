import { randomUUID } from 'node:crypto';

/** An exposure event as the SDK sends it, with a fresh id, at `at` (epoch ms). */
export function exposureEvent(experiment: string, variant: string, unit: string, at: number) {
  return { id: randomUUID(), type: 'exposure', experiment, variant, unit, timestamp: new Date(at).toISOString() };
}

/** A conversion event as the SDK sends it, with a fresh id, at `at` (epoch ms). */
export function conversionEvent(name: string, unit: string, at: number, value?: number) {
  return {
    id: randomUUID(),
    type: 'conversion',
    name,
    unit,
    ...(value === undefined ? {} : { value }),
    timestamp: new Date(at).toISOString(),
  };
}
