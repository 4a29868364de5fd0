;; The visited table's growth in place (checker/fptable.ts, FingerprintTable.grow), for segments
;; that live in the table's shared memory: `spreadInPlace` of fptable.ts, compiled. A segment is
;; 3 words a slot (hi, lo, id + 1; an empty slot all zero) from byte `base`; its old slots are
;; words [0, n), its new capacity `cap` slots (the part past the old slots is zero). The old
;; slots are taken from the last to the first; each fingerprint is cleared from its slot and
;; placed at the first empty slot from its new home floor(l * cap / 2^26) (l: the low 26 bits of
;; the mix lo ^ hi * 0x9e3779b1, as `home` of fptable.ts), as long as that home is not below its
;; old slot and the scan does not reach the new end. A fingerprint that cannot be placed so is
;; left in its slot and its word index returned: the caller takes it to its side list, clears
;; the slot and calls again with n = that index. -1: every old slot taken.
(module
  (import "t" "mem" (memory 0 65536 shared))
  (func (export "spread") (param $base i32) (param $n i32) (param $cap i32) (result i32)
    (local $p i32) (local $end i32) (local $at i32) (local $id i32) (local $hi i32) (local $lo i32)
    (local $i i32) (local $capw i64)
    (local.set $end (i32.mul (local.get $cap) (i32.const 3)))
    (local.set $capw (i64.extend_i32_u (local.get $cap)))
    (local.set $p (i32.sub (local.get $n) (i32.const 3)))
    (block $done
      (loop $next
        (br_if $done (i32.lt_s (local.get $p) (i32.const 0)))
        (local.set $at (i32.add (local.get $base) (i32.shl (local.get $p) (i32.const 2))))
        (local.set $id (i32.load offset=8 (local.get $at)))
        (if (local.get $id)
          (then
            (local.set $hi (i32.load (local.get $at)))
            (local.set $lo (i32.load offset=4 (local.get $at)))
            ;; The new home's first word.
            (local.set $i
              (i32.mul
                (i32.wrap_i64
                  (i64.shr_u
                    (i64.mul
                      (i64.extend_i32_u
                        (i32.and
                          (i32.xor (local.get $lo) (i32.mul (local.get $hi) (i32.const 0x9e3779b1)))
                          (i32.const 0x3ffffff)))
                      (local.get $capw))
                    (i64.const 26)))
                (i32.const 3)))
            ;; A home below the old slot: to the side list.
            (if (i32.lt_s (local.get $i) (local.get $p)) (then (return (local.get $p))))
            (i32.store (local.get $at) (i32.const 0))
            (i32.store offset=4 (local.get $at) (i32.const 0))
            (i32.store offset=8 (local.get $at) (i32.const 0))
            (block $placed
              (loop $scan
                (br_if $placed
                  (i32.eqz (i32.load offset=8 (i32.add (local.get $base) (i32.shl (local.get $i) (i32.const 2))))))
                (local.set $i (i32.add (local.get $i) (i32.const 3)))
                (br_if $scan (i32.ne (local.get $i) (local.get $end)))
                ;; The scan reached the new end: the fingerprint back in its slot, to the side list.
                (i32.store (local.get $at) (local.get $hi))
                (i32.store offset=4 (local.get $at) (local.get $lo))
                (i32.store offset=8 (local.get $at) (local.get $id))
                (return (local.get $p))))
            (local.set $at (i32.add (local.get $base) (i32.shl (local.get $i) (i32.const 2))))
            (i32.store (local.get $at) (local.get $hi))
            (i32.store offset=4 (local.get $at) (local.get $lo))
            (i32.store offset=8 (local.get $at) (local.get $id))))
        (local.set $p (i32.sub (local.get $p) (i32.const 3)))
        (br $next)))
    (i32.const -1)))
