/**
 * PostgreSQL COPY's text format: one line per row, fields separated by tabs, `\N` for null, and
 * backslash, tab, newline and carriage return escaped with a backslash, so that any string
 * arrives as it was.
 */
const NULL_FIELD = '\\N';
const SPECIAL_CHARACTER = /[\\\t\n\r]/;
const SPECIAL_CHARACTERS = /[\\\t\n\r]/g;
const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** A field's value: a string (escaped as needed), a finite number, or null. */
export type CopyValue = string | number | null;

function encodeField(value: CopyValue): string {
  if (value === null) return NULL_FIELD;
  if (typeof value === 'number') return String(value);
  return SPECIAL_CHARACTER.test(value)
    ? value.replace(SPECIAL_CHARACTERS, (character) => ESCAPES[character] ?? character)
    : value;
}

/** One row of COPY text, newline-terminated. */
export function encodeCopyRow(fields: readonly CopyValue[]): string {
  let line = '';
  for (let index = 0; index < fields.length; index++)
    line += (index === 0 ? '' : '\t') + encodeField(fields[index] ?? null);
  return `${line}\n`;
}
