/**
 * The lifecycle-move module (lifecycle.wat, compiled into lifecycle-bytes.ts by
 * checker/wasm/build-wat.mjs), compiled once per thread on first use. Null where the runtime has no
 * WebAssembly (Node's --jitless, say): model/lifecycles.ts then checks in TypeScript only.
 */
import { LIFECYCLE_BASE64 } from './lifecycle-bytes.js';

/** What of the WebAssembly JS API this file uses (the project's Node typings do not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  validate(bytes: Uint8Array): boolean;
}

/** The module's one export (lifecycle.wat): the distinct moves of a step, states given by byte offset. */
export type MovesFn = (before: number, after: number) => number;

export function lifecycleBytes(): Uint8Array {
  const s = atob(LIFECYCLE_BASE64);
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return bytes;
}

const WASM = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
let compiled: object | null | undefined;

/**
 * An instance of the module reading `imports.env.memory` (a WebAssembly.Memory), with the
 * layout constants and lifecycle codes of `imports` (see lifecycle.wat's imports); null
 * without WebAssembly.
 */
export function lifecycleMoves(imports: Record<string, Record<string, unknown>>): MovesFn | null {
  if (compiled === undefined) {
    const bytes = lifecycleBytes();
    compiled = WASM !== undefined && WASM.validate(bytes) ? new WASM.Module(bytes) : null;
  }
  if (compiled === null || WASM === undefined) return null;
  return new WASM.Instance(compiled, imports).exports.moves as MovesFn;
}
