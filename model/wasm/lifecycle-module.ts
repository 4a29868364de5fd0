/**
 * The lifecycle-move module (lifecycle.wat, compiled into lifecycle-bytes.ts by
 * checker/wasm/build-wat.mjs), compiled once per thread on first use. Null where the runtime has no
 * WebAssembly (Node's --jitless, say): model/lifecycles.ts then checks in TypeScript only.
 */
import { base64Bytes, compileModule, WASM } from '../../checker/wasm/compile.js';
import { LIFECYCLE_BASE64 } from './lifecycle-bytes.js';

/** The module's one export (lifecycle.wat): the distinct moves of a step, states given by byte offset. */
export type MovesFn = (before: number, after: number) => number;

export function lifecycleBytes(): Uint8Array {
  return base64Bytes(LIFECYCLE_BASE64);
}
let compiled: object | null | undefined;

/**
 * An instance of the module reading `imports.env.memory` (a WebAssembly.Memory), with the
 * layout constants and lifecycle codes of `imports` (see lifecycle.wat's imports); null
 * without WebAssembly.
 */
export function lifecycleMoves(imports: Record<string, Record<string, unknown>>): MovesFn | null {
  if (compiled === undefined) {
    compiled = compileModule(lifecycleBytes());
  }
  if (compiled === null || WASM === undefined) return null;
  return new WASM.Instance(compiled, imports).exports.moves as MovesFn;
}
