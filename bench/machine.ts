/** Facts about the machine the figures come from. */
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { gccVersion } from './spin-install.js';

function cpuModel(): string {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) return m[1].trim();
  } catch {
    // not Linux: fall back to what Node reports
  }
  return cpus()[0]?.model ?? 'unknown';
}

export function machineFacts(spin: string): [string, string][] {
  return [
    ['CPU', cpuModel()],
    ['cores', String(availableParallelism())],
    ['memory', `${(totalmem() / 2 ** 30).toFixed(1)} GiB`],
    ['Node', process.version],
    ['SPIN', spin],
    ['gcc', gccVersion() ?? 'not on PATH'],
  ];
}

/** pan's default -DMEMLIM: half the machine's memory, at most 8 GiB. */
export function defaultMemLimMb(): number {
  return Math.min(8192, Math.floor(totalmem() / 2 ** 20 / 2));
}
