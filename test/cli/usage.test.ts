import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NODE_FLAGS, RUNTIME_V8_FLAGS } from '../../cli/node-flags.js';
import { run } from '../../cli/run.js';
import { BIN, bin, cli, ROOT } from './helpers.js';

const VERSION = (JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { version: string }).version;

describe('help, version and exit codes', () => {
  it('--version prints package.json\'s version', () => {
    const r = bin('--version');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`popcheck ${VERSION}\n`);
    expect(r.stderr).toBe('');
  });

  it('every command has --help (exit 0), and help CMD prints that command\'s help', async () => {
    for (const cmd of ['check', 'replay', 'bugs', 'versions']) {
      const r = await cli(cmd, '--help');
      expect(r.code, cmd).toBe(0);
      expect(r.stdout, cmd).toMatch(new RegExp(`^Usage: popcheck ${cmd}`));
      expect((await cli('help', cmd)).stdout).toBe(r.stdout);
      expect((await cli(cmd, '-h')).stdout).toBe(r.stdout);
    }
    expect((await cli('help')).stdout).toMatch(/^popcheck: /);
    const bad = await cli('help', 'nope');
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('the built CLI runs as its own program, as `npx popcheck` runs it (executable, with its shebang)', () => {
    expect(statSync(BIN).mode & 0o111).toBe(0o111);
    const version = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')).version;
    expect(execFileSync(BIN, ['--version'], { encoding: 'utf8' })).toBe(`popcheck ${version}\n`);
    // The shebang gives node the CLI's V8 flags (the ones the benchmark runs its children with).
    const shebang = `#!/usr/bin/env -S node ${NODE_FLAGS.join(' ')}`;
    expect(readFileSync(BIN, 'utf8').split('\n')[0]).toBe(shebang);
    expect(readFileSync(`${ROOT}cli/main.ts`, 'utf8').split('\n')[0]).toBe(shebang);
  });

  it('the V8 flags the CLI sets from code are flags node knows, set before anything else runs', () => {
    // setFlagsFromString ignores a flag V8 does not know; node's command line refuses it (the
    // check itself is shown to refuse a misspelt one).
    const accepted = (flag: string): boolean => {
      try {
        execFileSync(process.execPath, [flag, '-e', '0'], { stdio: 'pipe' });
        return true;
      } catch {
        return false;
      }
    };
    expect(accepted('--max-inlined-bytecode-size-cumulativ=2760')).toBe(false);
    expect(RUNTIME_V8_FLAGS.length).toBeGreaterThan(0);
    for (const flag of RUNTIME_V8_FLAGS) expect(accepted(flag), flag).toBe(true);
    // The CLI and the benchmark's children call setRuntimeV8Flags() before their first await
    // (the workers' prestart, the CLI's modules) and before any exploration.
    for (const file of ['cli/main.ts', 'bench/explore-child.ts', 'bench/floor-child.ts']) {
      const src = readFileSync(`${ROOT}${file}`, 'utf8');
      const set = src.indexOf('\nsetRuntimeV8Flags();\n');
      expect(set, file).toBeGreaterThan(0);
      for (const later of ['await ', 'explore(']) {
        const at = src.indexOf(later);
        if (at >= 0) expect(set, `${file}: ${later}`).toBeLessThan(at);
      }
    }
  });

  it('the binary: replay --help and bugs --help exit 0', () => {
    expect(bin('replay', '--help').code).toBe(0);
    expect(bin('bugs', '--help').code).toBe(0);
  });

  it('an internal error exits 70, not 2, in one line', async () => {
    let stderr = '';
    const code = await run(['check'], {
      out: () => undefined,
      err: (s) => (stderr += s),
      tty: null,
      now: () => {
        throw new Error('clock broke');
      },
      memory: () => 0,
      debug: false,
      readFile: () => '',
      writeFile: () => undefined,
    });
    expect(code).toBe(70);
    expect(stderr).toMatch(/^popcheck: internal error: clock broke/);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a closed stdout (popcheck ... | head) ends quietly: no EPIPE stack trace', async () => {
    const child = spawn(process.execPath, [BIN, 'bugs'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});

describe('--bug with bounds', () => {
  it('--bug X --max-states 5 is incomplete (exit 3), not "not as the catalogue says"', async () => {
    const r = await cli('check', '--bug', '8835', '--max-states', '5');
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('INCOMPLETE');
    expect(r.stdout).not.toContain('NOT as the catalogue says');
    const j = JSON.parse((await cli('check', '--bug', '8835', '--max-states', '5', '--json')).stdout);
    expect(j.outcome).toBe('incomplete');
    expect(j.asExpected).toBe(false);
  });
});
