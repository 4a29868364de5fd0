/*
 * ack-flush (apache/rocketmq#8835) in Promela, written for SPIN the way one would
 * write it by hand for the abstraction popcheck's `check --scenario ack-flush
 * --no-symmetry` explores, so that both tools search the same state space:
 *
 *   one process, one atomic step (d_step) per protocol event, and a state vector
 *   of two N-bit masks and a few flags.
 *
 * The scenario: one pop of N messages at 0 s (offsets 100..100+N-1; bit i is
 * offset 100+i) puts a checkpoint CK into PopBufferMergeService's in-memory
 * buffer. Each message is then acked exactly once, in any order, and the buffer is
 * flushed once (the scan at popCkStayBufferTime + 0.5 s = 10.5 s) at any point
 * among the acks:
 *   - an ack before the flush (at 1 s) is merged into the buffered CK (addAk);
 *   - the flush drops a CK whose every message is acked (nothing is written);
 *     otherwise it writes the CK (timer slot T-1 s) and, when some acks were merged,
 *     one AckMsg or BatchAckMsg holding them (slot T) to the revive topic;
 *   - an ack after the flush (at 10.5 s) is written directly as an AckMsg (slot T).
 * Once every message is acked and the buffer flushed, the timer delivers slot T-1 s
 * (the CK), then slot T (the acks), and PopReviveService revives the CK: it matches
 * each ACK to the CK by brokerName and sends every unmatched offset to the retry
 * topic. So each message ends held, acked-in-buffer or acked-after-flush, and the
 * state is (pc, buf, direct, flushed, tail): 1 + 2^N + 3^N + 3 (2^N - 1) states.
 *
 * Parameters (spin's C preprocessor):
 *   -DN=k          messages in the pop, 1..32 (default 3)
 *   -DREL=531      RocketMQ 5.3.1 (default): buffered AckMsg without brokerName,
 *                  the revive keys on brokerName, no blank-name fallback (#8835)
 *   -DREL=532      RocketMQ 5.3.2: buffered AckMsg carries brokerName (#8836), and
 *                  the revive keys a blank brokerName as the local broker (#8981)
 *   -DBATCH        enablePopBatchAck: the flush writes one BatchAckMsg for all
 *                  merged acks; its brokerName is unset in both releases
 *
 * Property (assert): acked-never-retried, no offset acked by the client is sent to
 * the retry topic.
 */

#ifndef N
#define N 3
#endif
#ifndef REL
#define REL 531
#endif

#if N < 1 || N > 32
#error "N must be 1..32"
#endif
#if REL != 531 && REL != 532
#error "REL must be 531 or 532"
#endif

/* the release's switches (names as in popcheck's model/versions.ts) */
#if REL == 531
#define BUFFER_ACK_OMITS_BROKER_NAME 1
#define REVIVE_BLANK_BROKER_NAME_FALLBACK 0
#else
#define BUFFER_ACK_OMITS_BROKER_NAME 0
#define REVIVE_BLANK_BROKER_NAME_FALLBACK 1
#endif
#define BUFFER_BATCH_ACK_OMITS_BROKER_NAME 1

#ifdef BATCH
#define FLUSHED_ACK_OMITS_BROKER_NAME BUFFER_BATCH_ACK_OMITS_BROKER_NAME
#else
#define FLUSHED_ACK_OMITS_BROKER_NAME BUFFER_ACK_OMITS_BROKER_NAME
#endif

/* The flushed acks' key is the CK's (brokerName set, or blank and read as the local broker). */
#define FLUSHED_ACKS_MATCH (!FLUSHED_ACK_OMITS_BROKER_NAME || REVIVE_BLANK_BROKER_NAME_FALLBACK)

/* the mask of all N messages (an int is 32 bits; N = 32 is every bit) */
#if N == 32
#define ALL (~0)
#else
#define ALL ((1 << N) - 1)
#endif

/* the tail after the acks and the flush */
#define ACKING    0   /* acks and the flush still to come */
#define CK_DUE    1   /* the timer delivered slot T-1 s: the CK is in the revive queue */
#define ACKS_DUE  2   /* the timer delivered slot T: the ACKs follow it */
#define REVIVED   3   /* PopReviveService revived the CK */

bool flushed;         /* the buffer was flushed (the CK left it) */
unsigned tail : 2;    /* ACKING .. REVIVED */
int  buf;             /* acked before the flush: merged into the buffered CK */
int  direct;          /* acked after the flush: an AckMsg written directly */

#define ACKED (buf | direct)
/* The flush wrote the CK (it drops a CK whose every message was acked in the buffer). */
#define CK_WRITTEN (buf != ALL)

/* The client acks message i (AckMessageProcessor). */
#define ACK(i) \
  :: d_step { \
       (ACKED & (1 << i)) == 0 -> \
       if \
       :: !flushed -> buf = buf | (1 << i)         /* addAk: merged into the buffered CK */ \
       :: else -> direct = direct | (1 << i)       /* AckMsg to the revive topic, slot T */ \
       fi \
     }

active proctype PopAckFlush() {
  /* The pop at 0 s puts the CK into the buffer: the first step, from the initial state. */
  d_step { skip };
end:
  do
  ACK(0)
#if N > 1
  ACK(1)
#endif
#if N > 2
  ACK(2)
#endif
#if N > 3
  ACK(3)
#endif
#if N > 4
  ACK(4)
#endif
#if N > 5
  ACK(5)
#endif
#if N > 6
  ACK(6)
#endif
#if N > 7
  ACK(7)
#endif
#if N > 8
  ACK(8)
#endif
#if N > 9
  ACK(9)
#endif
#if N > 10
  ACK(10)
#endif
#if N > 11
  ACK(11)
#endif
#if N > 12
  ACK(12)
#endif
#if N > 13
  ACK(13)
#endif
#if N > 14
  ACK(14)
#endif
#if N > 15
  ACK(15)
#endif
#if N > 16
  ACK(16)
#endif
#if N > 17
  ACK(17)
#endif
#if N > 18
  ACK(18)
#endif
#if N > 19
  ACK(19)
#endif
#if N > 20
  ACK(20)
#endif
#if N > 21
  ACK(21)
#endif
#if N > 22
  ACK(22)
#endif
#if N > 23
  ACK(23)
#endif
#if N > 24
  ACK(24)
#endif
#if N > 25
  ACK(25)
#endif
#if N > 26
  ACK(26)
#endif
#if N > 27
  ACK(27)
#endif
#if N > 28
  ACK(28)
#endif
#if N > 29
  ACK(29)
#endif
#if N > 30
  ACK(30)
#endif
#if N > 31
  ACK(31)
#endif
  /* The one buffer flush (PopBufferMergeService.scan after popCkStayBufferTime). */
  :: d_step { !flushed -> flushed = true }
  /* TimerMessageStore, once every message is acked: slot T-1 s (the CK) ... */
  :: d_step { tail == ACKING && flushed && ACKED == ALL && CK_WRITTEN -> tail = CK_DUE }
  /* ... then slot T (the buffered and the direct ACKs, in write order). */
  :: d_step { tail == CK_DUE -> tail = ACKS_DUE }
  /* PopReviveService: match each ACK to the CK by its key, retry every unmatched offset. */
  :: d_step {
       tail == ACKS_DUE ->
       tail = REVIVED;
#if FLUSHED_ACKS_MATCH
       assert((ALL & ~(direct | buf) & ACKED) == 0)   /* acked-never-retried */
#else
       assert((ALL & ~direct & ACKED) == 0)           /* the flushed acks' key is not the CK's */
#endif
     }
  od
}
