/**
 * A worker thread of `popcheck validate FILE...`: validates one file and posts its report
 * (or the one-line error of a bad file). The main thread runs one worker per file, at most
 * as many at once as the machine has cores.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { readFileSync } from 'node:fs';
import { UsageError } from './errors.js';
import { validateFile, type ValidateArgs } from './validate-command.js';

const { path, args } = workerData as { path: string; args: ValidateArgs };
try {
  const report = await validateFile(path, args, (p) => readFileSync(p, 'utf8'));
  parentPort!.postMessage({ ok: true, report });
} catch (err) {
  parentPort!.postMessage({ ok: false, usage: err instanceof UsageError, message: (err as Error).message });
}
