import { describe, expect, it } from 'vitest';
import {
  describePValue,
  formatBasisPoints,
  formatEstimate,
  formatInstant,
  formatInterval,
  formatPercent,
  formatPValue,
  formatSignedPercent,
  formatTickPercent,
} from './format.js';

describe('formatting numbers for people', () => {
  it('shows rates and signed lifts in percent', () => {
    expect(formatPercent(0.1234)).toBe('12.3%');
    expect(formatSignedPercent(0.052)).toBe('+5.2%');
    expect(formatSignedPercent(-0.01)).toBe('\u22121.0%');
    expect(formatSignedPercent(0)).toBe('0.0%');
    expect(formatInterval([-0.02, 0.1])).toBe('\u22122.0% to +10.0%');
    expect(formatEstimate({ estimate: 0.05, ci: [0.01, 0.098] })).toBe('+5.0% (+1.0% to +9.8%)');
  });

  it('shows weights in basis points as percentages of traffic', () => {
    expect(formatBasisPoints(5000)).toBe('50%');
    expect(formatBasisPoints(3333)).toBe('33.33%');
    expect(formatBasisPoints(10_000)).toBe('100%');
  });

  it('never prints a p-value of zero', () => {
    expect(formatPValue(0)).toBe('< 0.001');
    expect(formatPValue(0.0421)).toBe('0.042');
    expect(describePValue(0.0001)).toBe('p < 0.001');
    expect(describePValue(0.5)).toBe('p = 0.500');
  });

  it('keeps only the digits an axis step needs', () => {
    expect(formatTickPercent(0.25)).toBe('0.25%');
    expect(formatTickPercent(20, { signed: true })).toBe('+20%');
    expect(formatTickPercent(-20, { signed: true })).toBe('-20%');
    expect(formatTickPercent(0.30000000000000004)).toBe('0.3%');
  });

  it('shows instants in UTC, and a dash for none', () => {
    expect(formatInstant('2026-11-27T16:35:12.345Z')).toBe('2026-11-27 16:35 UTC');
    expect(formatInstant(null)).toBe('—');
  });
});
