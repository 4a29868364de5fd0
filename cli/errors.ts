/** A usage or input error: printed as one line, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const EXIT = { holds: 0, violated: 1, usage: 2, incomplete: 3 } as const;

/** Runs node:util parseArgs and turns its error into a one-line UsageError. */
export function usageFromParse<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0].replace(/^Unknown option/, 'unknown option'));
  }
}
