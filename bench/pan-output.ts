/** Reads what SPIN's verifier `pan` printed. */

export type SpinVerdict = 'violated' | 'holds' | 'timeout' | 'out of memory' | 'incomplete' | 'pan error';

export interface PanSummary {
  readonly verdict: SpinVerdict;
  /** "states, stored" (so far, when the search was cut short). */
  readonly states: number | null;
  readonly transitions: number | null;
  /** "total actual memory usage", MB. */
  readonly memoryMb: number | null;
}

function num(out: string, re: RegExp): number | null {
  const m = re.exec(out);
  return m ? Number(m[1]) : null;
}

/** `interrupted`: the benchmark stopped pan at its wall-clock limit. */
export function parsePan(out: string, interrupted: boolean): PanSummary {
  const states = num(out, /^\s*(\d+) states, stored/m);
  const transitions = num(out, /^\s*(\d+) transitions \(= stored\+matched\)/m);
  const memoryMb = num(out, /^\s*([\d.]+)\s+total actual memory usage/m);
  let verdict: SpinVerdict;
  if (/assertion violated/.test(out)) verdict = 'violated';
  else if (/reached -DMEMLIM bound|out of memory/.test(out)) verdict = 'out of memory';
  else if (interrupted || /^Interrupted/m.test(out)) verdict = 'timeout';
  else if (/errors: [1-9]/.test(out)) verdict = 'pan error';
  else if (/Search not completed/.test(out) || !/errors: 0/.test(out)) verdict = 'incomplete';
  else verdict = 'holds';
  return { verdict, states, transitions, memoryMb };
}
