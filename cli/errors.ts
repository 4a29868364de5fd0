/**
 * Errors and exit codes of the CLI, and the one strict flag parser every command uses.
 */
import { parseArgs } from 'node:util';

/** A usage or input error: printed as one line, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * Exit codes. `internal` (70, EX_SOFTWARE of sysexits.h) is a bug in popcheck itself,
 * never a verdict and never the user's mistake.
 */
export const EXIT = { holds: 0, violated: 1, usage: 2, incomplete: 3, internal: 70 } as const;

/** Runs node:util parseArgs and turns its error into a one-line UsageError. */
export function usageFromParse<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0].replace(/^Unknown option/, 'unknown option').replace(/\.$/, ''));
  }
}

export interface FlagSpec {
  readonly type: 'string' | 'boolean';
  /** Repeatable (`--set`, `--invariant`); any other flag given twice is a usage error. */
  readonly multiple?: boolean;
  readonly short?: string;
}

export interface ParsedFlags {
  readonly values: Record<string, string | boolean | string[] | undefined>;
  readonly positionals: readonly string[];
}

/**
 * Strict parsing for every command: unknown flags, a missing value, an unexpected positional
 * and a single-valued flag given twice are usage errors naming the flag. A value that starts
 * with '-' followed by a digit (`--messages -3`) is taken as the flag's value, so that the
 * range check can name it, instead of Node's "argument is ambiguous".
 */
export function parseFlags(command: string, argv: readonly string[], options: Record<string, FlagSpec>, allowPositionals = false): ParsedFlags {
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const name = a.startsWith('--') && !a.includes('=') ? a.slice(2) : null;
    if (name !== null && options[name]?.type === 'string' && i + 1 < argv.length && /^-[0-9.]/.test(argv[i + 1])) {
      args.push(`${a}=${argv[++i]}`);
    } else {
      args.push(a);
    }
  }
  const parsed = usageFromParse(() =>
    parseArgs({
      args,
      strict: true,
      allowPositionals,
      tokens: true,
      options: Object.fromEntries(Object.entries(options).map(([k, v]) => [k, { type: v.type, multiple: v.multiple ?? false, ...(v.short ? { short: v.short } : {}) }])),
    }),
  );
  const seen = new Set<string>();
  for (const t of parsed.tokens ?? []) {
    if (t.kind !== 'option') continue;
    if (!options[t.name]?.multiple && seen.has(t.name)) throw new UsageError(`--${t.name} is given more than once (${command} takes it once)`);
    seen.add(t.name);
  }
  return { values: parsed.values as ParsedFlags['values'], positionals: parsed.positionals };
}
