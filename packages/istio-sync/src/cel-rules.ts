/**
 * The CEL rules (`x-kubernetes-validations`) of the Istio and Gateway API CRDs that istio-sync
 * checks itself, since a JSON-schema validator ignores them. Each known rule text maps to a check;
 * a rule not in the table is reported as unchecked rather than silently passed.
 */

import { isRecord } from './json-value.js';

const DURATION_UNITS: { readonly [unit: string]: number } = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};
const DURATION = /^([0-9]*\.?[0-9]+)(ns|us|µs|ms|s|m|h)/;
const MAX_PORT = 65_535;

/** Milliseconds of a Go/CEL duration such as `1.5s` or `1h30m`, or null when it does not parse. */
export function parseDurationMs(text: string): number | null {
  let rest = text.startsWith('-') ? text.slice(1) : text;
  if (rest === '') return null;
  if (rest === '0') return 0;
  let total = 0;
  while (rest.length > 0) {
    const match = DURATION.exec(rest);
    if (match === null) return null;
    total += Number(match[1]) * (DURATION_UNITS[match[2] as string] ?? NaN);
    rest = rest.slice(match[0].length);
  }
  return text.startsWith('-') ? -total : total;
}

type Check = (value: unknown) => boolean;

const CHECKS: { readonly [rule: string]: Check } = {
  "duration(self) >= duration('1ms')": (value) => typeof value === 'string' && (parseDurationMs(value) ?? -1) >= 1,
  'self.all(key, !key.contains("*"))': (value) =>
    isRecord(value) && Object.keys(value).every((key) => !key.includes('*')),
  'self.all(key, key.size() != 0)': (value) => isRecord(value) && Object.keys(value).every((key) => key.length !== 0),
  '!self.contains("*")': (value) => typeof value === 'string' && !value.includes('*'),
  '(has(self.workloadSelector) ? 1 : 0) + (has(self.targetRefs) ? 1 : 0) <= 1': (value) =>
    isRecord(value) && !(value['workloadSelector'] !== undefined && value['targetRefs'] !== undefined),
  'has(self.context) ? ((self.context == "WAYPOINT") ? has(self.waypoint) : !has(self.waypoint)) : !has(self.waypoint)':
    (value) =>
      isRecord(value) &&
      (value['context'] === 'WAYPOINT' ? value['waypoint'] !== undefined : value['waypoint'] === undefined),
  '0 < self && self <= 65535': (value) => typeof value === 'number' && value > 0 && value <= MAX_PORT,
  'self.size() == 0': (value) => (typeof value === 'string' || Array.isArray(value)) && value.length === 0,
};

export interface CelFinding {
  readonly path: string;
  readonly message: string;
  /** True when the rule is not in istio-sync's table: reported, not failed. */
  readonly isUnchecked: boolean;
}

interface SchemaNode {
  readonly properties?: { readonly [key: string]: SchemaNode };
  readonly items?: SchemaNode;
  readonly additionalProperties?: SchemaNode | boolean;
  readonly 'x-kubernetes-validations'?: readonly { readonly rule: string; readonly message?: string }[];
}

/** Walks `value` along `schema`, applying every CEL rule found on the way. */
export function checkCelRules(schema: object, value: unknown, path = ''): CelFinding[] {
  const node = schema as SchemaNode;
  const findings: CelFinding[] = [];
  for (const validation of node['x-kubernetes-validations'] ?? []) {
    const check = CHECKS[validation.rule];
    if (check === undefined)
      findings.push({
        path: path || '/',
        message: `CEL rule not checked by istio-sync: ${validation.rule}`,
        isUnchecked: true,
      });
    else if (!check(value))
      findings.push({
        path: path || '/',
        message: validation.message ?? `violates ${validation.rule}`,
        isUnchecked: false,
      });
  }
  if (Array.isArray(value) && node.items !== undefined) {
    value.forEach((entry: unknown, index) =>
      findings.push(...checkCelRules(node.items as SchemaNode, entry, `${path}/${index}`)),
    );
  } else if (isRecord(value)) {
    for (const [key, entry] of Object.entries(value)) {
      const child =
        node.properties?.[key] ??
        (typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined);
      if (child !== undefined) findings.push(...checkCelRules(child, entry, `${path}/${key}`));
    }
  }
  return findings;
}
