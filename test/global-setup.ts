/**
 * Builds dist/ and the browser page (web/dist, esbuild) once so the CLI tests run the real `popcheck` binary and the parallel
 * explorer's workers have JavaScript to load; compiles the worker-loadable test fixtures
 * to dist-test/. The two are independent (dist-test/ is its own output directory) and run at
 * the same time: each is one thread for most of its time, and CI has two cores.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

function run(command: string, args: readonly string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: 'inherit' });
    child.once('error', reject);
    child.once('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`})`))));
  });
}

export default async function setup(): Promise<void> {
  const root = fileURLToPath(new URL('..', import.meta.url));
  await Promise.all([
    // `npm run build` as a user's `npm install` runs it (prepare): dist/, the executable bit of
    // the CLI that `npx popcheck` runs, and web/dist.
    run('npm', ['run', '--silent', 'build'], root),
    run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.fixtures.json'], root),
  ]);
}
