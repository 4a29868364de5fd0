/** Where the benchmark finds its Promela model and puts its work files. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root: the nearest directory above this file holding package.json (works from bench/ and dist/bench/). */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above the benchmark');
    dir = up;
  }
  return dir;
}

export const PROMELA_MODEL = join(repoRoot(), 'bench', 'ack-flush.pml');

/** Work files (pan.c, pan, trails): git-ignored. */
export const OUT_DIR = join(repoRoot(), 'bench', 'out');
