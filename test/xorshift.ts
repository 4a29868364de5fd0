/**
 * A xorshift32 generator for tests that draw many numbers from one fast-check seed: `rand(n)` is
 * an integer in [0, n). The same seed gives the same numbers.
 */
export function xorshift(seed: number): (n: number) => number {
  let x = seed | 1;
  return (n: number): number => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}
