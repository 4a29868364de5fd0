/**
 * `npm run workshop:invariant -- FILE [popcheck check flags]`: checks the invariants FILE
 * exports (model/custom-invariant.ts's RecordInvariant) on the model the flags describe,
 * e.g. `npm run workshop:invariant -- my-invariants.ts --scenario full --rocketmq 5.3.1 --gc 1`.
 * Exit codes as popcheck check: 0 every invariant holds, 1 one is violated, 2 usage error,
 * 3 incomplete.
 */
import { UsageError } from '../cli/errors.js';
import { loadInvariants, renderInvariantRun, runInvariants } from './invariant-run.js';

async function main(argv: readonly string[]): Promise<number> {
  const [file, ...flags] = argv;
  if (file === undefined || file === '--help' || file === '-h') {
    process.stdout.write('Usage: npm run workshop:invariant -- FILE.ts [popcheck check flags]\n');
    return file === undefined ? 2 : 0;
  }
  try {
    const run = runInvariants(await loadInvariants(file), flags);
    process.stdout.write(renderInvariantRun(run));
    if (run.outcomes.some((o) => o.verdict === 'violated')) return 1;
    return run.complete ? 0 : 3;
  } catch (err) {
    if (err instanceof UsageError || err instanceof RangeError || err instanceof TypeError) {
      process.stderr.write(`workshop:invariant: ${(err as Error).message}\n`);
      return 2;
    }
    throw err;
  }
}

process.exitCode = await main(process.argv.slice(2));
