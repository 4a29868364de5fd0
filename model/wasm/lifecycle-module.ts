/**
 * The lifecycle-move module (lifecycle.wat, compiled into lifecycle-bytes.ts by
 * checker/wasm/build-wat.mjs), compiled once per thread on first use. Null where the runtime has no
 * WebAssembly (Node's --jitless, say): model/lifecycles.ts then checks in TypeScript only.
 */
import { base64Bytes, compileModule, WASM } from '../../checker/wasm/compile.js';
import { LIFECYCLE_BASE64 } from './lifecycle-bytes.js';

/**
 * The module's export `moves` (lifecycle.wat): the distinct moves of a step, states given by byte
 * offset, with what is known of the parts the step changed (lifecycles.ts, lifecycleParts; -1: unknown).
 */
export type MovesFn = (before: number, after: number, parts: number) => number;
/** Its export `same`: 1 when the `bytes` bytes at offsets `a` and `b` are equal, else 0. */
export type SameFn = (a: number, b: number, bytes: number) => number;

export function lifecycleBytes(): Uint8Array {
  return base64Bytes(LIFECYCLE_BASE64);
}
let compiled: object | null | undefined;

/**
 * An instance of the module reading `imports.env.memory` (a WebAssembly.Memory), with the
 * layout constants and lifecycle codes of `imports` (see lifecycle.wat's imports); null
 * without WebAssembly.
 */
export function lifecycleMoves(imports: Record<string, Record<string, unknown>>): { moves: MovesFn; same: SameFn } | null {
  if (compiled === undefined) {
    compiled = compileModule(lifecycleBytes());
  }
  if (compiled === null || WASM === undefined) return null;
  const { exports } = new WASM.Instance(compiled, imports);
  return { moves: exports.moves as MovesFn, same: exports.same as SameFn };
}
