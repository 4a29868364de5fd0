/** Flags of `npm run bench -- ...`. */
import { parseArgs } from 'node:util';

export interface BenchArgs {
  /** A fast subset (under about a minute). */
  readonly quick: boolean;
  /** Skip the SPIN side-by-side. */
  readonly spin: boolean;
  /** Skip the pop.log simulate/validate part. */
  readonly validate: boolean;
  /** Run only the pop.log simulate/validate part. */
  readonly onlyValidate: boolean;
  /** Run only part b: popcheck against SPIN on ack-flush, and the full rows. */
  readonly onlySpin: boolean;
  /** Wall-clock limit of one pan run, seconds. */
  readonly spinTimeoutSec: number;
  /** pan's -DMEMLIM, MB. */
  readonly spinMemLimMb: number;
}

export class BenchUsageError extends Error {}

function positive(flag: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  if (!/^[0-9]+$/.test(raw) || Number(raw) < 1) throw new BenchUsageError(`${flag} must be a positive integer (got '${raw}')`);
  return Number(raw);
}

export function parseBenchArgs(argv: readonly string[], defaultMemLimMb: number): BenchArgs {
  let v;
  try {
    v = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        quick: { type: 'boolean' },
        'no-spin': { type: 'boolean' },
        'no-validate': { type: 'boolean' },
        'only-validate': { type: 'boolean' },
        'only-spin': { type: 'boolean' },
        'spin-timeout': { type: 'string' },
        'spin-memlim': { type: 'string' },
      },
    }).values;
  } catch (err) {
    throw new BenchUsageError((err as Error).message.split('\n')[0]);
  }
  if (v['only-spin'] && v['only-validate']) throw new BenchUsageError('--only-spin and --only-validate exclude each other');
  return {
    quick: v.quick ?? false,
    spin: !(v['no-spin'] ?? false),
    validate: !(v['no-validate'] ?? false),
    onlyValidate: v['only-validate'] ?? false,
    onlySpin: v['only-spin'] ?? false,
    spinTimeoutSec: positive('--spin-timeout', v['spin-timeout'], 60),
    spinMemLimMb: positive('--spin-memlim', v['spin-memlim'], defaultMemLimMb),
  };
}
