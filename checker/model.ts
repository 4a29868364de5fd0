/**
 * The small interface the explorer works against. The explorer knows nothing about
 * RocketMQ: it sees opaque states and events, a pure step, named invariants and a
 * fixed-width integer encoding used for fingerprints and for the frontier.
 */

/** An invariant checked on every reachable state. */
export interface AlwaysInvariant<S> {
  readonly name: string;
  readonly kind: 'always';
  readonly description: string;
  holds(state: S): boolean;
  /**
   * Optional: positions of `words(state)` that `holds` may read (a superset of every position
   * it reads, on every state): `holds` is a function of the words at these positions alone.
   * The explorer then takes a successor's verdict from its parent's when the step left all of
   * them unchanged, and evaluates the invariant only when one of them changed.
   */
  readonly reads?: readonly number[];
}

/** An invariant checked on states where nothing is enabled ("when nothing is left to happen"). */
export interface FinalInvariant<S> {
  readonly name: string;
  readonly kind: 'final';
  readonly description: string;
  holds(state: S): boolean;
}

/** An invariant over one transition (for example: every lifecycle move is legal). */
export interface TransitionInvariant<S, E> {
  readonly name: string;
  readonly kind: 'transition';
  readonly description: string;
  /**
   * `parts` (with `parts` declared below): bit j clear means that `before` and `after` agree at
   * every position of part j; a set bit says nothing; -1 (or nothing) when the explorer does not
   * know. The answer must not depend on it: it may only spare the invariant reading what did not
   * change.
   */
  holds(before: S, event: E, after: S, parts?: number): boolean;
  /**
   * Optional: positions of `words(state)` such that a step that leaves all of them unchanged
   * satisfies the invariant, whatever the event (if `before` and `after` agree at every one of
   * them, `holds(before, event, after)` is true). The explorer then evaluates the invariant only
   * on edges whose step changed one of them (it computes where the successor differs from the
   * parent anyway, for the fingerprint).
   */
  readonly watches?: readonly number[];
  /**
   * Optional: parts of the state (lists of positions of `words(state)`) whose change the explorer
   * reports to `holds` as the bits of `parts`, from the positions where the successor differs
   * from the parent, as it does for `watches`. It has 32 bits for all invariants and parts: parts
   * past those it has left get set bits (they say nothing), and the last part it has a bit for
   * shares it with them.
   */
  readonly parts?: readonly (readonly number[])[];
}

/** A WebAssembly.Memory, as far as Model.useMemory needs it (the project's typings do not declare WebAssembly). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
}

export type Invariant<S, E> = AlwaysInvariant<S> | FinalInvariant<S> | TransitionInvariant<S, E>;

export interface Model<S, E> {
  readonly name: string;
  /** Number of int32 words in an encoded state; the same for every state of this model. */
  readonly stateWords: number;
  initialStates(): readonly S[];
  /** Enabled events in a deterministic order. */
  enabledEvents(state: S): readonly E[];
  /** Pure: returns a new state, never changes `state`. Only called with enabled events. */
  step(state: S, event: E): S;
  /**
   * Optional fast path: the state after `event`, built in `out` (scratch words the explorer
   * reuses; `stateWords` long) instead of a new state. The result may be `out` itself.
   */
  stepInto?(state: S, event: E, out: Int32Array): S;
  /**
   * Optional faster path: `stepInto` where `out` already holds `state`'s words (the explorer
   * keeps its scratch equal to the state it expands, putting the parent's words back after
   * each successor), so the model need not copy them first. The result may be `out` itself.
   */
  stepOnto?(state: S, event: E, out: Int32Array): S;
  /**
   * Optional fast path: `enabledEvents(state)`, together with the successors the model
   * already built while deciding what is enabled (for example a dry run asking "would this
   * service change anything?"), so that the explorer does not apply those events again.
   * The model clears `after` and may set `after[i]` to the state `step(state, events[i])`
   * returns (equal words); an index it leaves unset (or null) means "not built, step it".
   * Such a successor may be the model's own scratch, valid until the model is called again;
   * the explorer may read it, canonicalize it and copy its words, but must not change it.
   */
  enabledWithSuccessors?(state: S, after: (S | null)[]): readonly E[];
  /**
   * The state's canonical words. Equal words must mean equal states. May return an
   * internal array: the explorer copies what it keeps.
   */
  words(state: S): Int32Array;
  /**
   * Rebuilds a state from words written by `words`. The explorer may pass a view into its
   * own storage, valid while the state is expanded: the model must not keep or change it.
   */
  fromWords(words: Int32Array): S;
  readonly invariants: readonly Invariant<S, E>[];
  /**
   * Optional: the explorer holds states in `memory` (a WebAssembly.Memory; null: no longer).
   * The explorer with its WebAssembly kernel calls it before the search with the kernel's memory,
   * where it keeps the state it expands and builds the successors (`stepInto`'s and `stepOnto`'s
   * `out`), so that a model may read both with WebAssembly code of its own that imports the
   * memory, without copying them, for example to check a transition invariant; and with null
   * when the search is over. Not every state the model is given lives there (a successor it
   * built elsewhere, a state of another run): an Int32Array is in the memory when its `buffer`
   * is the memory's. The explorer never grows the memory after the call (growing it would give
   * it a new buffer), and the model must not write to it but into `buffers` (`memoryBuffers`).
   * What the model answers must not depend on where a state is.
   */
  useMemory?(memory: WasmMemory | null, buffers?: readonly Int32Array[]): void;
  /**
   * Optional: how many buffers of `stateWords` words the model asks for in that memory, which
   * are its own to write (for example to build dry runs in, next to the states the explorer holds
   * there): `useMemory` then receives them as `buffers` (empty with null, or without the kernel).
   */
  readonly memoryBuffers?: number;
  /**
   * Optional symmetry reduction: the canonical representative of the state's orbit under
   * a group of permutations that the step relation and every invariant respect. Must not
   * change `state`: the result is `state` itself or another array (the explorer takes a
   * result that is `state` as the successor the step built, words and all).
   */
  canonicalize?(state: S): S;
}

export function validateModel<S, E>(model: Model<S, E>): void {
  const seen = new Set<string>();
  for (const inv of model.invariants) {
    if (seen.has(inv.name)) throw new Error(`model ${model.name}: duplicate invariant name '${inv.name}'`);
    seen.add(inv.name);
  }
  if (model.invariants.length > 30) throw new Error(`model ${model.name}: at most 30 invariants are supported`);
  if (!(model.stateWords > 0)) throw new Error(`model ${model.name}: stateWords must be positive`);
}
