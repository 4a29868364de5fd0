;; The lifecycle moves of one step, read from two PopModel states held in a WebAssembly memory
;; (the explorer's kernel memory, imported: Model.useMemory). model/lifecycles.ts's
;; `checkMoves` is the reference: `$movesAll` makes the same projections with the same skips, in
;; the same order, and differs only in what it returns; the export `moves` answers the common
;; step (messages of unchanged CKs move, nothing else) as $movesAll would, and calls $movesAll
;; for every other. It does not know the legality tables:
;; it returns the distinct moves the step makes, and lifecycles.ts (`LifecycleCheck.legal`)
;; looks each up in the compiled tables with the step's event bit. A step is legal when every
;; move it makes is, so the set of distinct moves decides it.
;;
;; Result: 0 when nothing moves; otherwise up to three distinct move ids, one a byte (bits 0-7,
;; 8-15, 16-23, unused bytes zero); -1 when there are more than three distinct moves or when a
;; count word is outside the layout (the caller then runs checkMoves itself). A message move
;; from code f to code t has id 1 + f * 11 + t, a CK move 128 + f * 8 + t.
;;
;; The layout's field offsets and flags (model/layout.ts) and the lifecycle codes
;; (lifecycles.ts: MESSAGE_STATES' and CK_STATES' positions, `unexpected` after them) are
;; written here as constants, as load offsets in bytes (word × 4): V8 folds those into each
;; load, where a global is loaded at every use. The module imports every one of them as well,
;; and $start traps when one differs from the constant written here, so an instance never runs
;; with a layout it was not written for (lifecycles.ts then throws: update the constants below).
;; The Layout's own numbers (c0, log0, ckSlots, entries) are imported. Reading a word is one
;; load (no map, bounds or detach check per element as for a typed array in V8:
;; docs/explorer.md, "Counting instructions").
;;
;; Constants (bytes): CK record C.ORIGIN 0, NUM 12, FLAGS 28, BITS 32, ACKED 48, ACK_WRITTEN 56,
;; RETRIED 60, CHANGED 80, REVIVE_UNACKED 88, RETRY_PENDING 92, C.SIZE 112; flags CF.IN_BUFFER 1,
;; CK_STORED 8, DONE_IN_MEMORY 16, REVIVED 32, LOST 128 (messageCode reads 49 = REVIVED |
;; DONE_IN_MEMORY | IN_BUFFER, ckCode 185 = those and LOST, CK_STORED; 176 = REVIVED |
;; DONE_IN_MEMORY | LOST decide the CK state by themselves); entry E.KIND 0, CK 4, E.SIZE 24;
;; globals G.NCK 8, NLOG 12, NTIMER 16; KIND.CK 1; ORIGIN.MOCK 4. Message codes: available 0,
;; inFlight 1, ackBuffered 2, ackStored 3, ackLost 4, changed 5, reviving 6, done 7, retried 8,
;; dropped 9, unexpected 10 (11 codes); CK codes: none 0, buffered 1, stored 2, delivered 3,
;; doneInMemory 4, lost 5, revived 6, unexpected 7 (8 codes).
(module
  (import "env" "memory" (memory 0))
  (import "L" "c0" (global $c0 i32))
  (import "L" "log0" (global $log0 i32))
  (import "L" "ckSlots" (global $ckSlots i32))
  (import "L" "entries" (global $entries i32))
  ;; The constants written below, imported to be checked ($start).
  (import "C" "ORIGIN" (global $C_ORIGIN i32))
  (import "C" "NUM" (global $C_NUM i32))
  (import "C" "FLAGS" (global $C_FLAGS i32))
  (import "C" "BITS" (global $C_BITS i32))
  (import "C" "ACKED" (global $C_ACKED i32))
  (import "C" "ACK_WRITTEN" (global $C_ACK_WRITTEN i32))
  (import "C" "RETRIED" (global $C_RETRIED i32))
  (import "C" "CHANGED" (global $C_CHANGED i32))
  (import "C" "REVIVE_UNACKED" (global $C_REVIVE_UNACKED i32))
  (import "C" "RETRY_PENDING" (global $C_RETRY_PENDING i32))
  (import "C" "SIZE" (global $C_SIZE i32))
  (import "CF" "IN_BUFFER" (global $CF_IN_BUFFER i32))
  (import "CF" "CK_STORED" (global $CF_CK_STORED i32))
  (import "CF" "DONE_IN_MEMORY" (global $CF_DONE_IN_MEMORY i32))
  (import "CF" "REVIVED" (global $CF_REVIVED i32))
  (import "CF" "LOST" (global $CF_LOST i32))
  (import "E" "KIND" (global $E_KIND i32))
  (import "E" "CK" (global $E_CK i32))
  (import "E" "SIZE" (global $E_SIZE i32))
  (import "G" "NCK" (global $G_NCK i32))
  (import "G" "NLOG" (global $G_NLOG i32))
  (import "G" "NTIMER" (global $G_NTIMER i32))
  (import "KIND" "CK" (global $KIND_CK i32))
  (import "ORIGIN" "MOCK" (global $ORIGIN_MOCK i32))
  (import "M" "AVAILABLE" (global $M_AVAILABLE i32))
  (import "M" "IN_FLIGHT" (global $M_IN_FLIGHT i32))
  (import "M" "ACK_BUFFERED" (global $M_ACK_BUFFERED i32))
  (import "M" "ACK_STORED" (global $M_ACK_STORED i32))
  (import "M" "ACK_LOST" (global $M_ACK_LOST i32))
  (import "M" "CHANGED" (global $M_CHANGED i32))
  (import "M" "REVIVING" (global $M_REVIVING i32))
  (import "M" "DONE" (global $M_DONE i32))
  (import "M" "RETRIED" (global $M_RETRIED i32))
  (import "M" "DROPPED" (global $M_DROPPED i32))
  (import "M" "UNEXPECTED" (global $M_UNEXPECTED i32))
  (import "M" "S" (global $M_S i32))
  (import "K" "NONE" (global $K_NONE i32))
  (import "K" "BUFFERED" (global $K_BUFFERED i32))
  (import "K" "STORED" (global $K_STORED i32))
  (import "K" "DELIVERED" (global $K_DELIVERED i32))
  (import "K" "DONE_IN_MEMORY" (global $K_DONE_IN_MEMORY i32))
  (import "K" "LOST" (global $K_LOST i32))
  (import "K" "REVIVED" (global $K_REVIVED i32))
  (import "K" "UNEXPECTED" (global $K_UNEXPECTED i32))
  (import "K" "S" (global $K_S i32))

  ;; Traps (instantiation fails) when an imported constant differs from the one written in this text.
  (func $start (local $bad i32)
    (local.set $bad (i32.or (local.get $bad) (i32.ne (global.get $C_ORIGIN) (i32.const 0))))
    (local.set $bad (i32.or (local.get $bad) (i32.ne (global.get $C_NUM) (i32.const 3))))
    (local.set $bad (i32.or (local.get $bad) (i32.ne (global.get $C_FLAGS) (i32.const 7))))
    (local.set $bad (i32.or (local.get $bad) (i32.ne (global.get $C_BITS) (i32.const 8))))
    (local.set $bad (i32.or (local.get $bad) (i32.ne (global.get $C_ACKED) (i32.const 12))))
    (local.set $bad (i32.or (local.get $bad) (i32.ne (global.get $C_ACK_WRITTEN) (i32.const 14))))
    (local.set $bad (i32.or (local.get $bad) (i32.ne (global.get $C_RETRIED) (i32.const 15))))
    (local.set $bad (i32.or (local.get $bad) (i32.ne (global.get $C_CHANGED) (i32.const 20))))
    (local.set $bad (i32.or (local.get $bad) (i32.ne (global.get $C_REVIVE_UNACKED) (i32.const 22))))
    (local.set $bad (i32.or (local.get $bad) (i32.ne (global.get $C_RETRY_PENDING) (i32.const 23))))
    (local.set $bad (i32.or (local.get $bad) (i32.ne (global.get $C_SIZE) (i32.const 28))))
    (local.set $bad (i32.or (local.get $bad) (i32.ne (global.get $CF_IN_BUFFER) (i32.const 1))))
    (local.set $bad (i32.or (local.get $bad) (i32.ne (global.get $CF_CK_STORED) (i32.const 8))))
    (local.set $bad (i32.or (local.get $bad) (i32.ne (global.get $CF_DONE_IN_MEMORY) (i32.const 16))))
    (local.set $bad (i32.or (local.get $bad) (i32.ne (global.get $CF_REVIVED) (i32.const 32))))
    (local.set $bad (i32.or (local.get $bad) (i32.ne (global.get $CF_LOST) (i32.const 128))))
    (local.set $bad (i32.or (local.get $bad) (i32.ne (global.get $E_KIND) (i32.const 0))))
    (local.set $bad (i32.or (local.get $bad) (i32.ne (global.get $E_CK) (i32.const 1))))
    (local.set $bad (i32.or (local.get $bad) (i32.ne (global.get $E_SIZE) (i32.const 6))))
    (local.set $bad (i32.or (local.get $bad) (i32.ne (global.get $G_NCK) (i32.const 2))))
    (local.set $bad (i32.or (local.get $bad) (i32.ne (global.get $G_NLOG) (i32.const 3))))
    (local.set $bad (i32.or (local.get $bad) (i32.ne (global.get $G_NTIMER) (i32.const 4))))
    (local.set $bad (i32.or (local.get $bad) (i32.ne (global.get $KIND_CK) (i32.const 1))))
    (local.set $bad (i32.or (local.get $bad) (i32.ne (global.get $ORIGIN_MOCK) (i32.const 4))))
    (local.set $bad (i32.or (local.get $bad) (i32.ne (global.get $M_AVAILABLE) (i32.const 0))))
    (local.set $bad (i32.or (local.get $bad) (i32.ne (global.get $M_IN_FLIGHT) (i32.const 1))))
    (local.set $bad (i32.or (local.get $bad) (i32.ne (global.get $M_ACK_BUFFERED) (i32.const 2))))
    (local.set $bad (i32.or (local.get $bad) (i32.ne (global.get $M_ACK_STORED) (i32.const 3))))
    (local.set $bad (i32.or (local.get $bad) (i32.ne (global.get $M_ACK_LOST) (i32.const 4))))
    (local.set $bad (i32.or (local.get $bad) (i32.ne (global.get $M_CHANGED) (i32.const 5))))
    (local.set $bad (i32.or (local.get $bad) (i32.ne (global.get $M_REVIVING) (i32.const 6))))
    (local.set $bad (i32.or (local.get $bad) (i32.ne (global.get $M_DONE) (i32.const 7))))
    (local.set $bad (i32.or (local.get $bad) (i32.ne (global.get $M_RETRIED) (i32.const 8))))
    (local.set $bad (i32.or (local.get $bad) (i32.ne (global.get $M_DROPPED) (i32.const 9))))
    (local.set $bad (i32.or (local.get $bad) (i32.ne (global.get $M_UNEXPECTED) (i32.const 10))))
    (local.set $bad (i32.or (local.get $bad) (i32.ne (global.get $M_S) (i32.const 11))))
    (local.set $bad (i32.or (local.get $bad) (i32.ne (global.get $K_NONE) (i32.const 0))))
    (local.set $bad (i32.or (local.get $bad) (i32.ne (global.get $K_BUFFERED) (i32.const 1))))
    (local.set $bad (i32.or (local.get $bad) (i32.ne (global.get $K_STORED) (i32.const 2))))
    (local.set $bad (i32.or (local.get $bad) (i32.ne (global.get $K_DELIVERED) (i32.const 3))))
    (local.set $bad (i32.or (local.get $bad) (i32.ne (global.get $K_DONE_IN_MEMORY) (i32.const 4))))
    (local.set $bad (i32.or (local.get $bad) (i32.ne (global.get $K_LOST) (i32.const 5))))
    (local.set $bad (i32.or (local.get $bad) (i32.ne (global.get $K_REVIVED) (i32.const 6))))
    (local.set $bad (i32.or (local.get $bad) (i32.ne (global.get $K_UNEXPECTED) (i32.const 7))))
    (local.set $bad (i32.or (local.get $bad) (i32.ne (global.get $K_S) (i32.const 8))))
    (if (local.get $bad) (then (unreachable))))
  (start $start)

  ;; lifecycles.ts ckCodeOf (with ckEntryWhereOf and ckCode): the CK state of slot $k, record at
  ;; byte $cb, flags $f, in the state at byte $p whose entries start at byte $first; its entry
  ;; is looked up only when the flags do not decide.
  (func $ckCodeOf (param $p i32) (param $first i32) (param $k i32) (param $cb i32) (param $f i32) (result i32)
    (local $where i32) (local $split i32) (local $e i32)
    ;; addCkMock's offset-only wrapper is no CK.
    (if (i32.eq (i32.load (local.get $cb)) (i32.const 4)) (then (return (i32.const 0)))) ;; ORIGIN MOCK: none
    (if (i32.and (local.get $f) (i32.const 32)) (then (return (i32.const 6)))) ;; REVIVED: revived
    (if (i32.and (local.get $f) (i32.const 16)) (then (return (i32.const 4)))) ;; DONE_IN_MEMORY: doneInMemory
    (if (i32.and (local.get $f) (i32.const 128)) (then (return (i32.const 5)))) ;; LOST: lost
    ;; ckEntryWhereOf: 2 in the revive queue, 1 in the timer, 0 neither; the last entry decides.
    (if (i32.lt_s (local.get $k) (global.get $ckSlots))
      (then
        (local.set $split (i32.add (local.get $first) (i32.mul (i32.load offset=12 (local.get $p)) (i32.const 24))))
        (local.set $e
          (i32.add (local.get $first)
            (i32.mul
              (i32.sub (i32.add (i32.load offset=12 (local.get $p)) (i32.load offset=16 (local.get $p))) (i32.const 1))
              (i32.const 24))))
        (block $found
          (loop $back
            (br_if $found (i32.lt_s (local.get $e) (local.get $first)))
            (if (i32.and
                  (i32.eq (i32.load (local.get $e)) (i32.const 1)) ;; KIND.CK
                  (i32.eq (i32.load offset=4 (local.get $e)) (local.get $k)))
              (then
                (local.set $where (select (i32.const 2) (i32.const 1) (i32.lt_s (local.get $e) (local.get $split))))
                (br $found)))
            (local.set $e (i32.sub (local.get $e) (i32.const 24)))
            (br $back)))))
    ;; ckCode with the flags that decide excluded above.
    (if (i32.eq (local.get $where) (i32.const 2)) (then (return (i32.const 3)))) ;; delivered
    (if (i32.eq (local.get $where) (i32.const 1)) (then (return (i32.const 2)))) ;; stored
    (if (i32.eq (i32.and (local.get $f) (i32.const 9)) (i32.const 1)) ;; IN_BUFFER and not CK_STORED
      (then (return (i32.const 1)))) ;; buffered
    (i32.const 7)) ;; unexpected

  ;; lifecycles.ts sameCkEntries: do the states at bytes $pb and $pa (entries from $firstB and
  ;; $firstA) hold the same CK entries, in the same order, each on the same side, with the same
  ;; slots (ACK entries skipped)?
  (func $sameCkEntries (param $pb i32) (param $pa i32) (param $firstB i32) (param $firstA i32) (result i32)
    (local $eb i32) (local $ea i32) (local $splitB i32) (local $splitA i32) (local $endB i32) (local $endA i32)
    (local.set $eb (local.get $firstB))
    (local.set $ea (local.get $firstA))
    (local.set $splitB (i32.add (local.get $eb) (i32.mul (i32.load offset=12 (local.get $pb)) (i32.const 24))))
    (local.set $endB
      (i32.add (local.get $eb)
        (i32.mul (i32.add (i32.load offset=12 (local.get $pb)) (i32.load offset=16 (local.get $pb))) (i32.const 24))))
    (local.set $splitA (i32.add (local.get $ea) (i32.mul (i32.load offset=12 (local.get $pa)) (i32.const 24))))
    (local.set $endA
      (i32.add (local.get $ea)
        (i32.mul (i32.add (i32.load offset=12 (local.get $pa)) (i32.load offset=16 (local.get $pa))) (i32.const 24))))
    (loop $next
      (block $foundB
        (loop $skipB
          (br_if $foundB (i32.ge_u (local.get $eb) (local.get $endB)))
          (br_if $foundB (i32.eq (i32.load (local.get $eb)) (i32.const 1))) ;; KIND.CK
          (local.set $eb (i32.add (local.get $eb) (i32.const 24)))
          (br $skipB)))
      (block $foundA
        (loop $skipA
          (br_if $foundA (i32.ge_u (local.get $ea) (local.get $endA)))
          (br_if $foundA (i32.eq (i32.load (local.get $ea)) (i32.const 1))) ;; KIND.CK
          (local.set $ea (i32.add (local.get $ea) (i32.const 24)))
          (br $skipA)))
      (if (i32.or (i32.eq (local.get $eb) (local.get $endB)) (i32.eq (local.get $ea) (local.get $endA)))
        (then (return (i32.and (i32.eq (local.get $eb) (local.get $endB)) (i32.eq (local.get $ea) (local.get $endA))))))
      (if (i32.ne (i32.load offset=4 (local.get $eb)) (i32.load offset=4 (local.get $ea))) (then (return (i32.const 0))))
      (if (i32.ne (i32.lt_u (local.get $eb) (local.get $splitB)) (i32.lt_u (local.get $ea) (local.get $splitA)))
        (then (return (i32.const 0))))
      (local.set $eb (i32.add (local.get $eb) (i32.const 24)))
      (local.set $ea (i32.add (local.get $ea) (i32.const 24)))
      (br $next))
    (unreachable))

  ;; lifecycles.ts sameRecord over a CK record: are the 112 bytes (C.SIZE words) at $b and $a equal?
  (func $sameRecord (param $b i32) (param $a i32) (result i32)
    (v128.any_true
      (v128.or
        (v128.or
          (v128.or (v128.xor (v128.load (local.get $b)) (v128.load (local.get $a)))
                   (v128.xor (v128.load offset=16 (local.get $b)) (v128.load offset=16 (local.get $a))))
          (v128.or (v128.xor (v128.load offset=32 (local.get $b)) (v128.load offset=32 (local.get $a)))
                   (v128.xor (v128.load offset=48 (local.get $b)) (v128.load offset=48 (local.get $a)))))
        (v128.or
          (v128.or (v128.xor (v128.load offset=64 (local.get $b)) (v128.load offset=64 (local.get $a)))
                   (v128.xor (v128.load offset=80 (local.get $b)) (v128.load offset=80 (local.get $a))))
          (v128.xor (v128.load offset=96 (local.get $b)) (v128.load offset=96 (local.get $a))))))
    (i32.eqz))

  ;; The moves of the step from the state at byte $pb to the state at byte $pa (see the top):
  ;; checkMoves, line for line, with every legality test replaced by noting the move.
  ;; $parts: what the explorer knows of what the step changed (lifecycles.ts, lifecycleParts):
  ;; bit 0 clear, the queue lengths and every entry's kind and slot are equal on both sides (so
  ;; are the CK entries: sameCkEntries is 1); bit 1 + k clear (bit 31 for every k >= 30), CK
  ;; slot k's record is (no message of it moves, and the CK only as below); a set bit says
  ;; nothing; -1 knows nothing. The moves returned are the same whatever $parts is, when it is
  ;; right: it only spares reading what did not change. `moves` (below) answers the common step
  ;; itself and leaves every other to this function.
  (func $movesAll (param $pb i32) (param $pa i32) (param $parts i32) (result i32)
    (local $nb i32) (local $na i32) (local $nlogB i32) (local $ntimerB i32) (local $nlogA i32) (local $ntimerA i32)
    (local $firstB i32) (local $firstA i32)
    (local $queuesMoved i32) (local $same i32) (local $k i32) (local $cb i32) (local $ca i32)
    (local $fb i32) (local $fa i32) (local $ckFrom i32) (local $ckTo i32) (local $changed i32) (local $project i32)
    (local $num i32) (local $bit i32) (local $from i32) (local $to i32) (local $id i32)
    (local $ms i32) (local $kbit i32) (local $ob i32) (local $oa i32) (local $x v128)
    (local.set $nb (i32.load offset=8 (local.get $pb))) ;; G.NCK
    (local.set $na (i32.load offset=8 (local.get $pa)))
    (if (i32.le_s (local.get $na) (i32.const 0)) (then (return (i32.const 0))))
    (local.set $nlogB (i32.load offset=12 (local.get $pb))) ;; G.NLOG
    (local.set $ntimerB (i32.load offset=16 (local.get $pb))) ;; G.NTIMER
    (local.set $nlogA (i32.load offset=12 (local.get $pa)))
    (local.set $ntimerA (i32.load offset=16 (local.get $pa)))
    ;; Counts outside the layout (never in a state the model builds): checkMoves decides. (One
    ;; branch a test: V8 computes an OR of comparisons as flags moved into registers.)
    (block $inside
      (block $outside
        (br_if $outside (i32.gt_u (local.get $nb) (global.get $ckSlots))) ;; also below 0
        (br_if $outside (i32.gt_u (local.get $na) (global.get $ckSlots)))
        (br_if $outside (i32.gt_u (local.get $nlogB) (global.get $entries)))
        (br_if $outside (i32.gt_u (local.get $ntimerB) (i32.sub (global.get $entries) (local.get $nlogB))))
        (br_if $outside (i32.gt_u (local.get $nlogA) (global.get $entries)))
        (br_if $inside (i32.le_u (local.get $ntimerA) (i32.sub (global.get $entries) (local.get $nlogA)))))
      (return (i32.const -1)))
    (local.set $queuesMoved
      (i32.or (i32.ne (local.get $nlogB) (local.get $nlogA)) (i32.ne (local.get $ntimerB) (local.get $ntimerA))))
    ;; The CK entries are the same when part 0 did not change (queuesMoved is then 0 as well).
    (local.set $same (select (i32.const -1) (i32.const 1) (i32.and (local.get $parts) (i32.const 1))))
    (local.set $firstB (i32.add (local.get $pb) (i32.shl (global.get $log0) (i32.const 2))))
    (local.set $firstA (i32.add (local.get $pa) (i32.shl (global.get $log0) (i32.const 2))))
    (local.set $cb (i32.add (local.get $pb) (i32.shl (global.get $c0) (i32.const 2))))
    (local.set $ca (i32.add (local.get $pa) (i32.shl (global.get $c0) (i32.const 2))))
    ;; Part 1 + k's bit (bit 31 for every k >= 30).
    (local.set $kbit (i32.const 2))
    ;; Each loop tests at its end (V8 checks the stack at a loop's head: once an iteration).
    ;; $na > 0 here.
    (loop $cks
       (block $next
        (local.set $fa (i32.load offset=28 (local.get $ca))) ;; C.FLAGS
        (local.set $ckFrom (i32.const 0))
        (local.set $ckTo (i32.const 0))
        (if (i32.lt_s (local.get $k) (local.get $nb))
          (then
            (local.set $fb (i32.load offset=28 (local.get $cb)))
            ;; A record the step did not change (its part's bit clear): the same flags, origin and
            ;; masks, so no message of it moves, and checkMoves projects the CK only when its
            ;; flags do not decide, the CK entries differ and the queue lengths moved.
            (if (i32.eqz
                  (i32.and (local.get $parts) (local.get $kbit)))
              (then
                (br_if $next (i32.eqz (local.get $queuesMoved)))
                (br_if $next (i32.and (local.get $fb) (i32.const 176)))
                (if (i32.lt_s (local.get $same) (i32.const 0))
                  (then
                    (local.set $same
                      (call $sameCkEntries (local.get $pb) (local.get $pa) (local.get $firstB) (local.get $firstA)))))
                (br_if $next (local.get $same))
                (local.set $ckFrom
                  (call $ckCodeOf (local.get $pb) (local.get $firstB) (local.get $k) (local.get $cb) (local.get $fb)))
                (local.set $ckTo
                  (call $ckCodeOf (local.get $pa) (local.get $firstA) (local.get $k) (local.get $ca) (local.get $fa)))
                (br_if $next (i32.eq (local.get $ckFrom) (local.get $ckTo)))
                (local.set $id (i32.add (i32.const 128) (i32.add (i32.shl (local.get $ckFrom) (i32.const 3)) (local.get $ckTo))))
                (block $noted
                  (if (i32.eqz (local.get $ms)) (then (local.set $ms (local.get $id)) (br $noted)))
                  (br_if $noted (i32.eq (local.get $id) (i32.and (local.get $ms) (i32.const 255))))
                  (br_if $noted (i32.eq (local.get $id) (i32.and (i32.shr_u (local.get $ms) (i32.const 8)) (i32.const 255))))
                  (br_if $noted (i32.eq (local.get $id) (i32.shr_u (local.get $ms) (i32.const 16))))
                  (if (i32.eqz (i32.and (local.get $ms) (i32.const 0xff00)))
                    (then (local.set $ms (i32.or (local.get $ms) (i32.shl (local.get $id) (i32.const 8)))) (br $noted)))
                  (if (i32.eqz (i32.shr_u (local.get $ms) (i32.const 16)))
                    (then (local.set $ms (i32.or (local.get $ms) (i32.shl (local.get $id) (i32.const 16)))) (br $noted)))
                  (return (i32.const -1)))
                (br $next)))
            ;; The CK's state reads its CK flags (185), whether its origin is a mock, and where its CK entry is.
            (block $decided
              (local.set $project (i32.const 1))
              (br_if $decided (i32.and (i32.xor (local.get $fb) (local.get $fa)) (i32.const 185)))
              ;; (Equal origins are both a mock or neither.)
              (local.set $ob (i32.load (local.get $cb)))
              (local.set $oa (i32.load (local.get $ca)))
              (if (i32.ne (local.get $ob) (local.get $oa))
                (then (br_if $decided (i32.ne (i32.eq (local.get $ob) (i32.const 4)) (i32.eq (local.get $oa) (i32.const 4))))))
              (local.set $project (i32.const 0))
              ;; With equal flags that decide by themselves (176), where the entry is is not read.
              (br_if $decided (i32.and (local.get $fb) (i32.const 176)))
              (if (i32.lt_s (local.get $same) (i32.const 0))
                (then
                  (local.set $same
                    (call $sameCkEntries (local.get $pb) (local.get $pa) (local.get $firstB) (local.get $firstA)))))
              (br_if $decided (local.get $same))
              (local.set $project
                (i32.or (local.get $queuesMoved) (i32.eqz (call $sameRecord (local.get $cb) (local.get $ca))))))
            (if (local.get $project)
              (then
                (local.set $ckFrom
                  (call $ckCodeOf (local.get $pb) (local.get $firstB) (local.get $k) (local.get $cb) (local.get $fb)))
                (local.set $ckTo
                  (call $ckCodeOf (local.get $pa) (local.get $firstA) (local.get $k) (local.get $ca) (local.get $fa)))))
            ;; messageBitsChanged unless a flag messageCode reads (49) differs.
            (local.set $changed
              (if (result i32) (i32.and (i32.xor (local.get $fb) (local.get $fa)) (i32.const 49))
                (then (i32.const -1))
                (else
                  ;; Sixteen bytes at a time: bytes 48-63 hold ACKED, ACKED_IN_TIME, ACK_WRITTEN and
                  ;; RETRIED, bytes 80-95 CHANGED, word 21, REVIVE_UNACKED and RETRY_PENDING; the
                  ;; second lane of each (not read by messageCode) is left out of the OR below.
                  (local.set $x
                    (v128.or
                      (v128.xor (v128.load offset=48 (local.get $cb)) (v128.load offset=48 (local.get $ca)))
                      (v128.xor (v128.load offset=80 (local.get $cb)) (v128.load offset=80 (local.get $ca)))))
                  (i32.or
                    (i32.or (i32x4.extract_lane 0 (local.get $x)) (i32x4.extract_lane 2 (local.get $x)))
                    (i32.or
                      (i32x4.extract_lane 3 (local.get $x))
                      (i32.xor (i32.load offset=32 (local.get $cb)) (i32.load offset=32 (local.get $ca))))))))) ;; BITS
          (else
            (local.set $ckTo
              (call $ckCodeOf (local.get $pa) (local.get $firstA) (local.get $k) (local.get $ca) (local.get $fa)))
            (local.set $changed (i32.const -1))))
        (if (i32.ne (local.get $ckFrom) (local.get $ckTo))
          (then
            (local.set $id (i32.add (i32.const 128) (i32.add (i32.shl (local.get $ckFrom) (i32.const 3)) (local.get $ckTo))))
            (block $noted
              (if (i32.eqz (local.get $ms)) (then (local.set $ms (local.get $id)) (br $noted)))
              (br_if $noted (i32.eq (local.get $id) (i32.and (local.get $ms) (i32.const 255))))
              (br_if $noted (i32.eq (local.get $id) (i32.and (i32.shr_u (local.get $ms) (i32.const 8)) (i32.const 255))))
              (br_if $noted (i32.eq (local.get $id) (i32.shr_u (local.get $ms) (i32.const 16))))
              (if (i32.eqz (i32.and (local.get $ms) (i32.const 0xff00)))
                (then (local.set $ms (i32.or (local.get $ms) (i32.shl (local.get $id) (i32.const 8)))) (br $noted)))
              (if (i32.eqz (i32.shr_u (local.get $ms) (i32.const 16)))
                (then (local.set $ms (i32.or (local.get $ms) (i32.shl (local.get $id) (i32.const 16)))) (br $noted)))
              (return (i32.const -1)))))
        (if (local.get $changed)
          (then
            ;; The indices i < NUM whose bit is in $changed (checkMoves' loop takes bit i mod 32
            ;; for each i < NUM: with NUM of 32 or more, every bit).
            (local.set $num (i32.load offset=12 (local.get $ca))) ;; C.NUM
            (if (i32.le_s (local.get $num) (i32.const 0))
              (then (local.set $changed (i32.const 0)))
              (else
                (if (i32.lt_s (local.get $num) (i32.const 32))
                  (then
                    (local.set $changed
                      (i32.and (local.get $changed) (i32.sub (i32.shl (i32.const 1) (local.get $num)) (i32.const 1))))))))
            (if (local.get $changed)
              (then
              (loop $messages
                (local.set $bit (i32.and (local.get $changed) (i32.sub (i32.const 0) (local.get $changed))))
                (local.set $changed (i32.xor (local.get $changed) (local.get $bit)))
                ;; lifecycles.ts messageCode, written out for each side (before: record $cb, flags
                ;; $fb; after: $ca, $fa): the message state of the index whose bit is $bit. Two calls
                ;; of a function of it cost about 50 instructions more a moved message (docs/explorer.md,
                ;; "The model's work per transition, a fourth round"). Its tests, in order: RETRIED:
                ;; retried 8; REVIVED: RETRY_PENDING reviving 6, CHANGED changed 5, REVIVE_UNACKED
                ;; dropped 9, else done 7; CHANGED: changed 5; ACKED: DONE_IN_MEMORY done 7,
                ;; ACK_WRITTEN ackStored 3, BITS and IN_BUFFER ackBuffered 2, else ackLost 4;
                ;; DONE_IN_MEMORY: unexpected 10; else inFlight 1.
                (local.set $from
                  (if (result i32) (i32.lt_s (local.get $k) (local.get $nb))
                    (then (block $codeB (result i32)
                    (if (i32.and (i32.load offset=60 (local.get $cb)) (local.get $bit)) (then (br $codeB (i32.const 8))))
                    (if (i32.and (local.get $fb) (i32.const 32))
                      (then
                        (if (i32.and (i32.load offset=92 (local.get $cb)) (local.get $bit)) (then (br $codeB (i32.const 6))))
                        (if (i32.and (i32.load offset=80 (local.get $cb)) (local.get $bit)) (then (br $codeB (i32.const 5))))
                        (if (i32.and (i32.load offset=88 (local.get $cb)) (local.get $bit)) (then (br $codeB (i32.const 9))))
                        (br $codeB (i32.const 7))))
                    (if (i32.and (i32.load offset=80 (local.get $cb)) (local.get $bit)) (then (br $codeB (i32.const 5))))
                    (if (i32.and (i32.load offset=48 (local.get $cb)) (local.get $bit))
                      (then
                        (if (i32.and (local.get $fb) (i32.const 16)) (then (br $codeB (i32.const 7))))
                        (if (i32.and (i32.load offset=56 (local.get $cb)) (local.get $bit)) (then (br $codeB (i32.const 3))))
                        (if (i32.and
                              (i32.ne (i32.and (i32.load offset=32 (local.get $cb)) (local.get $bit)) (i32.const 0))
                              (i32.ne (i32.and (local.get $fb) (i32.const 1)) (i32.const 0)))
                          (then (br $codeB (i32.const 2))))
                        (br $codeB (i32.const 4))))
                    (if (i32.and (local.get $fb) (i32.const 16)) (then (br $codeB (i32.const 10))))
                    (i32.const 1)))
                    (else (i32.const 0)))) ;; available
                (local.set $to (block $codeA (result i32)
                    (if (i32.and (i32.load offset=60 (local.get $ca)) (local.get $bit)) (then (br $codeA (i32.const 8))))
                    (if (i32.and (local.get $fa) (i32.const 32))
                      (then
                        (if (i32.and (i32.load offset=92 (local.get $ca)) (local.get $bit)) (then (br $codeA (i32.const 6))))
                        (if (i32.and (i32.load offset=80 (local.get $ca)) (local.get $bit)) (then (br $codeA (i32.const 5))))
                        (if (i32.and (i32.load offset=88 (local.get $ca)) (local.get $bit)) (then (br $codeA (i32.const 9))))
                        (br $codeA (i32.const 7))))
                    (if (i32.and (i32.load offset=80 (local.get $ca)) (local.get $bit)) (then (br $codeA (i32.const 5))))
                    (if (i32.and (i32.load offset=48 (local.get $ca)) (local.get $bit))
                      (then
                        (if (i32.and (local.get $fa) (i32.const 16)) (then (br $codeA (i32.const 7))))
                        (if (i32.and (i32.load offset=56 (local.get $ca)) (local.get $bit)) (then (br $codeA (i32.const 3))))
                        (if (i32.and
                              (i32.ne (i32.and (i32.load offset=32 (local.get $ca)) (local.get $bit)) (i32.const 0))
                              (i32.ne (i32.and (local.get $fa) (i32.const 1)) (i32.const 0)))
                          (then (br $codeA (i32.const 2))))
                        (br $codeA (i32.const 4))))
                    (if (i32.and (local.get $fa) (i32.const 16)) (then (br $codeA (i32.const 10))))
                    (i32.const 1)))
                (if (i32.ne (local.get $from) (local.get $to))
                  (then
                    (local.set $id (i32.add (i32.const 1) (i32.add (i32.mul (local.get $from) (i32.const 11)) (local.get $to))))
                    (block $noted
                      (if (i32.eqz (local.get $ms)) (then (local.set $ms (local.get $id)) (br $noted)))
                      (br_if $noted (i32.eq (local.get $id) (i32.and (local.get $ms) (i32.const 255))))
                      (br_if $noted (i32.eq (local.get $id) (i32.and (i32.shr_u (local.get $ms) (i32.const 8)) (i32.const 255))))
                      (br_if $noted (i32.eq (local.get $id) (i32.shr_u (local.get $ms) (i32.const 16))))
                      (if (i32.eqz (i32.and (local.get $ms) (i32.const 0xff00)))
                        (then (local.set $ms (i32.or (local.get $ms) (i32.shl (local.get $id) (i32.const 8)))) (br $noted)))
                      (if (i32.eqz (i32.shr_u (local.get $ms) (i32.const 16)))
                        (then (local.set $ms (i32.or (local.get $ms) (i32.shl (local.get $id) (i32.const 16)))) (br $noted)))
                      (return (i32.const -1)))))
                (br_if $messages (local.get $changed)))))))
       ) ;; $next
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (local.set $kbit (i32.or (i32.shl (local.get $kbit) (i32.const 1)) (i32.and (local.get $kbit) (i32.const 0x80000000))))
        (local.set $cb (i32.add (local.get $cb) (i32.const 112))) ;; C.SIZE
        (local.set $ca (i32.add (local.get $ca) (i32.const 112)))
        (br_if $cks (i32.lt_s (local.get $k) (local.get $na))))
    (local.get $ms))

  ;; The moves of the step from the state at byte $pb to the state at byte $pa (see the top), with
  ;; what the explorer knows of what it changed ($parts, as $movesAll reads it). The common step
  ;; (part 0 clear: the queue lengths and the entries as they were; no new CK; no CK whose flags
  ;; that decide its state or whose origin changed) moves messages only: those are found here,
  ;; as $movesAll finds them, in a loop that calls nothing (V8 then keeps its values in
  ;; registers, where around a call it stores them on the stack at every iteration). Any other
  ;; step is $movesAll's from the start: the answer is $movesAll's either way.
  (func (export "moves") (param $pb i32) (param $pa i32) (param $parts i32) (result i32)
    (local $nb i32) (local $na i32) (local $nlog i32) (local $k i32) (local $kbit i32) (local $cb i32) (local $ca i32)
    (local $fb i32) (local $fa i32) (local $ob i32) (local $oa i32) (local $changed i32) (local $num i32)
    (local $bit i32) (local $from i32) (local $to i32) (local $id i32) (local $ms i32) (local $x v128)
    (local.set $nb (i32.load offset=8 (local.get $pb))) ;; G.NCK
    (local.set $na (i32.load offset=8 (local.get $pa)))
    (if (i32.le_s (local.get $na) (i32.const 0)) (then (return (i32.const 0))))
    (block $common
      ;; Part 0 may have changed: the CK entries may differ.
      (br_if $common (i32.and (local.get $parts) (i32.const 1)))
      ;; $movesAll's bounds (with part 0 clear G.NLOG and G.NTIMER are the same on both sides).
      (br_if $common (i32.gt_u (local.get $nb) (global.get $ckSlots))) ;; also below 0
      (br_if $common (i32.gt_u (local.get $na) (global.get $ckSlots)))
      (local.set $nlog (i32.load offset=12 (local.get $pb))) ;; G.NLOG
      (br_if $common (i32.gt_u (local.get $nlog) (global.get $entries)))
      (br_if $common (i32.gt_u (i32.load offset=16 (local.get $pb)) (i32.sub (global.get $entries) (local.get $nlog)))) ;; G.NTIMER
      (local.set $cb (i32.add (local.get $pb) (i32.shl (global.get $c0) (i32.const 2))))
      (local.set $ca (i32.add (local.get $pa) (i32.shl (global.get $c0) (i32.const 2))))
      (local.set $kbit (i32.const 2)) ;; part 1 + k's bit (bit 31 for every k >= 30)
      ;; $na > 0: the loop tests at its end.
      (loop $cks
        (block $next
          ;; A new CK: its state is projected ($movesAll).
          (br_if $common (i32.ge_s (local.get $k) (local.get $nb)))
          ;; A record the step did not change, with the queue lengths unchanged: nothing moves.
          (br_if $next (i32.eqz (i32.and (local.get $parts) (local.get $kbit))))
          (local.set $fb (i32.load offset=28 (local.get $cb))) ;; C.FLAGS
          (local.set $fa (i32.load offset=28 (local.get $ca)))
          ;; Flags that decide the CK's state differ (185), or its origin is a mock on one side
          ;; only: the CK is projected ($movesAll). Otherwise, with the entries the same, it is not.
          (br_if $common (i32.and (i32.xor (local.get $fb) (local.get $fa)) (i32.const 185)))
          (local.set $ob (i32.load (local.get $cb))) ;; C.ORIGIN
          (local.set $oa (i32.load (local.get $ca)))
          (if (i32.ne (local.get $ob) (local.get $oa))
            (then (br_if $common (i32.ne (i32.eq (local.get $ob) (i32.const 4)) (i32.eq (local.get $oa) (i32.const 4))))))
          ;; From here as in $movesAll: the indices whose masks (or flags, 49) differ.
          (local.set $changed
            (if (result i32) (i32.and (i32.xor (local.get $fb) (local.get $fa)) (i32.const 49))
              (then (i32.const -1))
              (else
                (local.set $x
                  (v128.or
                    (v128.xor (v128.load offset=48 (local.get $cb)) (v128.load offset=48 (local.get $ca)))
                    (v128.xor (v128.load offset=80 (local.get $cb)) (v128.load offset=80 (local.get $ca)))))
                (i32.or
                  (i32.or (i32x4.extract_lane 0 (local.get $x)) (i32x4.extract_lane 2 (local.get $x)))
                  (i32.or
                    (i32x4.extract_lane 3 (local.get $x))
                    (i32.xor (i32.load offset=32 (local.get $cb)) (i32.load offset=32 (local.get $ca)))))))) ;; BITS
          (br_if $next (i32.eqz (local.get $changed)))
          (local.set $num (i32.load offset=12 (local.get $ca))) ;; C.NUM
          (if (i32.lt_u (local.get $num) (i32.const 32))
            (then
              ;; 0 <= NUM < 32 (NUM = 0: no index).
              (local.set $changed
                (i32.and (local.get $changed) (i32.sub (i32.shl (i32.const 1) (local.get $num)) (i32.const 1)))))
            (else
              ;; NUM < 0: no index; NUM >= 32: every bit.
              (br_if $next (i32.lt_s (local.get $num) (i32.const 0)))))
          (br_if $next (i32.eqz (local.get $changed)))
          (loop $messages
            (local.set $bit (i32.and (local.get $changed) (i32.sub (i32.const 0) (local.get $changed))))
            (local.set $changed (i32.xor (local.get $changed) (local.get $bit)))
            ;; messageCode before and after, as in $movesAll (k < $nb here: the CK was there before).
            (local.set $from (block $codeB (result i32)
                (if (i32.and (i32.load offset=60 (local.get $cb)) (local.get $bit)) (then (br $codeB (i32.const 8))))
                (if (i32.and (local.get $fb) (i32.const 32))
                  (then
                    (if (i32.and (i32.load offset=92 (local.get $cb)) (local.get $bit)) (then (br $codeB (i32.const 6))))
                    (if (i32.and (i32.load offset=80 (local.get $cb)) (local.get $bit)) (then (br $codeB (i32.const 5))))
                    (if (i32.and (i32.load offset=88 (local.get $cb)) (local.get $bit)) (then (br $codeB (i32.const 9))))
                    (br $codeB (i32.const 7))))
                (if (i32.and (i32.load offset=80 (local.get $cb)) (local.get $bit)) (then (br $codeB (i32.const 5))))
                (if (i32.and (i32.load offset=48 (local.get $cb)) (local.get $bit))
                  (then
                    (if (i32.and (local.get $fb) (i32.const 16)) (then (br $codeB (i32.const 7))))
                    (if (i32.and (i32.load offset=56 (local.get $cb)) (local.get $bit)) (then (br $codeB (i32.const 3))))
                    (if (i32.and
                          (i32.ne (i32.and (i32.load offset=32 (local.get $cb)) (local.get $bit)) (i32.const 0))
                          (i32.ne (i32.and (local.get $fb) (i32.const 1)) (i32.const 0)))
                      (then (br $codeB (i32.const 2))))
                    (br $codeB (i32.const 4))))
                (if (i32.and (local.get $fb) (i32.const 16)) (then (br $codeB (i32.const 10))))
                (i32.const 1)))
            (local.set $to (block $codeA (result i32)
                (if (i32.and (i32.load offset=60 (local.get $ca)) (local.get $bit)) (then (br $codeA (i32.const 8))))
                (if (i32.and (local.get $fa) (i32.const 32))
                  (then
                    (if (i32.and (i32.load offset=92 (local.get $ca)) (local.get $bit)) (then (br $codeA (i32.const 6))))
                    (if (i32.and (i32.load offset=80 (local.get $ca)) (local.get $bit)) (then (br $codeA (i32.const 5))))
                    (if (i32.and (i32.load offset=88 (local.get $ca)) (local.get $bit)) (then (br $codeA (i32.const 9))))
                    (br $codeA (i32.const 7))))
                (if (i32.and (i32.load offset=80 (local.get $ca)) (local.get $bit)) (then (br $codeA (i32.const 5))))
                (if (i32.and (i32.load offset=48 (local.get $ca)) (local.get $bit))
                  (then
                    (if (i32.and (local.get $fa) (i32.const 16)) (then (br $codeA (i32.const 7))))
                    (if (i32.and (i32.load offset=56 (local.get $ca)) (local.get $bit)) (then (br $codeA (i32.const 3))))
                    (if (i32.and
                          (i32.ne (i32.and (i32.load offset=32 (local.get $ca)) (local.get $bit)) (i32.const 0))
                          (i32.ne (i32.and (local.get $fa) (i32.const 1)) (i32.const 0)))
                      (then (br $codeA (i32.const 2))))
                    (br $codeA (i32.const 4))))
                (if (i32.and (local.get $fa) (i32.const 16)) (then (br $codeA (i32.const 10))))
                (i32.const 1)))
            (if (i32.ne (local.get $from) (local.get $to))
              (then
                (local.set $id (i32.add (i32.const 1) (i32.add (i32.mul (local.get $from) (i32.const 11)) (local.get $to))))
                (block $noted
                  (if (i32.eqz (local.get $ms)) (then (local.set $ms (local.get $id)) (br $noted)))
                  (br_if $noted (i32.eq (local.get $id) (i32.and (local.get $ms) (i32.const 255))))
                  (br_if $noted (i32.eq (local.get $id) (i32.and (i32.shr_u (local.get $ms) (i32.const 8)) (i32.const 255))))
                  (br_if $noted (i32.eq (local.get $id) (i32.shr_u (local.get $ms) (i32.const 16))))
                  (if (i32.eqz (i32.and (local.get $ms) (i32.const 0xff00)))
                    (then (local.set $ms (i32.or (local.get $ms) (i32.shl (local.get $id) (i32.const 8)))) (br $noted)))
                  (if (i32.eqz (i32.shr_u (local.get $ms) (i32.const 16)))
                    (then (local.set $ms (i32.or (local.get $ms) (i32.shl (local.get $id) (i32.const 16)))) (br $noted)))
                  (return (i32.const -1)))))
            (br_if $messages (local.get $changed))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (local.set $kbit (i32.or (i32.shl (local.get $kbit) (i32.const 1)) (i32.and (local.get $kbit) (i32.const 0x80000000))))
        (local.set $cb (i32.add (local.get $cb) (i32.const 112))) ;; C.SIZE
        (local.set $ca (i32.add (local.get $ca) (i32.const 112)))
        (br_if $cks (i32.lt_s (local.get $k) (local.get $na))))
      (return (local.get $ms)))
    (call $movesAll (local.get $pb) (local.get $pa) (local.get $parts)))

  ;; Whether the $bytes bytes (a multiple of 4) at $a and at $b are equal: the `full` scenario's
  ;; test whether a dry run changed anything (states in the memory: LifecycleCheck.sameWords).
  ;; Sixteen bytes a test, then four.
  (func (export "same") (param $a i32) (param $b i32) (param $bytes i32) (result i32)
    (local $i i32) (local $end i32)
    (local.set $end (i32.and (local.get $bytes) (i32.const -16)))
    (block $done16
      (loop $sixteens
        (br_if $done16 (i32.ge_u (local.get $i) (local.get $end)))
        (if (v128.any_true
              (v128.xor (v128.load (i32.add (local.get $a) (local.get $i))) (v128.load (i32.add (local.get $b) (local.get $i)))))
          (then (return (i32.const 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $sixteens)))
    (block $done
      (loop $fours
        (br_if $done (i32.ge_u (local.get $i) (local.get $bytes)))
        (if (i32.ne (i32.load (i32.add (local.get $a) (local.get $i))) (i32.load (i32.add (local.get $b) (local.get $i))))
          (then (return (i32.const 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $fours)))
    (i32.const 1))
)
