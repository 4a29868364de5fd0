;; The explorer's per-transition fingerprint kernel (checker/wasm/step.ts loads it; the
;; JavaScript it replaces, and the definition of the fingerprint, are in checker/fingerprint.ts).
;;
;; `step` does `fingerprintStep`'s job on two states held in this module's memory: it compares
;; the parent's and the child's words four at a time (SIMD), writes the positions where they
;; differ, in increasing order, and XORs out the parent's and in the child's 64-bit hash of
;; each such word (two 32-bit lanes) into the parent's fingerprint. The lanes are exactly those
;; of fingerprint.ts: the same per-position seeds and the same table of the values 0-15, which
;; step.ts copies in from there, and the same MurmurHash3-style mixing, written out below, for
;; larger values. Reading a word here is one load: no map, bounds or detach check per element as
;; for a typed array in V8 (docs/explorer.md, "Counting instructions").
;;
;; Memory layout (bytes; `init` receives the offsets, step.ts computes them):
;;   0   the result: fingerprint high half, then low half
;;   $parent, $child   the two states, a multiple of 4 words each, 16-byte aligned; words past
;;                     the length compared are never read
;;   $diff             the differing positions (int32)
;;   $seed1, $seed2    the per-position lane seeds (fingerprint.ts SEED1, SEED2)
;;   $small            the two lanes of the values 0-15 per position (fingerprint.ts SMALL:
;;                     32 int32 a position, lane 1 of v at 2v, lane 2 at 2v + 1, zero for v = 0)
(module
  (memory (export "memory") 1)
  (global $parent (mut i32) (i32.const 0))
  (global $child (mut i32) (i32.const 0))
  (global $diff (mut i32) (i32.const 0))
  (global $seed1 (mut i32) (i32.const 0))
  (global $seed2 (mut i32) (i32.const 0))
  (global $small (mut i32) (i32.const 0))

  (func (export "init") (param $parent i32) (param $child i32) (param $diff i32)
    (param $seed1 i32) (param $seed2 i32) (param $small i32)
    (global.set $parent (local.get $parent))
    (global.set $child (local.get $child))
    (global.set $diff (local.get $diff))
    (global.set $seed1 (local.get $seed1))
    (global.set $seed2 (local.get $seed2))
    (global.set $small (local.get $small)))

  ;; Lane 1 of value v (not 0-15) at position i: fingerprint.ts lane1, finished by fmix32.
  (func $lane1 (param $i i32) (param $v i32) (result i32)
    (local $h i32)
    ;; k = rotl(v * 0xcc9e2d51, 15) * 0x1b873593; h = rotl(SEED1[i] ^ k, 13) * 5 + 0xe6546b64
    (local.set $h
      (i32.add
        (i32.mul
          (i32.rotl
            (i32.xor
              (i32.load (i32.add (global.get $seed1) (i32.shl (local.get $i) (i32.const 2))))
              (i32.mul (i32.rotl (i32.mul (local.get $v) (i32.const 0xcc9e2d51)) (i32.const 15))
                (i32.const 0x1b873593)))
            (i32.const 13))
          (i32.const 5))
        (i32.const 0xe6546b64)))
    ;; fmix32
    (local.set $h (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 16))))
    (local.set $h (i32.mul (local.get $h) (i32.const 0x85ebca6b)))
    (local.set $h (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 13))))
    (local.set $h (i32.mul (local.get $h) (i32.const 0xc2b2ae35)))
    (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 16))))

  ;; Lane 2 of value v (not 0-15) at position i: fingerprint.ts lane2, finished by lowbias32.
  (func $lane2 (param $i i32) (param $v i32) (result i32)
    (local $h i32)
    ;; k = rotl((v ^ v >>> 16) * 0x85ebca6b, 17) * 0xc2b2ae35; h = rotl(SEED2[i] ^ k, 11) * 9 + 0x52dce729
    (local.set $h
      (i32.add
        (i32.mul
          (i32.rotl
            (i32.xor
              (i32.load (i32.add (global.get $seed2) (i32.shl (local.get $i) (i32.const 2))))
              (i32.mul
                (i32.rotl
                  (i32.mul (i32.xor (local.get $v) (i32.shr_u (local.get $v) (i32.const 16)))
                    (i32.const 0x85ebca6b))
                  (i32.const 17))
                (i32.const 0xc2b2ae35)))
            (i32.const 11))
          (i32.const 9))
        (i32.const 0x52dce729)))
    ;; lowbias32
    (local.set $h (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 16))))
    (local.set $h (i32.mul (local.get $h) (i32.const 0x7feb352d)))
    (local.set $h (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 15))))
    (local.set $h (i32.mul (local.get $h) (i32.const 0x846ca68b)))
    (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 16))))

  ;; Records position i as differing (diff[n] = i) and XORs the hashes of a = parent[i] and
  ;; b = child[i] into the globals $hi and $lo; returns n + 1.
  (global $hi (mut i32) (i32.const 0))
  (global $lo (mut i32) (i32.const 0))
  (func $differs (param $i i32) (param $n i32) (result i32)
    (local $a i32) (local $b i32) (local $t i32)
    (i32.store (i32.add (global.get $diff) (i32.shl (local.get $n) (i32.const 2))) (local.get $i))
    (local.set $a (i32.load (i32.add (global.get $parent) (i32.shl (local.get $i) (i32.const 2)))))
    (local.set $b (i32.load (i32.add (global.get $child) (i32.shl (local.get $i) (i32.const 2)))))
    (if (i32.eqz (i32.shr_u (local.get $a) (i32.const 4)))
      (then
        ;; byte offset of SMALL[32 i + 2 a]
        (local.set $t (i32.add (global.get $small)
          (i32.shl (i32.or (i32.shl (local.get $i) (i32.const 5)) (i32.shl (local.get $a) (i32.const 1)))
            (i32.const 2))))
        (global.set $hi (i32.xor (global.get $hi) (i32.load (local.get $t))))
        (global.set $lo (i32.xor (global.get $lo) (i32.load offset=4 (local.get $t)))))
      (else
        (global.set $hi (i32.xor (global.get $hi) (call $lane1 (local.get $i) (local.get $a))))
        (global.set $lo (i32.xor (global.get $lo) (call $lane2 (local.get $i) (local.get $a))))))
    (if (i32.eqz (i32.shr_u (local.get $b) (i32.const 4)))
      (then
        (local.set $t (i32.add (global.get $small)
          (i32.shl (i32.or (i32.shl (local.get $i) (i32.const 5)) (i32.shl (local.get $b) (i32.const 1)))
            (i32.const 2))))
        (global.set $hi (i32.xor (global.get $hi) (i32.load (local.get $t))))
        (global.set $lo (i32.xor (global.get $lo) (i32.load offset=4 (local.get $t)))))
      (else
        (global.set $hi (i32.xor (global.get $hi) (call $lane1 (local.get $i) (local.get $b))))
        (global.set $lo (i32.xor (global.get $lo) (call $lane2 (local.get $i) (local.get $b))))))
    (i32.add (local.get $n) (i32.const 1)))

  ;; The fingerprint of child[0, len) from the parent's (hi, lo): written at bytes 0 (high) and
  ;; 4 (low); the differing positions at $diff; returns how many.
  (func (export "step") (param $len i32) (param $hi i32) (param $lo i32) (result i32)
    (local $j i32) (local $end i32) (local $n i32) (local $m i32) (local $p i32) (local $c i32)
    (global.set $hi (local.get $hi))
    (global.set $lo (local.get $lo))
    (local.set $p (global.get $parent))
    (local.set $c (global.get $child))
    ;; Four words at a time: the lanes that differ as a 4-bit mask, each set bit in increasing order.
    (local.set $end (i32.and (local.get $len) (i32.const -4)))
    (block $done
      (loop $quads
        (br_if $done (i32.ge_u (local.get $j) (local.get $end)))
        (local.set $m
          (i32x4.bitmask
            (i32x4.ne
              (v128.load (i32.add (local.get $p) (i32.shl (local.get $j) (i32.const 2))))
              (v128.load (i32.add (local.get $c) (i32.shl (local.get $j) (i32.const 2)))))))
        (if (local.get $m)
          (then
            (loop $bits
              (local.set $n (call $differs (i32.add (local.get $j) (i32.ctz (local.get $m))) (local.get $n)))
              (local.set $m (i32.and (local.get $m) (i32.sub (local.get $m) (i32.const 1))))
              (br_if $bits (local.get $m)))))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $quads)))
    ;; The last len mod 4 words one at a time.
    (block $tail_done
      (loop $tail
        (br_if $tail_done (i32.ge_u (local.get $j) (local.get $len)))
        (if (i32.ne
              (i32.load (i32.add (local.get $p) (i32.shl (local.get $j) (i32.const 2))))
              (i32.load (i32.add (local.get $c) (i32.shl (local.get $j) (i32.const 2)))))
          (then (local.set $n (call $differs (local.get $j) (local.get $n)))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $tail)))
    (i32.store (i32.const 0) (global.get $hi))
    (i32.store (i32.const 4) (global.get $lo))
    (local.get $n))
)
