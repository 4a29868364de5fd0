// Bundles the browser explorer into web/dist: app.js and check-worker.js (esbuild, from the
// same TypeScript sources as the CLI), index.html and style.css copied. `popcheck serve`
// hands out exactly these four files. Run by `npm run build:web`, `npm run build` and `prepare`.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'dist');
mkdirSync(out, { recursive: true });
await build({
  entryPoints: { app: join(here, 'app.ts'), 'check-worker': join(here, 'check-worker.ts') },
  outdir: out,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
});
for (const f of ['index.html', 'style.css']) copyFileSync(join(here, f), join(out, f));
