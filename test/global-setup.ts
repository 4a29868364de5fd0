/**
 * Builds dist/ and the browser page (web/dist, esbuild) once so the CLI tests run the real `popcheck` binary and the parallel
 * explorer's workers have JavaScript to load; compiles the worker-loadable test fixtures
 * to dist-test/.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  for (const project of ['tsconfig.build.json', 'tsconfig.fixtures.json']) {
    execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', project], { cwd: root, stdio: 'inherit' });
  }
  execFileSync(process.execPath, ['web/build.mjs'], { cwd: root, stdio: 'inherit' });
}
