import type { FieldError } from './api-types.js';

const BASIS_POINTS_PER_PERCENT = 100;

/** What the new-hypothesis form holds, as typed (percentages for weights and coverage). */
export interface FormValues {
  readonly key: string;
  readonly name: string;
  readonly hypothesis: string;
  readonly owner: string;
  readonly description: string;
  readonly primaryMetric: string;
  /** Comma- or newline-separated event names. */
  readonly guardrails: string;
  readonly conversionWindowHours: string;
  /** Percent of eligible units in the experiment. */
  readonly coverage: string;
  readonly unitAttribute: string;
  readonly sticky: boolean;
  /** A JSON condition; empty targets everyone. */
  readonly targeting: string;
  readonly variants: readonly { readonly key: string; readonly weight: string; readonly description: string }[];
}

/**
 * The POST /v1/experiments body for the form's values, or the fields the browser can already tell
 * are wrong (not a number, not JSON). Every other rule is the API's: its field errors come back in
 * the same `{ path, message }` shape and land next to the same fields.
 */
export function toCreateBody(values: FormValues): { body: Record<string, unknown>; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const number = (path: string, text: string, scale = 1): number | undefined => {
    if (text.trim() === '') return undefined;
    const parsed = Number(text);
    if (!Number.isFinite(parsed)) {
      errors.push({ path, message: 'Enter a number.' });
      return undefined;
    }
    return Math.round(parsed * scale);
  };
  const optionalText = (text: string): string | undefined => (text.trim() === '' ? undefined : text.trim());

  let targeting: unknown = undefined;
  if (values.targeting.trim() !== '') {
    try {
      targeting = JSON.parse(values.targeting);
    } catch (error) {
      errors.push({
        path: 'targeting',
        message: `Not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  }
  const guardrails = values.guardrails
    .split(/[,\n]/)
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const conversionWindowHours = number('metrics.conversionWindowHours', values.conversionWindowHours);
  const coverage = number('coverage', values.coverage, BASIS_POINTS_PER_PERCENT);
  const variants = values.variants.map((variant, index) => ({
    key: variant.key.trim(),
    weight: number(`variants.${index}.weight`, variant.weight, BASIS_POINTS_PER_PERCENT) ?? 0,
    ...(optionalText(variant.description) === undefined ? {} : { description: variant.description.trim() }),
  }));

  const body: Record<string, unknown> = {
    key: values.key.trim(),
    name: values.name,
    hypothesis: values.hypothesis,
    ...(optionalText(values.owner) === undefined ? {} : { owner: values.owner.trim() }),
    ...(optionalText(values.description) === undefined ? {} : { description: values.description.trim() }),
    variants,
    ...(coverage === undefined ? {} : { coverage }),
    ...(optionalText(values.unitAttribute) === undefined ? {} : { unitAttribute: values.unitAttribute.trim() }),
    ...(targeting === undefined ? {} : { targeting }),
    sticky: values.sticky,
    metrics: {
      primary: values.primaryMetric,
      ...(guardrails.length === 0 ? {} : { guardrails }),
      ...(conversionWindowHours === undefined ? {} : { conversionWindowHours }),
    },
  };
  return { body, errors };
}

/**
 * The form field an API error path belongs to: the longest known path that the error's path
 * starts with, segment by segment (`targeting.region.$in` -> `targeting`), or null when no field
 * shows it (then the error summary does).
 */
export function fieldForPath(path: string, knownPaths: Iterable<string>): string | null {
  let best: string | null = null;
  for (const known of knownPaths) {
    const isMatch = path === known || path.startsWith(`${known}.`);
    if (isMatch && (best === null || known.length > best.length)) best = known;
  }
  return best;
}
