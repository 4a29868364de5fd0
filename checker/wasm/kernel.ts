/**
 * The WebAssembly fingerprint kernel (kernel.wat, compiled into kernel-bytes.ts by
 * build-wat.mjs), compiled once per thread at module load, synchronously (the module is
 * under 4 KB, as a browser allows on its main thread). `KERNEL` is null where the
 * runtime has no WebAssembly or no SIMD (Node's --jitless, say): fingerprint.ts then steps
 * in JavaScript, to the same fingerprints.
 */
import { base64Bytes, compileModule, WASM } from './compile.js';
import { KERNEL_BASE64 } from './kernel-bytes.js';

/** The kernel's exports (kernel.wat). */
export interface KernelExports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  init(changed: number): void;
  update(k: number, hi: number, lo: number, flags: number): number;
  step(len: number, hi: number, lo: number, restore: number): number;
  restore(n: number): void;
  initQueue(lastIn: number, mark: number, markBytes: number, rec: number, window: number): void;
  shift(off: number, hi: number, lo: number, flags: number): number;
  pushChild(len: number, n: number, full: number, redo: number, at: number): number;
}

export function kernelBytes(): Uint8Array {
  return base64Bytes(KERNEL_BASE64);
}

const KERNEL: object | null = compileModule(kernelBytes());

/** Whether this runtime runs the kernel. */
export const HAVE_KERNEL = KERNEL !== null;

/** A new instance of the kernel, with memory of its own (64 KiB, to be grown to what it needs). */
export function kernelInstance(): KernelExports {
  if (KERNEL === null || WASM === undefined) throw new Error('kernelInstance: no WebAssembly kernel in this runtime');
  return new WASM.Instance(KERNEL, {}).exports as unknown as KernelExports;
}
