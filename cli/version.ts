/** popcheck's version: package.json's, found from this module upwards (cli/ in the sources, dist/cli/ when built). */
import { readFileSync } from 'node:fs';

export function packageVersion(): string {
  for (const rel of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'popcheck' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // not there: try the next level up
    }
  }
  throw new Error('package.json of popcheck not found');
}
