/**
 * Version comparison for the `$veq $vne $vgt $vgte $vlt $vlte` operators.
 *
 * A version is turned into a string whose plain string order is the version order, so that a
 * compiled condition pads its own operand once and each evaluation is one string comparison:
 * a leading `v` and `+build` metadata are dropped, the identifiers are split on `.` and `-`,
 * numeric identifiers are left-padded with spaces (a space sorts before digits and letters, so
 * numeric identifiers sort numerically and before alphanumeric ones), and a plain
 * `major.minor.patch` gets a `~` identifier, which sorts after any pre-release identifier
 * (`1.0.0-rc.1` < `1.0.0`).
 */

/** Room for any safe integer, so `100000.0.0` still sorts after `99999.0.0`. */
const NUMERIC_IDENTIFIER_WIDTH = 16;
/** `~` is the highest printable ASCII character. */
const RELEASE_MARKER = '~';
const CORE_IDENTIFIER_COUNT = 3;
const PADDED_SEPARATOR = '-';
const LEADING_V_OR_BUILD_METADATA = /^v|\+.*$/g;
const IDENTIFIER_SEPARATOR = /[-.]/;
const NUMERIC_IDENTIFIER = /^[0-9]+$/;
/** What a missing or non-version value compares as, as in GrowthBook. */
const FALLBACK_VERSION = '0';

/**
 * Turns a version into a string whose string order is the version order. Numbers are read as
 * their decimal text; any other non-string, and the empty string, read as version `0`.
 *
 * @example
 * padVersion('1.2.3') < padVersion('1.10.0'); // true
 * padVersion('v1.2.3+build.7') === padVersion('1.2.3'); // true
 * padVersion('1.0.0-beta') < padVersion('1.0.0'); // true
 */
export function padVersion(version: unknown): string {
  const text =
    typeof version === 'number'
      ? String(version)
      : typeof version === 'string' && version !== ''
        ? version
        : FALLBACK_VERSION;
  const identifiers = text.replace(LEADING_V_OR_BUILD_METADATA, '').split(IDENTIFIER_SEPARATOR);
  if (identifiers.length === CORE_IDENTIFIER_COUNT) identifiers.push(RELEASE_MARKER);
  let padded = '';
  for (let i = 0; i < identifiers.length; i++) {
    const identifier = identifiers[i] as string;
    if (i > 0) padded += PADDED_SEPARATOR;
    padded += NUMERIC_IDENTIFIER.test(identifier) ? identifier.padStart(NUMERIC_IDENTIFIER_WIDTH, ' ') : identifier;
  }
  return padded;
}

/**
 * Compares two versions: negative when `a` is lower, 0 when they are equal (build metadata and a
 * leading `v` ignored), positive when `a` is higher.
 *
 * @example
 * compareVersions('2.1.0', '2.0.9'); // 1
 * compareVersions('1.0.0-alpha', '1.0.0-alpha.1'); // -1
 * compareVersions('v1.2.3', '1.2.3+abc'); // 0
 */
export function compareVersions(a: unknown, b: unknown): number {
  const paddedA = padVersion(a);
  const paddedB = padVersion(b);
  if (paddedA === paddedB) return 0;
  return paddedA < paddedB ? -1 : 1;
}
