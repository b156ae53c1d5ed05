import { describe, expect, it } from 'vitest';
import {
  formatResultsTable,
  parseResults,
  summarize,
  UnexpectedResultsError,
  type ExperimentResults,
} from '../src/demo/results-table.js';

/** A response in issue 6's shape (fields the table does not show included, as the server sends them). */
const RESPONSE = {
  experiment: 'checkout-button',
  metric: 'purchase',
  generatedAt: '2026-11-27T17:00:00.000Z',
  multipleExposures: { units: 0 },
  srm: { chiSquare: 0.42, pValue: 0.517, ok: true },
  variants: [
    { key: 'control', units: 600, conversions: 54, rate: 0.09, rateCI: [0.0696, 0.1156] },
    {
      key: 'moved',
      units: 612,
      conversions: 110,
      rate: 0.1797,
      rateCI: [0.1512, 0.2123],
      liftAbs: { estimate: 0.0897, ci: [0.0514, 0.128] },
      liftRel: { estimate: 0.9967, ci: [0.4321, 1.5612] },
      pValue: 0.0000041,
      pValueAdjusted: 0.0000041,
      pValueSequential: 0.0021,
      chanceToBeatControl: 0.99999,
      expectedLoss: 0,
      verdict: 'winning',
    },
  ],
  power: { mdeRel: 0.42, unitsNeeded: 1500 },
};

describe('results table', () => {
  it('prints one row per variant with rate, CI, lift, p-values and the verdict', () => {
    const table = formatResultsTable(parseResults(RESPONSE), {
      hypothesis: 'Moving the check-out button raises conversions',
    });
    const lines = table.split('\n');
    expect(lines[0]).toBe('checkout-button — metric: purchase');
    expect(lines[1]).toBe('Hypothesis: Moving the check-out button raises conversions');
    const control = lines.find((line) => line.startsWith('control'));
    const moved = lines.find((line) => line.startsWith('moved'));
    expect(control).toMatch(/^control\s+600\s+54\s+9\.0%\s+7\.0% – 11\.6%\s+—/);
    expect(moved).toMatch(
      /^moved\s+612\s+110\s+18\.0%\s+15\.1% – 21\.2%\s+\+99\.7% \(\+43\.2% … \+156\.1%\)\s+<0\.001\s+0\.002\s+100\.0%\s+winning$/,
    );
    expect(table).toContain('Sample ratio check: chi² = 0.42, p = 0.517 (ok)');
    expect(table).toContain('Verdict: Hypothesis supported: "moved" beats the control on purchase.');
  });

  it('aligns the columns', () => {
    const lines = formatResultsTable(parseResults(RESPONSE)).split('\n');
    const header = lines.find((line) => line.startsWith('variant')) ?? '';
    const moved = lines.find((line) => line.startsWith('moved')) ?? '';
    const rule = lines.find((line) => line.startsWith('---')) ?? '';
    expect(moved.indexOf('winning')).toBe(header.indexOf('verdict'));
    expect(moved.indexOf('+99.7%')).toBe(header.indexOf('lift vs control'));
    expect(rule.length).toBe(moved.length);
  });

  it('names a control whose key is not "control"', () => {
    const renamed = {
      ...RESPONSE,
      variants: RESPONSE.variants.map((variant, index) => (index === 0 ? { ...variant, key: 'below' } : variant)),
    };
    expect(formatResultsTable(parseResults(renamed))).toContain('below (control)');
  });

  it('summarizes each verdict without claiming more than the statistics say', () => {
    const base = parseResults(RESPONSE);
    const withVerdict = (verdict: string): ExperimentResults => ({
      ...base,
      variants: base.variants.map((variant, index) => (index === 0 ? variant : { ...variant, verdict })),
    });
    expect(summarize(withVerdict('losing'))).toMatch(/^Hypothesis rejected/);
    expect(summarize(withVerdict('inconclusive'))).toMatch(/^Inconclusive/);
    expect(summarize(withVerdict('insufficient-data'))).toBe('Not enough data yet to tell.');
    expect(summarize({ ...base, srm: { chiSquare: 30, pValue: 0.00001, ok: false } })).toMatch(
      /^Sample ratio mismatch/,
    );
    expect(formatResultsTable({ ...base, srm: { chiSquare: 30, pValue: 0.00001, ok: false } })).toContain('(MISMATCH)');
  });

  it('mentions units excluded for seeing several variants', () => {
    expect(formatResultsTable(parseResults({ ...RESPONSE, multipleExposures: { units: 3 } }))).toContain(
      '3 units saw several variants and are excluded',
    );
  });

  it('refuses a response that is not in the documented shape, naming the field', () => {
    expect(() => parseResults(null)).toThrow(UnexpectedResultsError);
    expect(() => parseResults({ ...RESPONSE, srm: undefined })).toThrow(/srm\.ok/);
    expect(() => parseResults({ ...RESPONSE, variants: [RESPONSE.variants[0]] })).toThrow(/variants/);
    const broken = { ...RESPONSE, variants: [RESPONSE.variants[0], { ...RESPONSE.variants[1], rateCI: [0.1] }] };
    expect(() => parseResults(broken)).toThrow(/variants\[1\]\.rateCI/);
    expect(() =>
      parseResults({ ...RESPONSE, variants: [{ ...RESPONSE.variants[0], units: 'many' }, RESPONSE.variants[1]] }),
    ).toThrow(/variants\[0\]\.units/);
  });
});
