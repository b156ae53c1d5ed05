/**
 * Applies a PATCH body to a definition: a field present replaces, `null` clears it (to undefined,
 * so that the schema's default applies), an absent field stays.
 */
export function mergePatch(current: object, patch: object): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...current };
  for (const [field, value] of Object.entries(patch)) {
    if (value !== undefined) merged[field] = value ?? undefined;
  }
  return merged;
}
