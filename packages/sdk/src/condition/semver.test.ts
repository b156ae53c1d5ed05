import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compareVersions, padVersion } from './semver.js';

describe('compareVersions', () => {
  it('orders versions as semantic versioning does', () => {
    const ascending = [
      '0.0.0-foo',
      '0.0.0',
      '0.9.99',
      '1.0.0-0',
      '1.0.0-1',
      '1.0.0-99',
      '1.0.0-100',
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0',
      '1.2.3',
      '1.10.0',
      '2.0.0',
      '10.0.0',
      '9999.0.0',
      '10000.0.0',
      '99999.0.0',
      '100000.0.0',
    ];
    for (let i = 1; i < ascending.length; i++) {
      expect(compareVersions(ascending[i - 1], ascending[i]), `${ascending[i - 1]} < ${ascending[i]}`).toBe(-1);
      expect(compareVersions(ascending[i], ascending[i - 1])).toBe(1);
    }
  });

  it('ignores a leading v and build metadata', () => {
    expect(compareVersions('v1.2.3', '1.2.3')).toBe(0);
    expect(compareVersions('1.2.3-beta+build', 'v1.2.3-beta+other')).toBe(0);
    expect(compareVersions('1-2-3', '1.2.3')).toBe(0);
    expect(compareVersions('1.2.3.4', '1.2.3-4')).toBe(0);
  });

  it('reads numbers as their text and anything else as version 0', () => {
    expect(compareVersions(2, '2')).toBe(0);
    expect(compareVersions(null, '0')).toBe(0);
    expect(compareVersions(undefined, '')).toBe(0);
    expect(compareVersions(['1.0.0'], '0')).toBe(0);
  });

  it('is a consistent order over arbitrary strings', () => {
    const version = fc.oneof(fc.string(), fc.stringMatching(/^v?\d{1,7}(\.\d{1,7}){0,3}(-[0-9a-z.-]{1,8})?(\+\w+)?$/));
    fc.assert(
      fc.property(version, version, version, (a, b, c) => {
        expect(compareVersions(a, a)).toBe(0);
        expect(compareVersions(a, b) + compareVersions(b, a)).toBe(0);
        if (compareVersions(a, b) <= 0 && compareVersions(b, c) <= 0)
          expect(compareVersions(a, c)).toBeLessThanOrEqual(0);
      }),
    );
  });

  it('orders plain numeric versions numerically, component by component', () => {
    const part = fc.nat({ max: 10_000_000 });
    fc.assert(
      fc.property(fc.tuple(part, part, part), fc.tuple(part, part, part), (a, b) => {
        const numeric = a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
        expect(compareVersions(a.join('.'), b.join('.'))).toBe(Math.sign(numeric));
      }),
    );
  });
});

describe('padVersion', () => {
  it('pads numeric identifiers and marks a release', () => {
    expect(padVersion('1.2.3').split('-')).toEqual([
      '1'.padStart(16, ' '),
      '2'.padStart(16, ' '),
      '3'.padStart(16, ' '),
      '~',
    ]);
    expect(padVersion('1.0.0-rc.1').endsWith('-rc-' + '1'.padStart(16, ' '))).toBe(true);
  });
});
