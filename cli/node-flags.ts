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
 */
export const RUNTIME_V8_FLAGS: readonly string[] = ['--max-inlined-bytecode-size-cumulative=2760'];

/** Sets RUNTIME_V8_FLAGS in this process. */
export function setRuntimeV8Flags(): void {
  for (const flag of RUNTIME_V8_FLAGS) setFlagsFromString(flag);
}
