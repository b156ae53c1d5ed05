import { describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit.js';

describe('GroupCommit', () => {
  it('writes a lone caller at once and groups the callers that arrive while a write is in flight', async () => {
    const writes: number[][] = [];
    let release: () => void = () => undefined;
    const group = new GroupCommit<number>(
      async (items) => {
        writes.push(items);
        if (writes.length === 1) await new Promise<void>((resolve) => (release = resolve));
      },
      { maxItems: 100, maxConcurrent: 1 },
    );
    const first = group.add([1]);
    const others = [group.add([2, 3]), group.add([4])];
    expect(writes).toEqual([[1]]);
    release();
    await Promise.all([first, ...others]);
    expect(writes).toEqual([[1], [2, 3, 4]]);
  });

  it('splits a group at maxItems and fails every caller of a failed group', async () => {
    const writes: number[][] = [];
    const group = new GroupCommit<number>(
      async (items) => {
        writes.push(items);
        if (items.includes(99)) throw new Error('database down');
      },
      { maxItems: 2, maxConcurrent: 1 },
    );
    await group.add([1, 2, 3]);
    expect(writes).toEqual([[1, 2], [3]]);
    // Added together, the three callers form one group; its first chunk fails, so all of them fail.
    const outcomes = await Promise.allSettled([group.add([5]), group.add([99]), group.add([6])]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(writes.slice(2)).toEqual([[5, 99]]);
  });

  it("hands each caller the results of its own items, across a group's chunks", async () => {
    const group = new GroupCommit<number, string>(async (items) => items.map((item) => `#${item}`), {
      maxItems: 2,
      maxConcurrent: 1,
    });
    const [first, second, third] = await Promise.all([group.add([1]), group.add([2, 3, 4]), group.add([5])]);
    expect(first).toEqual(['#1']);
    expect(second).toEqual(['#2', '#3', '#4']);
    expect(third).toEqual(['#5']);
  });
});
