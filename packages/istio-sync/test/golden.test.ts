import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readExperiments } from '../src/experiment-input.js';
import { renderResources } from '../src/render.js';
import { parseYamlDocuments, toYamlDocuments } from '../src/yaml-documents.js';
import { sharedValidator } from './support/schemas.js';

const GOLDEN = new URL('./golden/', import.meta.url);
const isUpdating = process.env['UPDATE_GOLDEN'] === '1';
const cases = readdirSync(GOLDEN)
  .filter((file) => file.endsWith('.json'))
  .map((file) => file.slice(0, -'.json'.length))
  .sort();

describe('golden YAML per mode', () => {
  it('has the named cases the issue asks for', () => {
    expect(cases).toEqual(
      expect.arrayContaining([
        'talk-ios-north-carolina',
        'canary-steps',
        'mirror-dark-launch',
        'blue-green',
        'merged-host',
        'edge-bucketing',
      ]),
    );
  });

  for (const name of cases) {
    it(`${name}: renders exactly the golden YAML, which passes validation`, () => {
      const input: unknown = JSON.parse(readFileSync(new URL(`${name}.json`, GOLDEN), 'utf8'));
      const yaml = toYamlDocuments(renderResources(readExperiments(input)));
      const goldenFile = new URL(`${name}.yaml`, GOLDEN);
      if (isUpdating) writeFileSync(goldenFile, yaml);
      expect(yaml).toBe(readFileSync(goldenFile, 'utf8'));
      const issues = sharedValidator().validate(parseYamlDocuments(yaml));
      expect(issues).toEqual([]);
    });
  }
});
