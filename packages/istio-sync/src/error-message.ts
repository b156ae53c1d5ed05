/** The message of anything thrown, for logs and the CLI's error lines. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
