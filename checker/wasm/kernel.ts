/**
 * The WebAssembly fingerprint kernel (kernel.wat, compiled into kernel-bytes.ts by
 * build-wat.mjs), compiled once per thread at module load, synchronously (the module is
 * under 4 KB, as a browser allows on its main thread). `KERNEL` is null where the
 * runtime has no WebAssembly or no SIMD (Node's --jitless, say): fingerprint.ts then steps
 * in JavaScript, to the same fingerprints.
 */
import { KERNEL_BASE64 } from './kernel-bytes.js';

/** What of the WebAssembly JS API this file uses (the project's Node typings do not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  validate(bytes: Uint8Array): boolean;
}

/** The kernel's exports (kernel.wat). */
export interface KernelExports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  init(parent: number, child: number, diff: number, seeds: number, changed: number, save: number): void;
  update(k: number, hi: number, lo: number, flags: number): number;
  step(len: number, hi: number, lo: number, restore: number): number;
  initQueue(lastIn: number, mark: number, markBytes: number, rec: number, window: number): void;
  shift(off: number, hi: number, lo: number, flags: number): number;
  pushChild(len: number, n: number, full: number, redo: number): number;
}

export function kernelBytes(): Uint8Array {
  const s = atob(KERNEL_BASE64);
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return bytes;
}

const WASM = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

const KERNEL: object | null = ((): object | null => {
  if (WASM === undefined) return null;
  const bytes = kernelBytes();
  return WASM.validate(bytes) ? new WASM.Module(bytes) : null;
})();

/** Whether this runtime runs the kernel. */
export const HAVE_KERNEL = KERNEL !== null;

/** A new instance of the kernel, with memory of its own (64 KiB, to be grown to what it needs). */
export function kernelInstance(): KernelExports {
  if (KERNEL === null || WASM === undefined) throw new Error('kernelInstance: no WebAssembly kernel in this runtime');
  return new WASM.Instance(KERNEL, {}).exports as unknown as KernelExports;
}
