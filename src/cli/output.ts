/** Helpers that every command uses to report on stdout and stderr. */

/** Returns the message of an error, or the thrown value as text when it is not an Error. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Ignores a closed output pipe (`| head`), which is not an error of the command. */
export function ignoreClosedPipe(error: NodeJS.ErrnoException): void {
  if (error.code !== 'EPIPE') {
    throw error;
  }
}
