/**
 * `npm run workshop:check`: runs every exercise's solution check (workshop/checks.ts) and
 * prints one line per exercise; exit 0 only if every check passes.
 */
import { EXERCISES } from './checks.js';

let failed = 0;
for (const ex of EXERCISES) {
  if (ex.check === null) {
    process.stdout.write(`-  ${ex.id} ${ex.title}: no automated check\n`);
    continue;
  }
  const started = performance.now();
  const o = await ex.check();
  const secs = ((performance.now() - started) / 1000).toFixed(1);
  process.stdout.write(`${o.ok ? '✓' : '✗'}  ${ex.id} ${ex.title}: ${o.compared} (${secs} s)\n`);
  for (const p of o.problems) process.stdout.write(`     ${p}\n`);
  if (!o.ok) failed++;
}
process.stdout.write(failed === 0 ? 'all solutions check out\n' : `${failed} solution(s) do not check out\n`);
process.exitCode = failed === 0 ? 0 : 1;
