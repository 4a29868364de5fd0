/*
 * ack-flush (apache/rocketmq#8835) in Promela: the same bounded scenario as
 * `popcheck check --scenario ack-flush`, for a side-by-side with SPIN.
 *
 * One pop of N messages (offsets 100..100+N-1, bit i = offset 100+i) creates a
 * checkpoint CK held in PopBufferMergeService's in-memory buffer. Then, in every
 * order, each message is acked once (one process per message) and the buffer is
 * flushed once (one process), so SPIN explores all (N+1)! orders. Afterwards the
 * timer delivers the revive topic (the CK's slot T-1s before the ACKs' slot T) and
 * PopReviveService matches ACKs to the CK and sends every unmatched offset to the
 * retry topic.
 *
 * Parameters (spin's C preprocessor):
 *   -DN=k          messages in the pop, 1..32 (default 3)
 *   -DREL=531      RocketMQ 5.3.1 (default): buffered AckMsg without brokerName,
 *                  the revive keys on brokerName, no blank-name fallback (#8835)
 *   -DREL=532      RocketMQ 5.3.2: buffered AckMsg carries brokerName (#8836), and
 *                  the revive keys a blank brokerName as the local broker (#8981)
 *   -DBATCH        enablePopBatchAck: the flush writes one BatchAckMsg for all
 *                  buffered acks; its brokerName is unset in both releases
 *
 * Property (assert): acked-never-retried, no offset acked by the client is
 * written to the retry topic.
 *
 * Abstraction shared with popcheck: consecutive AckMsg messages with the same
 * kind and brokerName are kept as one revive-topic entry whose mask holds all
 * their offsets. The revive matches each ACK on its own, so the order inside
 * such a run cannot be observed.
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

/* the mask of all N messages (an int is 32 bits; N = 32 is every bit) */
#if N == 32
#define ALL (~0)
#else
#define ALL ((1 << N) - 1)
#endif

mtype = { CK, ACK, BACK };   /* revive-topic message kinds: CK, AckMsg, BatchAckMsg */
#define NULL_BN  0           /* brokerName not set */
#define BROKER_A 1           /* the local broker, the CK's brokerName */

typedef Msg {
  mtype kind;
  byte  bn;                  /* brokerName */
  int   mask                 /* offsets (bits) an ACK/BatchAck acknowledges */
};

/* the CK's buffer wrapper */
bool inBuffer = true;        /* the CK is still in the buffer (not flushed) */
int  bits = 0;               /* acks merged into the buffered CK */

/* the revive topic, in write order; every write happens before the timer runs */
Msg  topic[3];
byte ntopic = 0;

/* what the client did (ghost state for the property) */
int  acked = 0;

/* the timer's delivery into the revive queue, read by PopReviveService */
chan reviveQueue = [3] of { mtype, byte, int };
bool delivered = false;

/* Write a message to the revive topic; an AckMsg joins an AckMsg run before it. */
inline write(k, b, m) {
  if
  :: ntopic > 0 && k == ACK && topic[ntopic - 1].kind == ACK && topic[ntopic - 1].bn == b ->
     topic[ntopic - 1].mask = topic[ntopic - 1].mask | m
  :: else ->
     topic[ntopic].kind = k; topic[ntopic].bn = b; topic[ntopic].mask = m;
     ntopic++
  fi
}

/* The client acks message _pid (AckMessageProcessor.appendAck); Ack is the first
   proctype, so its N instances have _pid 0..N-1. */
active [N] proctype Ack() {
  d_step {
    if
    :: inBuffer -> bits = bits | (1 << _pid)       /* addAk merges it into the CK */
    :: else -> write(ACK, BROKER_A, 1 << _pid)      /* AckMsg from the receipt handle */
    fi;
    acked = acked | (1 << _pid)
  }
}

/* The one buffer flush (PopBufferMergeService.scan after popCkStayBufferTime). */
active proctype Flush() {
  d_step {
    if
    :: bits == ALL -> skip                          /* ck done: dropped, never written */
    :: else ->
       write(CK, BROKER_A, 0);                      /* putCkToStore, deliver T-1s */
       if
       :: bits == 0 -> skip
#ifdef BATCH
       :: else -> write(BACK, (BUFFER_BATCH_ACK_OMITS_BROKER_NAME -> NULL_BN : BROKER_A), bits)
#else
       :: else -> write(ACK, (BUFFER_ACK_OMITS_BROKER_NAME -> NULL_BN : BROKER_A), bits)
#endif
       fi
    fi;
    inBuffer = false;
    bits = 0                                        /* the wrapper leaves the buffer */
  }
}

/* TimerMessageStore: slot T-1s (the CK) first, then slot T (the ACKs), FIFO per slot. */
active proctype Timer() {
  byte i;
  atomic {
    acked == ALL && !inBuffer;
    for (i : 0 .. ntopic - 1) {
      if
      :: topic[i].kind == CK -> reviveQueue!topic[i].kind, topic[i].bn, topic[i].mask
      :: else -> skip
      fi
    }
    for (i : 0 .. ntopic - 1) {
      if
      :: topic[i].kind != CK -> reviveQueue!topic[i].kind, topic[i].bn, topic[i].mask
      :: else -> skip
      fi
    }
    delivered = true
  }
}

/* PopReviveService: read the queue in order, match ACKs to the CK, retry the rest. */
active proctype Revive() {
  mtype kind;
  byte bn, ckBn;
  int mask, bitMap = 0, retried = 0;
  bool haveCk = false;
  atomic {
    delivered;
    do
    :: reviveQueue?kind, bn, mask ->
       if
       :: kind == CK -> haveCk = true; ckBn = bn; bitMap = 0
       :: else ->
          if
          :: REVIVE_BLANK_BROKER_NAME_FALLBACK && bn == NULL_BN -> bn = BROKER_A
          :: else -> skip
          fi;
          if
          :: haveCk && bn == ckBn -> bitMap = bitMap | mask   /* the merge keys agree */
          :: else -> skip                                     /* no CK under its key: dropped */
          fi
       fi
    :: empty(reviveQueue) -> break
    od;
    if
    :: haveCk -> retried = ALL & ~bitMap             /* unmatched offsets -> %RETRY% topic */
    :: else -> skip
    fi;
    assert((retried & acked) == 0)                   /* acked-never-retried */
  }
}
