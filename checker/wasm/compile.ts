/** What the project's two WebAssembly modules share: the JS API, decoding their committed bytes, compiling them. */

/** What of the WebAssembly JS API the project uses (its Node typings do not declare it). */
export interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  validate(bytes: Uint8Array): boolean;
}

/** A WebAssembly.Memory (pages of 64 KiB; a shared one's `buffer` is a SharedArrayBuffer of its size now, never detached). */
export interface WasmMemory {
  readonly buffer: ArrayBufferLike;
  grow(pages: number): number;
}

/** The runtime's WebAssembly (undefined under --jitless, say). */
export const WASM = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

/** The bytes of a module committed as base64 (build-wat.mjs). */
export function base64Bytes(b64: string): Uint8Array {
  const s = atob(b64);
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return bytes;
}

/** The compiled module of `bytes`, or null without WebAssembly or when this runtime refuses them (no SIMD, say). */
export function compileModule(bytes: Uint8Array): object | null {
  return WASM !== undefined && WASM.validate(bytes) ? new WASM.Module(bytes) : null;
}
