/**
 * Builds dist/ and the browser page (web/dist, esbuild) once so the CLI tests run the real `popcheck` binary and the parallel
 * explorer's workers have JavaScript to load; compiles the worker-loadable test fixtures
 * to dist-test/.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  // `npm run build` as a user's `npm install` runs it (prepare): dist/, the executable bit of
  // the CLI that `npx popcheck` runs, and web/dist.
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.fixtures.json'], { cwd: root, stdio: 'inherit' });
}
