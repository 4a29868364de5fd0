// Bundles the browser explorer into web/dist: app.js, check-worker.js and graph-worker.js
// (esbuild, from the same TypeScript sources as the CLI), index.html and style.css copied, and
// mermaid's own mermaid.min.js. `popcheck serve` hands out exactly these files.
// Run by `npm run build:web`, `npm run build` and `prepare`.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'dist');
mkdirSync(out, { recursive: true });
await build({
  entryPoints: { app: join(here, 'app.ts'), 'check-worker': join(here, 'check-worker.ts'), 'graph-worker': join(here, 'graph-worker.ts') },
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
// The mermaid library's own single-file build, loaded by the page when it draws a diagram.
copyFileSync(createRequire(import.meta.url).resolve('mermaid/dist/mermaid.min.js'), join(out, 'mermaid.min.js'));
