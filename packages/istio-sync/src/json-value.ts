/** Narrowing for values read from JSON or YAML (REST answers, documents, CRD schemas) before their shape is known. */

/** A JSON object as read, before its fields are checked. */
export type JsonObject = { readonly [key: string]: unknown };

/** Whether `value` is a JSON object: not null, not an array. */
export function isRecord(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether `value` is a JSON object whose every value is a string (labels, header maps). */
export function isStringRecord(value: unknown): value is { readonly [key: string]: string } {
  return isRecord(value) && Object.values(value).every((entry) => typeof entry === 'string');
}

/** `value` when it is an array, else an empty one: optional lists read as empty. */
export function asArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}
