;; The explorer's per-transition fingerprint kernel (fingerprint.ts's FingerprintStepper runs it;
;; the fingerprint's definition, and the JavaScript this does the same as, are fingerprint.ts's
;; wordHash and fingerprintStep).
;;
;; `step` does `fingerprintStep`'s job on two states held in this module's memory: it compares
;; the parent's and the child's words sixteen at a time (SIMD), writes the positions where they
;; differ, in increasing order, and XORs out the parent's and in the child's 64-bit hash of each
;; such word into the parent's fingerprint as it finds the word. The hash of a non-zero value v
;; at position i is fingerprint.ts's wordHash: the 64-bit key (i << 32 | v as uint32) XOR KEY,
;; mixed by David Stafford's "Mix13" (two xor-shift-multiply rounds and a last xor-shift, the
;; finaliser of SplitMix64), in scalar i64 arithmetic; a zero word contributes nothing.
;; Reading a word here is one load: no map, bounds or detach check per element as for a typed
;; array in V8 (docs/explorer.md, "Counting instructions").
;;
;; Memory layout (bytes). The state's buffers, the differing positions, the saved words and the
;; hash cache lie at fixed addresses, constants in the code below (fingerprint.ts's KERNEL_AT,
;; for states of up to KERNEL_MAX_WORDS = 2,048 words; wider ones are fingerprinted in
;; JavaScript): V8 folds a constant address into the load or store, where an address held in a
;; global is reloaded from the instance at each use, or held in a register, which `step`'s loop
;; over the differing words does not have to spare (docs/explorer.md, "Fixed addresses in the
;; kernel's memory"). The other regions are where `init` and `initQueue` say (fingerprint.ts
;; computes them):
;;   0                 the result: fingerprint high half, then low half (uint32 each)
;;   8                 `update`'s result: high half, then low half
;;   16                `shift`'s second result (`update`'s)
;;   20                `step`'s second result: the OR of the watch masks over the differing positions
;;   32, 8224          the parent and the child (2,048 words each); the words past the length up
;;                     to a multiple of 16 are zero in both (`step` compares them, nothing writes them)
;;   16416 (diff)      the differing positions (int32)
;;   24608 (save)      with `step`'s $restore (or `restore`): the child's values at the differing
;;                     positions, in the same order (the child buffer then holds the parent again)
;;   32800 (hc)        per position i, at 32800 + 16 i: a value v (int32); at + 4 a bit mask (the
;;                     invariants that watch the word: fingerprint.ts, FingerprintStepper.watch;
;;                     zero unless set); at + 8 wordHash(i, v) (int64). The mask beside the
;;                     value, so that `step` reaches both from the position's offset. The value
;;                     and its hash are the hash cache: `step`, `update` and `shift` take the
;;                     parent's hash of a word from there when v is the parent's value, and
;;                     `update` and `shift` put each new value's hash there. Only ever a value
;;                     and its hash (zero at first: 0 and wordHash(i, 0) = 0), so whoever writes
;;                     the buffers, the cache is never wrong, only missed
;;   $changed          `update`'s input: pairs (position, value before)
;;   $lastIn, $mark    the search queue's (`initQueue`): the state it queued last, a mark byte a
;;                     word (up to $markEnd, a multiple of 16 bytes)
;;   $rec              where `pushChild` writes records: at $rec + $at (the queue's stage, from
;;                     which it copies many records into its chunk at once)
;;   $window           the queue's records being read (`shift`), copied in a window at a time
(module
  (memory (export "memory") 2)
  (global $changed (mut i32) (i32.const 0))
  (global $lastIn (mut i32) (i32.const 0))
  (global $mark (mut i32) (i32.const 0))
  (global $markEnd (mut i32) (i32.const 0))
  (global $rec (mut i32) (i32.const 0))
  (global $window (mut i32) (i32.const 0))

  (func (export "init") (param $changed i32)
    (global.set $changed (local.get $changed)))

  (func (export "initQueue") (param $lastIn i32) (param $mark i32) (param $markBytes i32) (param $rec i32) (param $window i32)
    (global.set $window (local.get $window))
    (global.set $lastIn (local.get $lastIn))
    (global.set $mark (local.get $mark))
    (global.set $markEnd (i32.add (local.get $mark) (local.get $markBytes)))
    (global.set $rec (local.get $rec)))

  ;; The fingerprint of child[0, len) from the parent's (hi, lo): written at bytes 0 (high) and
  ;; 4 (low); the differing positions at diff, in increasing order; returns how many. The OR
  ;; of the watch masks at those positions is written at byte 20 (which invariants the step may concern).
  ;; With $restore, the child's values at those positions go to save and the child buffer
  ;; takes the parent's there: it holds the parent again, ready for the next successor to be
  ;; built on it (Model.stepOnto); `pushChild` with $redo puts the child back for its record.
  ;; One pass over the words, sixteen at a time (the buffers' words from len up to the next
  ;; multiple of 16 are zero in both, never written): one test whether any differs (the XOR of
  ;; the two states' words, four vectors OR-ed), then the differing lanes as a 16-bit mask (the
  ;; four vectors' lanes equal to zero narrowed to bytes, inverted), each set bit in increasing
  ;; order; a step changes a few words of a hundred or more, so most tests find none. Each
  ;; differing word's two hashes (wordHash of the value before and after) are XOR-ed into $h as
  ;; the word is found (the same code as in `update`, written out in both: a call costs more);
  ;; the value before's from the hash cache (at 32800) when there (it is, for nearly every word: `shift`
  ;; put the parent's new words there, and a sibling's step or an earlier state's the others).
  (func (export "step") (param $len i32) (param $hi i32) (param $lo i32) (param $restore i32) (result i32)
    (local $j i32) (local $n i32) (local $m i32) (local $i i32)
    (local $a i32) (local $b i32) (local $x0 v128) (local $x1 v128) (local $x2 v128) (local $x3 v128)
    (local $t i32) (local $e i32) (local $h i64) (local $k i64) (local $x i64)
    (block $done16
      (loop $sixteens
        ;; The blocks without a difference, most of them, in a loop of their own: what the
        ;; differing words' loop keeps (n, t, h) stays out of this one's registers.
        (loop $same
          (br_if $done16 (i32.ge_u (local.get $j) (local.get $len)))
          (local.set $a (i32.shl (local.get $j) (i32.const 2)))
          (local.set $x0 (v128.xor (v128.load offset=32 (local.get $a)) (v128.load offset=8224 (local.get $a))))
          (local.set $x1 (v128.xor (v128.load offset=48 (local.get $a)) (v128.load offset=8240 (local.get $a))))
          (local.set $x2 (v128.xor (v128.load offset=64 (local.get $a)) (v128.load offset=8256 (local.get $a))))
          (local.set $x3 (v128.xor (v128.load offset=80 (local.get $a)) (v128.load offset=8272 (local.get $a))))
          (if (i32.eqz (v128.any_true (v128.or (v128.or (local.get $x0) (local.get $x1)) (v128.or (local.get $x2) (local.get $x3)))))
            (then
              (local.set $j (i32.add (local.get $j) (i32.const 16)))
              (br $same))))
        (local.set $m
          (i32.xor (i32.const 0xffff)
            (i8x16.bitmask
              (i8x16.narrow_i16x8_s
                (i16x8.narrow_i32x4_s (i32x4.eq (local.get $x0) (v128.const i32x4 0 0 0 0)) (i32x4.eq (local.get $x1) (v128.const i32x4 0 0 0 0)))
                (i16x8.narrow_i32x4_s (i32x4.eq (local.get $x2) (v128.const i32x4 0 0 0 0)) (i32x4.eq (local.get $x3) (v128.const i32x4 0 0 0 0)))))))
        (loop $bits
          (local.set $i (i32.add (local.get $j) (i32.ctz (local.get $m))))
          (i32.store offset=16416 (i32.shl (local.get $n) (i32.const 2)) (local.get $i))
          (local.set $e (i32.shl (local.get $i) (i32.const 4)))
          (local.set $t (i32.or (local.get $t) (i32.load offset=32804 (local.get $e))))
          (local.set $a (i32.load offset=32 (i32.shl (local.get $i) (i32.const 2))))
          (local.set $b (i32.load offset=8224 (i32.shl (local.get $i) (i32.const 2))))
          ;; wordHash(i, a) and wordHash(i, b): the key's high half is i XOR KEY's. The parent's
          ;; wordHash(i, a) from the hash cache (at 32800) when it holds a's (the parent's words at a
          ;; step's positions are mostly the values `update` or a sibling's step hashed last).
          (local.set $k (i64.xor (i64.shl (i64.extend_i32_u (local.get $i)) (i64.const 32)) (i64.const 0x9e3779b97f4a7c15)))
          (if (i32.eq (i32.load offset=32800 (local.get $e)) (local.get $a))
            (then (local.set $h (i64.xor (local.get $h) (i64.load offset=32808 (local.get $e)))))
            (else
              (local.set $x (i64.xor (local.get $k) (i64.extend_i32_u (local.get $a))))
              (local.set $x (i64.mul (i64.xor (local.get $x) (i64.shr_u (local.get $x) (i64.const 30))) (i64.const 0xbf58476d1ce4e5b9)))
              (local.set $x (i64.mul (i64.xor (local.get $x) (i64.shr_u (local.get $x) (i64.const 27))) (i64.const 0x94d049bb133111eb)))
              (local.set $x (select (i64.xor (local.get $x) (i64.shr_u (local.get $x) (i64.const 31))) (i64.const 0) (local.get $a)))
              (i32.store offset=32800 (local.get $e) (local.get $a))
              (i64.store offset=32808 (local.get $e) (local.get $x))
              (local.set $h (i64.xor (local.get $h) (local.get $x)))))
          (local.set $x (i64.xor (local.get $k) (i64.extend_i32_u (local.get $b))))
          (local.set $x (i64.mul (i64.xor (local.get $x) (i64.shr_u (local.get $x) (i64.const 30))) (i64.const 0xbf58476d1ce4e5b9)))
          (local.set $x (i64.mul (i64.xor (local.get $x) (i64.shr_u (local.get $x) (i64.const 27))) (i64.const 0x94d049bb133111eb)))
          (local.set $h (i64.xor (local.get $h)
            (select (i64.xor (local.get $x) (i64.shr_u (local.get $x) (i64.const 31))) (i64.const 0) (local.get $b))))
          (if (local.get $restore)
            (then
              (i32.store offset=24608 (i32.shl (local.get $n) (i32.const 2)) (local.get $b))
              (i32.store offset=8224 (i32.shl (local.get $i) (i32.const 2)) (local.get $a))))
          (local.set $n (i32.add (local.get $n) (i32.const 1)))
          (local.set $m (i32.and (local.get $m) (i32.sub (local.get $m) (i32.const 1))))
          (br_if $bits (local.get $m)))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $sixteens)))
    (i32.store (i32.const 0) (i32.xor (local.get $hi) (i32.wrap_i64 (i64.shr_u (local.get $h) (i64.const 32)))))
    (i32.store (i32.const 4) (i32.xor (local.get $lo) (i32.wrap_i64 (local.get $h))))
    (i32.store (i32.const 20) (local.get $t))
    (local.get $n))

  ;; After `step` without $restore: what $restore does, the child's values at the $n differing
  ;; positions to save (for `pushChild` with $redo 1) and the parent's into the child buffer
  ;; (which then holds the parent again). So that the successor can be read where it was built
  ;; before the parent goes back; a successor queued before this is put back by `pushChild`
  ;; with $redo 2 instead.
  ;; (One offset stepped along diff and save, which lie at fixed addresses, as the buffers.)
  (func (export "restore") (param $n i32)
    (local $d i32) (local $end i32) (local $i i32)
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $done
      (loop $words
        (br_if $done (i32.ge_u (local.get $d) (local.get $end)))
        (local.set $i (i32.shl (i32.load offset=16416 (local.get $d)) (i32.const 2)))
        (i32.store offset=24608 (local.get $d) (i32.load offset=8224 (local.get $i)))
        (i32.store offset=8224 (local.get $i) (i32.load offset=32 (local.get $i)))
        (local.set $d (i32.add (local.get $d) (i32.const 4)))
        (br $words))))

  ;; The fingerprint (hi, lo) of a state before the k words at $changed changed, updated to the
  ;; parent buffer's words: written at bytes 8 (high) and 12 (low). $changed holds k pairs
  ;; (position i, value before); the value now is parent[i]. (The queue decodes the next state
  ;; to expand into the parent buffer, and updates its fingerprint so.)
  ;; With bit 0 of $flags, also marks each position in $mark (the queue's, see `pushChild`) and
  ;; returns how many were not marked before (else 0). With bit 1, the child buffer takes the
  ;; parent's new values too (it holds the parent while successors are built on it: `step`'s
  ;; $restore). The hash of the value before from the hash cache (at 32800) when there; the value now
  ;; and its hash go there. (`shift` does the same for the queue's records, written out.)
  (func $update (export "update") (param $k i32) (param $hi i32) (param $lo i32) (param $flags i32) (result i32)
    (local $q i32) (local $end i32) (local $i i32) (local $fresh i32) (local $mp i32)
    (local $marking i32) (local $back i32) (local $a i32) (local $b i32) (local $e i32)
    (local $h i64) (local $key i64) (local $x i64)
    (local.set $marking (i32.and (local.get $flags) (i32.const 1)))
    (local.set $back (i32.and (local.get $flags) (i32.const 2)))
    (local.set $q (global.get $changed))
    (local.set $end (i32.add (local.get $q) (i32.shl (local.get $k) (i32.const 3))))
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_u (local.get $q) (local.get $end)))
        (local.set $i (i32.load (local.get $q)))
        (if (local.get $marking)
          (then
            (local.set $mp (i32.add (global.get $mark) (local.get $i)))
            (if (i32.eqz (i32.load8_u (local.get $mp)))
              (then
                (i32.store8 (local.get $mp) (i32.const 1))
                (local.set $fresh (i32.add (local.get $fresh) (i32.const 1)))))))
        (local.set $a (i32.load offset=4 (local.get $q)))
        (local.set $b (i32.load offset=32 (i32.shl (local.get $i) (i32.const 2))))
        ;; wordHash(i, a) and wordHash(i, b), as in `step`: a's from the hash cache (at 32800) when it
        ;; holds a's (the value this position took last time), b's then kept there.
        (local.set $key (i64.xor (i64.shl (i64.extend_i32_u (local.get $i)) (i64.const 32)) (i64.const 0x9e3779b97f4a7c15)))
        (local.set $e (i32.shl (local.get $i) (i32.const 4)))
        (if (i32.eq (i32.load offset=32800 (local.get $e)) (local.get $a))
          (then (local.set $h (i64.xor (local.get $h) (i64.load offset=32808 (local.get $e)))))
          (else
            (local.set $x (i64.xor (local.get $key) (i64.extend_i32_u (local.get $a))))
            (local.set $x (i64.mul (i64.xor (local.get $x) (i64.shr_u (local.get $x) (i64.const 30))) (i64.const 0xbf58476d1ce4e5b9)))
            (local.set $x (i64.mul (i64.xor (local.get $x) (i64.shr_u (local.get $x) (i64.const 27))) (i64.const 0x94d049bb133111eb)))
            (local.set $h (i64.xor (local.get $h)
              (select (i64.xor (local.get $x) (i64.shr_u (local.get $x) (i64.const 31))) (i64.const 0) (local.get $a))))))
        (local.set $x (i64.xor (local.get $key) (i64.extend_i32_u (local.get $b))))
        (local.set $x (i64.mul (i64.xor (local.get $x) (i64.shr_u (local.get $x) (i64.const 30))) (i64.const 0xbf58476d1ce4e5b9)))
        (local.set $x (i64.mul (i64.xor (local.get $x) (i64.shr_u (local.get $x) (i64.const 27))) (i64.const 0x94d049bb133111eb)))
        (local.set $x (select (i64.xor (local.get $x) (i64.shr_u (local.get $x) (i64.const 31))) (i64.const 0) (local.get $b)))
        (i32.store offset=32800 (local.get $e) (local.get $b))
        (i64.store offset=32808 (local.get $e) (local.get $x))
        (local.set $h (i64.xor (local.get $h) (local.get $x)))
        (if (local.get $back)
          (then (i32.store offset=8224 (i32.shl (local.get $i) (i32.const 2)) (local.get $b))))
        (local.set $q (i32.add (local.get $q) (i32.const 8)))
        (br $pairs)))
    (i32.store (i32.const 8) (i32.xor (local.get $hi) (i32.wrap_i64 (i64.shr_u (local.get $h) (i64.const 32)))))
    (i32.store (i32.const 12) (i32.xor (local.get $lo) (i32.wrap_i64 (local.get $h))))
    (local.get $fresh))

  ;; The search queue's decoding (queue.ts, PackedQueue.shift; the record's format is record.ts's,
  ;; decoded as applyRecord does): the record at $window + $off applied onto the parent buffer
  ;; (which holds the state it was encoded against), and for each word it changes what `update`
  ;; does with the pair (position, value before), written out in the same loop (the pairs'
  ;; store at $changed and reload, and the call, cost about 150 instructions a state on
  ;; ack-flush): (hi, lo) the fingerprint before, $flags `update`'s flags, the fingerprint after
  ;; written at bytes 8 and 12, `update`'s result at byte 16. Returns the record's length in bytes. Gaps and values are
  ;; varints of 7 bits a byte; as in applyRecord, a shift past bit 31 wraps (i32.shl takes its
  ;; count mod 32, as JavaScript's << does), which a value's fifth byte never needs.
  (func (export "shift") (param $off i32) (param $hi i32) (param $lo i32) (param $flags i32) (result i32)
    (local $p i32) (local $k i32) (local $i i32) (local $b i32) (local $v i32)
    (local $sh i32) (local $a i32) (local $wp i32) (local $e i32) (local $mp i32) (local $fresh i32)
    (local $marking i32) (local $back i32) (local $h i64) (local $key i64) (local $x i64)
    (local.set $marking (i32.and (local.get $flags) (i32.const 1)))
    (local.set $back (i32.and (local.get $flags) (i32.const 2)))
    (local.set $p (i32.add (global.get $window) (local.get $off)))
    (local.set $k (i32.load16_u (local.get $p)))
    (local.set $p (i32.add (local.get $p) (i32.const 2)))
    (block $done
      (loop $pairs
        (br_if $done (i32.eqz (local.get $k)))
        ;; the gap
        (local.set $b (i32.load8_u (local.get $p)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (local.set $v (i32.and (local.get $b) (i32.const 0x7f)))
        ;; a one-byte varint (most) without entering the loop
        (if (i32.and (local.get $b) (i32.const 0x80))
          (then
            (local.set $sh (i32.const 7))
            (block $gapDone
              (loop $gapMore
                (br_if $gapDone (i32.eqz (i32.and (local.get $b) (i32.const 0x80))))
                (local.set $b (i32.load8_u (local.get $p)))
                (local.set $p (i32.add (local.get $p) (i32.const 1)))
                (local.set $v (i32.or (local.get $v) (i32.shl (i32.and (local.get $b) (i32.const 0x7f)) (local.get $sh))))
                (local.set $sh (i32.add (local.get $sh) (i32.const 7)))
                (br $gapMore)))))
        (local.set $i (i32.add (local.get $i) (local.get $v)))
        ;; the XOR of the word's values
        (local.set $b (i32.load8_u (local.get $p)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (local.set $v (i32.and (local.get $b) (i32.const 0x7f)))
        ;; a one- or two-byte varint (most: the values' low bits change) without entering the loop
        (if (i32.and (local.get $b) (i32.const 0x80))
          (then
            (local.set $b (i32.load8_u (local.get $p)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (local.set $v (i32.or (local.get $v) (i32.shl (i32.and (local.get $b) (i32.const 0x7f)) (i32.const 7))))
            (if (i32.and (local.get $b) (i32.const 0x80))
              (then
                (local.set $sh (i32.const 14))
                (block $xDone
                  (loop $xMore
                    (br_if $xDone (i32.eqz (i32.and (local.get $b) (i32.const 0x80))))
                    (local.set $b (i32.load8_u (local.get $p)))
                    (local.set $p (i32.add (local.get $p) (i32.const 1)))
                    (local.set $v (i32.or (local.get $v) (i32.shl (i32.and (local.get $b) (i32.const 0x7f)) (local.get $sh))))
                    (local.set $sh (i32.add (local.get $sh) (i32.const 7)))
                    (br $xMore)))))))
        ;; The word: a before, b after; then what `update` does with the pair (i, a), here
        ;; (written out: the pairs' store and reload, and the call, cost more).
        (local.set $wp (i32.shl (local.get $i) (i32.const 2)))
        (local.set $a (i32.load offset=32 (local.get $wp)))
        (local.set $b (i32.xor (local.get $a) (local.get $v)))
        (i32.store offset=32 (local.get $wp) (local.get $b))
        (if (local.get $marking)
          (then
            (local.set $mp (i32.add (global.get $mark) (local.get $i)))
            (if (i32.eqz (i32.load8_u (local.get $mp)))
              (then
                (i32.store8 (local.get $mp) (i32.const 1))
                (local.set $fresh (i32.add (local.get $fresh) (i32.const 1)))))))
        (local.set $key (i64.xor (i64.shl (i64.extend_i32_u (local.get $i)) (i64.const 32)) (i64.const 0x9e3779b97f4a7c15)))
        (local.set $e (i32.shl (local.get $i) (i32.const 4)))
        (if (i32.eq (i32.load offset=32800 (local.get $e)) (local.get $a))
          (then (local.set $h (i64.xor (local.get $h) (i64.load offset=32808 (local.get $e)))))
          (else
            (local.set $x (i64.xor (local.get $key) (i64.extend_i32_u (local.get $a))))
            (local.set $x (i64.mul (i64.xor (local.get $x) (i64.shr_u (local.get $x) (i64.const 30))) (i64.const 0xbf58476d1ce4e5b9)))
            (local.set $x (i64.mul (i64.xor (local.get $x) (i64.shr_u (local.get $x) (i64.const 27))) (i64.const 0x94d049bb133111eb)))
            (local.set $h (i64.xor (local.get $h)
              (select (i64.xor (local.get $x) (i64.shr_u (local.get $x) (i64.const 31))) (i64.const 0) (local.get $a))))))
        (local.set $x (i64.xor (local.get $key) (i64.extend_i32_u (local.get $b))))
        (local.set $x (i64.mul (i64.xor (local.get $x) (i64.shr_u (local.get $x) (i64.const 30))) (i64.const 0xbf58476d1ce4e5b9)))
        (local.set $x (i64.mul (i64.xor (local.get $x) (i64.shr_u (local.get $x) (i64.const 27))) (i64.const 0x94d049bb133111eb)))
        (local.set $x (select (i64.xor (local.get $x) (i64.shr_u (local.get $x) (i64.const 31))) (i64.const 0) (local.get $b)))
        (i32.store offset=32800 (local.get $e) (local.get $b))
        (i64.store offset=32808 (local.get $e) (local.get $x))
        (local.set $h (i64.xor (local.get $h) (local.get $x)))
        (if (local.get $back)
          (then (i32.store offset=8224 (i32.shl (local.get $i) (i32.const 2)) (local.get $b))))
        (local.set $k (i32.sub (local.get $k) (i32.const 1)))
        (br $pairs)))
    (i32.store (i32.const 8) (i32.xor (local.get $hi) (i32.wrap_i64 (i64.shr_u (local.get $h) (i64.const 32)))))
    (i32.store (i32.const 12) (i32.xor (local.get $lo) (i32.wrap_i64 (local.get $h))))
    (i32.store (i32.const 16) (local.get $fresh))
    (i32.sub (local.get $p) (i32.add (global.get $window) (local.get $off))))

  ;; The search queue's record of a successor (queue.ts, PackedQueue.pushChild; the record's
  ;; format is record.ts's): the child buffer's words against $lastIn (the state queued last),
  ;; written at $rec + $at; returns its length in bytes. With $full, over every word (a comparison
  ;; eight words a test, as in `step`), and the marks cleared; else over the words marked in
  ;; $mark (a byte a word: every word where $lastIn can differ from the child is marked) and
  ;; the step's own (diff, $n of them), sixteen marks a test, clearing them. $lastIn takes the
  ;; child's words where they differed; then the step's words are marked (where $lastIn now
  ;; differs from the parent). The same bytes as record.ts's encodeRecord. With $redo 1, the child
  ;; buffer holds the parent (`step` with $restore): the child's words are put back from save
  ;; first (as the step's words are marked), and the parent's again as they are marked at the end.
  ;; With $redo 2, the child buffer holds the child (`step` without $restore, the parent kept in
  ;; it between successors): the parent's words go back as they are marked at the end.
  (func $varint (param $o i32) (param $v i32) (result i32)
    (block $done
      (loop $more
        (br_if $done (i32.lt_u (local.get $v) (i32.const 0x80)))
        (i32.store8 (local.get $o) (i32.or (i32.and (local.get $v) (i32.const 0x7f)) (i32.const 0x80)))
        (local.set $o (i32.add (local.get $o) (i32.const 1)))
        (local.set $v (i32.shr_u (local.get $v) (i32.const 7)))
        (br $more)))
    (i32.store8 (local.get $o) (local.get $v))
    (i32.add (local.get $o) (i32.const 1)))

  (func (export "pushChild") (param $len i32) (param $n i32) (param $full i32) (param $redo i32) (param $at i32) (result i32)
    (local $r i32) (local $o i32) (local $k i32) (local $prev i32) (local $j i32) (local $end i32) (local $m i32)
    (local $i i32) (local $a i32) (local $c i32) (local $x i32) (local $q i32) (local $g i32)
    (local $x0 v128) (local $x1 v128) (local $v v128)
    (if (i32.and (i32.eq (local.get $redo) (i32.const 1)) (local.get $full))
      (then
        (block $redone
          (loop $redoing
            (br_if $redone (i32.ge_u (local.get $j) (local.get $n)))
            (i32.store offset=8224
              (i32.shl (i32.load offset=16416 (i32.shl (local.get $j) (i32.const 2))) (i32.const 2))
              (i32.load offset=24608 (i32.shl (local.get $j) (i32.const 2))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $redoing)))
        (local.set $j (i32.const 0))))
    (local.set $r (i32.add (global.get $rec) (local.get $at)))
    (local.set $o (i32.add (local.get $r) (i32.const 2)))
    (if (local.get $full)
      (then
        (local.set $end (i32.and (local.get $len) (i32.const -8)))
        (block $done
          (loop $eights
            (br_if $done (i32.ge_u (local.get $j) (local.get $end)))
            (local.set $x0
              (i32x4.ne
                (v128.load offset=8224 (i32.shl (local.get $j) (i32.const 2)))
                (v128.load (i32.add (global.get $lastIn) (i32.shl (local.get $j) (i32.const 2))))))
            (local.set $x1
              (i32x4.ne
                (v128.load offset=8240 (i32.shl (local.get $j) (i32.const 2)))
                (v128.load offset=16 (i32.add (global.get $lastIn) (i32.shl (local.get $j) (i32.const 2))))))
            (if (v128.any_true (v128.or (local.get $x0) (local.get $x1)))
              (then
                (local.set $m
                  (i32.or (i32x4.bitmask (local.get $x0)) (i32.shl (i32x4.bitmask (local.get $x1)) (i32.const 4))))
                (loop $bits
                  (local.set $i (i32.add (local.get $j) (i32.ctz (local.get $m))))
                  (local.set $a (i32.add (global.get $lastIn) (i32.shl (local.get $i) (i32.const 2))))
                  (local.set $c (i32.load offset=8224 (i32.shl (local.get $i) (i32.const 2))))
                  (local.set $x (i32.xor (local.get $c) (i32.load (local.get $a))))
                  (i32.store (local.get $a) (local.get $c))
                  (local.set $o (call $varint (local.get $o) (i32.sub (local.get $i) (local.get $prev))))
                  ;; The XOR's varint written here (a call of $varint cost about 20 instructions more).
                  (block $xWritten
                    (loop $xBytes
                      (br_if $xWritten (i32.lt_u (local.get $x) (i32.const 0x80)))
                      (i32.store8 (local.get $o) (i32.or (local.get $x) (i32.const 0x80)))
                      (local.set $o (i32.add (local.get $o) (i32.const 1)))
                      (local.set $x (i32.shr_u (local.get $x) (i32.const 7)))
                      (br $xBytes)))
                  (i32.store8 (local.get $o) (local.get $x))
                  (local.set $o (i32.add (local.get $o) (i32.const 1)))
                  (local.set $prev (local.get $i))
                  (local.set $k (i32.add (local.get $k) (i32.const 1)))
                  (local.set $m (i32.and (local.get $m) (i32.sub (local.get $m) (i32.const 1))))
                  (br_if $bits (local.get $m)))))
            (local.set $j (i32.add (local.get $j) (i32.const 8)))
            (br $eights)))
        (block $tail_done
          (loop $tail
            (br_if $tail_done (i32.ge_u (local.get $j) (local.get $len)))
            (local.set $a (i32.add (global.get $lastIn) (i32.shl (local.get $j) (i32.const 2))))
            (local.set $c (i32.load offset=8224 (i32.shl (local.get $j) (i32.const 2))))
            (local.set $x (i32.xor (local.get $c) (i32.load (local.get $a))))
            (if (local.get $x)
              (then
                (i32.store (local.get $a) (local.get $c))
                (local.set $o (call $varint (local.get $o) (i32.sub (local.get $j) (local.get $prev))))
                ;; The XOR's varint written here (a call of $varint cost about 20 instructions more).
                (block $xWritten
                  (loop $xBytes
                    (br_if $xWritten (i32.lt_u (local.get $x) (i32.const 0x80)))
                    (i32.store8 (local.get $o) (i32.or (local.get $x) (i32.const 0x80)))
                    (local.set $o (i32.add (local.get $o) (i32.const 1)))
                    (local.set $x (i32.shr_u (local.get $x) (i32.const 7)))
                    (br $xBytes)))
                (i32.store8 (local.get $o) (local.get $x))
                (local.set $o (i32.add (local.get $o) (i32.const 1)))
                (local.set $prev (local.get $j))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $tail)))
        (local.set $q (global.get $mark))
        (block $cleared
          (loop $clear
            (br_if $cleared (i32.ge_u (local.get $q) (global.get $markEnd)))
            (v128.store (local.get $q) (v128.const i64x2 0 0))
            (local.set $q (i32.add (local.get $q) (i32.const 16)))
            (br $clear))))
      (else
        (local.set $j (i32.const 0))
        (block $marked
          (loop $marks
            (br_if $marked (i32.ge_u (local.get $j) (local.get $n)))
            (local.set $i (i32.load offset=16416 (i32.shl (local.get $j) (i32.const 2))))
            (i32.store8 (i32.add (global.get $mark) (local.get $i)) (i32.const 1))
            (if (i32.eq (local.get $redo) (i32.const 1))
              (then
                (i32.store offset=8224 (i32.shl (local.get $i) (i32.const 2))
                  (i32.load offset=24608 (i32.shl (local.get $j) (i32.const 2))))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $marks)))
        (local.set $q (global.get $mark))
        (block $scanned
          (loop $scan
            (br_if $scanned (i32.ge_u (local.get $q) (global.get $markEnd)))
            (local.set $v (v128.load (local.get $q)))
            (if (v128.any_true (local.get $v))
              (then
                (v128.store (local.get $q) (v128.const i64x2 0 0))
                (local.set $m (i8x16.bitmask (i8x16.ne (local.get $v) (v128.const i64x2 0 0))))
                (loop $bits
                  (local.set $i (i32.add (i32.sub (local.get $q) (global.get $mark)) (i32.ctz (local.get $m))))
                  (local.set $a (i32.add (global.get $lastIn) (i32.shl (local.get $i) (i32.const 2))))
                  (local.set $c (i32.load offset=8224 (i32.shl (local.get $i) (i32.const 2))))
                  (local.set $x (i32.xor (local.get $c) (i32.load (local.get $a))))
                  (if (local.get $x)
                    (then
                      (i32.store (local.get $a) (local.get $c))
                      ;; The gap from the previous word takes one byte but for the rarest records.
                      (local.set $g (i32.sub (local.get $i) (local.get $prev)))
                      (if (i32.lt_u (local.get $g) (i32.const 0x80))
                        (then
                          (i32.store8 (local.get $o) (local.get $g))
                          (local.set $o (i32.add (local.get $o) (i32.const 1))))
                        (else (local.set $o (call $varint (local.get $o) (local.get $g)))))
                      ;; The XOR's varint written here (a call of $varint cost about 20 instructions more),
                      ;; its first two bytes without entering the loop (most take one or two).
                      (if (i32.ge_u (local.get $x) (i32.const 0x80))
                        (then
                          (i32.store8 (local.get $o) (i32.or (local.get $x) (i32.const 0x80)))
                          (local.set $o (i32.add (local.get $o) (i32.const 1)))
                          (local.set $x (i32.shr_u (local.get $x) (i32.const 7)))
                          (if (i32.ge_u (local.get $x) (i32.const 0x80))
                            (then
                              (block $xWritten
                                (loop $xBytes
                                  (br_if $xWritten (i32.lt_u (local.get $x) (i32.const 0x80)))
                                  (i32.store8 (local.get $o) (i32.or (local.get $x) (i32.const 0x80)))
                                  (local.set $o (i32.add (local.get $o) (i32.const 1)))
                                  (local.set $x (i32.shr_u (local.get $x) (i32.const 7)))
                                  (br $xBytes)))))))
                      (i32.store8 (local.get $o) (local.get $x))
                      (local.set $o (i32.add (local.get $o) (i32.const 1)))
                      (local.set $prev (local.get $i))
                      (local.set $k (i32.add (local.get $k) (i32.const 1)))))
                  (local.set $m (i32.and (local.get $m) (i32.sub (local.get $m) (i32.const 1))))
                  (br_if $bits (local.get $m)))))
            (local.set $q (i32.add (local.get $q) (i32.const 16)))
            (br $scan)))))
    ;; $lastIn now differs from the parent exactly at the step's words: mark them.
    (local.set $j (i32.const 0))
    (block $marked2
      (loop $marks2
        (br_if $marked2 (i32.ge_u (local.get $j) (local.get $n)))
        (local.set $i (i32.load offset=16416 (i32.shl (local.get $j) (i32.const 2))))
        (i32.store8 (i32.add (global.get $mark) (local.get $i)) (i32.const 1))
        ;; With $redo, the child buffer takes the parent's word back.
        (if (local.get $redo)
          (then
            (i32.store offset=8224 (i32.shl (local.get $i) (i32.const 2))
              (i32.load offset=32 (i32.shl (local.get $i) (i32.const 2))))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $marks2)))
    (i32.store16 (local.get $r) (local.get $k))
    (i32.sub (local.get $o) (local.get $r)))
)
