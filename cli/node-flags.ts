import { setFlagsFromString } from 'node:v8';

/**
 * The V8 flags the CLI runs with. The shebang line of cli/main.ts passes them to node
 * (`#!/usr/bin/env -S node FLAGS`: what `npx popcheck` and the installed `popcheck` run), and
 * the benchmark's child processes run with them too (bench/child-measure.ts), so that it
 * measures what users run; test/cli/usage.test.ts checks that the shebang says the same.
 *
 * `--max-semi-space-size=2`: V8's young generation is two semi-spaces, which it grows to 16
 * MiB each on a program that allocates as fast as the explorer's model does (about 130 MB of
 * short-lived objects a second), and they stay resident. At 2 MiB a semi-space, `full
 * --messages 4 --pops 4 --batch 1` peaks about 13 MB lower (115,000–117,600 against
 * 128,600–131,000 KiB), for four times as many scavenges, each as cheap (about 2% of CPU;
 * docs/explorer.md, "Memory per state"). 1 MiB saves no more and costs twice that.
 *
 * `--optimize-for-size --v8-pool-size=1`: V8 favours memory over speed (1 MiB semi-spaces, and
 * mark-compacts that shrink the old generation: four in a `full` run instead of one at
 * start-up), and runs its background work (concurrent marking, compiling) on one thread
 * instead of four, each thread's allocations being memory of its own. `full --messages 4
 * --pops 4 --batch 1` peaks about 8 MB lower (102,300-102,400 against 110,600-110,900 KiB: 63
 * bytes a state, issue 12's goal being 64) for 2.7% more instructions on its first 200,000
 * states (docs/explorer.md, "What the peak is made of").
 */
export const NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2', '--optimize-for-size', '--v8-pool-size=1'];

/**
 * V8 flags the CLI sets from its own code, first thing (cli/main.ts; bench/explore-child.ts and
 * bench/floor-child.ts do the same, so the benchmark measures what users run). They are not on
 * the shebang line, which would then pass 127 characters, what Linux before 5.1 reads of it.
 *
 * `--max-inlined-bytecode-size-cumulative=2760` (V8's default 920): how much bytecode TurboFan
 * inlines into one function it optimizes. At the default the explorer's loop calls the model's
 * step, the ack rule's dispatch, the transition invariants and the visited table's probe; at
 * three times it inlines them: about 7% fewer instructions a warm ack-flush transition, 5.5% a
 * warm `full` state, for a larger compile at start-up (docs/explorer.md, "The enabled list made
 * once per held set", its part on TurboFan's inlining budget, and what follows it there).
 * A sweep of 920 to 8,000, of the per-callee limit (`--max-inlined-bytecode-size` 500), of
 * `--min-inlining-frequency` and of `--interrupt-budget` found nothing better: below 2,760 every
 * warm figure is worse (2,400: +1.7% an ack-flush transition, +6% on the floor), above it
 * ack-flush gains nothing, the floor loses (4,000: +9%) and compiling costs more (docs/explorer.md,
 * "The CLI's V8 flags for speed").
 * V8 reads it when it optimizes a function, so setting it before the model's code runs is enough;
 * worker threads share the process's flags.
 *
 * `--no-incremental-marking`: V8 marks the old generation in one pause when it collects it,
 * instead of in steps spread over the run while the program goes on. The explorer's heap is
 * small (about 10 MB: its states are in typed arrays and WebAssembly memory, which V8 does not
 * mark), so the pause is short (tens of ms), but an incremental marking lasts hundreds of ms,
 * and while it lasts every store of an object into another (each event pushed on a list) takes
 * the write barrier's slow path, and each young-generation collection updates the marking's
 * work lists. Collected in one pause, `full`'s first 200,000 states count 2.3% fewer
 * instructions and 400,000 states 7.2% fewer, and the counts no longer move with where the
 * marking's steps fall (docs/explorer.md, "`full`'s old generation marked in one pause"). V8
 * reads the flag when it starts a collection, so setting it from code takes effect
 * (test/cli/usage.test.ts checks that it does).
 *
 * `--heap-growing-percent=30`: with `--optimize-for-size`, V8's memory reducer shrinks the old
 * generation with mark-compacts of its own, but only with incremental marking; without it the
 * heap grew more after its one mark-compact and the whole `full --messages 4 --pops 4 --batch 1`
 * run peaked 3.5 MB higher (105,556–106,044 KiB against 102,040–102,624: 65.3 bytes a state,
 * over issue 12's 64). The old generation's limit after a mark-compact is then its live size
 * times 1.3 (instead of the factor V8 computes from the collector's and the program's speeds):
 * the peak is as before again (102,052–102,916 KiB), for the same instruction counts.
 */
export const RUNTIME_V8_FLAGS: readonly string[] = ['--max-inlined-bytecode-size-cumulative=2760', '--no-incremental-marking', '--heap-growing-percent=30'];

/** Sets RUNTIME_V8_FLAGS in this process. */
export function setRuntimeV8Flags(): void {
  for (const flag of RUNTIME_V8_FLAGS) setFlagsFromString(flag);
}
