// `npm test`'s typechecks: the project with its tests (tsconfig.json) and the browser page
// (web/tsconfig.json), at the same time (CI has two cores; the first takes most of the time).
// Exits non-zero, after both have printed their errors, when either fails.
import { spawn } from 'node:child_process';

const tsc = new URL('../node_modules/typescript/bin/tsc', import.meta.url).pathname;
const check = (project) =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, [tsc, '-p', project, '--noEmit'], { stdio: 'inherit' });
    child.once('error', (err) => {
      console.error(`tsc -p ${project}: ${err.message}`);
      resolve(false);
    });
    child.once('exit', (code) => resolve(code === 0));
  });
const ok = await Promise.all([check('tsconfig.json'), check('web/tsconfig.json')]);
process.exitCode = ok.every(Boolean) ? 0 : 1;
