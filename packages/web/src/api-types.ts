/** The slices of the REST API's response shapes the UI reads (see the server's OpenAPI document). */

export type Role = 'admin' | 'analyst' | 'sdk';

export type ExperimentStatus = 'draft' | 'running' | 'paused' | 'stopped' | 'archived';

export interface Variant {
  readonly key: string;
  readonly weight: number;
  readonly payload?: unknown;
  readonly description?: string;
}

export interface Experiment {
  readonly key: string;
  readonly name: string;
  readonly hypothesis: string;
  readonly owner: string | null;
  readonly description: string | null;
  readonly status: ExperimentStatus;
  readonly variants: readonly Variant[];
  readonly coverage: number;
  readonly unitAttribute: string;
  readonly targeting: Readonly<Record<string, unknown>>;
  readonly sticky: boolean;
  readonly metrics: {
    readonly primary: string;
    readonly guardrails: readonly string[];
    readonly conversionWindowHours: number;
  };
  readonly version: number;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly stoppedAt: string | null;
}

export interface ExperimentList {
  readonly items: readonly Experiment[];
  readonly nextCursor: string | null;
}

export type Verdict = 'winning' | 'losing' | 'inconclusive' | 'srm-failed' | 'insufficient-data';

export interface Estimate {
  readonly estimate: number;
  readonly ci: readonly [number, number];
}

export interface VariantResult {
  readonly key: string;
  readonly units: number;
  readonly conversions: number;
  readonly rate: number;
  readonly rateCI: readonly [number, number];
  readonly liftAbs?: Estimate;
  readonly liftRel?: Estimate;
  readonly pValue?: number;
  readonly pValueAdjusted?: number;
  readonly pValueSequential?: number;
  readonly chanceToBeatControl?: number;
  readonly expectedLoss?: number;
  readonly verdict?: Verdict;
}

export interface Results {
  readonly experiment: string;
  readonly metric: string;
  readonly generatedAt: string;
  readonly multipleExposures: { readonly units: number };
  readonly overrides?: { readonly units: number };
  readonly srm: { readonly chiSquare: number; readonly pValue: number; readonly ok: boolean };
  readonly variants: readonly VariantResult[];
  readonly power?: { readonly mdeRel: number; readonly unitsNeeded: number };
}

export interface SeriesPoint {
  readonly date: string;
  readonly units: number;
  readonly conversions: number;
  readonly rate: number;
}

export interface Timeseries {
  readonly experiment: string;
  readonly metric: string;
  readonly variants: readonly { readonly key: string; readonly points: readonly SeriesPoint[] }[];
}

/** One invalid field of a 400 problem: `path` is dotted (`variants.0.weight`). */
export interface FieldError {
  readonly path: string;
  readonly message: string;
}
