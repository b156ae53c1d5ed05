import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUCKETING_VERSION, bucket, decide, hash, type Attributes, type ExperimentDefinition } from '../src/index.js';

interface HashVector {
  readonly name: string;
  readonly input: string;
  readonly hash: number;
  readonly bucket: number;
}

interface DecideVector {
  readonly name: string;
  readonly experiment: ExperimentDefinition;
  readonly context: Attributes;
  readonly expected: {
    variant: string;
    inExperiment: boolean;
    reason: string;
    bucket: number | null;
    payload: unknown;
  };
}

const vectors = JSON.parse(readFileSync(new URL('./vectors/bucketing.v1.json', import.meta.url), 'utf8')) as {
  specVersion: number;
  hash: HashVector[];
  decide: DecideVector[];
};

describe('bucketing golden vectors v1', () => {
  it('are the spec version this SDK implements', () => {
    expect(vectors.specVersion).toBe(BUCKETING_VERSION);
  });

  it.each(vectors.hash)('hash: $name', (vector) => {
    expect(hash(vector.input)).toBe(vector.hash);
    expect(bucket(vector.input)).toBe(vector.bucket);
  });

  it.each(vectors.decide)('decide: $name', (vector) => {
    expect(decide(vector.experiment, vector.context)).toEqual({
      experiment: vector.experiment.key,
      ...vector.expected,
    });
  });
});
