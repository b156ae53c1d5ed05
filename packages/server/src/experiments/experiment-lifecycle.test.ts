import { describe, expect, it } from 'vitest';
import { nextStatus, TRANSITION_NAMES } from './experiment-lifecycle.js';
import { EXPERIMENT_STATUSES } from './experiment-schemas.js';

describe('nextStatus', () => {
  it('follows draft -> running <-> paused -> stopped -> archived and nothing else', () => {
    const allowed = EXPERIMENT_STATUSES.flatMap((status) =>
      TRANSITION_NAMES.map((action) => [status, action, nextStatus(status, action)] as const).filter(
        ([, , to]) => to !== null,
      ),
    );
    expect(allowed).toEqual([
      ['draft', 'start', 'running'],
      ['running', 'pause', 'paused'],
      ['running', 'stop', 'stopped'],
      ['paused', 'resume', 'running'],
      ['paused', 'stop', 'stopped'],
      ['stopped', 'archive', 'archived'],
    ]);
  });
});
