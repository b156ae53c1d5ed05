/**
 * The REST API's shapes, by name. Each one is the server's OpenAPI document as generated into
 * `generated/api.ts` (`pnpm generate`); nothing here is written by hand, so nothing can drift.
 */
import type { components, paths } from './generated/api.js';

type Schemas = components['schemas'];

export type Role = Schemas['Role'];
export type ExperimentStatus = Schemas['ExperimentStatus'];
export type Variant = Schemas['Variant'];
export type Experiment = Schemas['Experiment'];
export type ExperimentList = Schemas['ExperimentList'];
export type Verdict = Schemas['Verdict'];
export type Interval = Schemas['Interval'];
export type Estimate = Schemas['Estimate'];
export type VariantResult = Schemas['VariantResult'];
export type ExperimentResults = Schemas['ExperimentResults'];
export type SeriesPoint = Schemas['SeriesPoint'];
export type VariantSeries = Schemas['VariantSeries'];
export type ExperimentTimeseries = Schemas['ExperimentTimeseries'];
/** One invalid field of a 400 problem: `path` is dotted (`variants.0.weight`). */
export type FieldError = Schemas['FieldError'];

/** The lifecycle moves: every `POST /v1/experiments/{key}/<action>` the API offers. */
export type Transition = {
  [Path in keyof paths]: Path extends `/v1/experiments/{key}/${infer Action}`
    ? paths[Path]['post'] extends undefined
      ? never
      : Action
    : never;
}[keyof paths];
