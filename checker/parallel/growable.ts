/**
 * Growable SharedArrayBuffers (ES2024; Node 20's V8 has them, its TypeScript lib does not
 * declare them yet): grown in place, so threads that hold the buffer see the new bytes and no
 * old copy stays alive until every thread has collected it.
 */
export interface GrowableShared extends SharedArrayBuffer {
  readonly growable: boolean;
  readonly maxByteLength: number;
  grow(byteLength: number): void;
}

type GrowableCtor = new (byteLength: number, options: { maxByteLength: number }) => GrowableShared;

/** A SharedArrayBuffer of `byteLength` bytes that can grow in place up to `maxByteLength`. */
export function growableShared(byteLength: number, maxByteLength: number): GrowableShared {
  return new (SharedArrayBuffer as unknown as GrowableCtor)(byteLength, { maxByteLength });
}
