/**
 * The prose narration of an observation: the `Note` (actor, tag, text) that explain, the
 * CLI's text output and the JSON report's `notes` show. The tag is close to the pop.log
 * line the observation corresponds to.
 */
import { fmtTime as t } from './format.js';
import { TIMESTAMP_OFFSET } from './layout.js';
import { OBSERVATION_ACTOR, type AckMsgRef, type AddAkRefusal, type BatchAckMsgRef, type CkRef, type Observation, type ReviveMsg } from './observations.js';
import type { Note } from './protocol/context.js';

const REFUSAL_TEXT: Record<AddAkRefusal, string> = {
  bufferMergeDisabled: 'enablePopBufferMerge=false',
  notServing: 'buffer not serving',
  noCk: 'no ck',
  justOffset: 'ck just offset (already stored)',
  almostTimeout: 'almost timeout for revive',
  stayTooLong: 'stay too long',
};

const JUST_OFFSET_TEXT = { bufferMergeDisabled: 'enablePopBufferMerge=false', notServing: 'buffer not serving', almostTimeout: 'T too close' } as const;

function bn(b: string | null): string {
  return b ?? 'null';
}

export function fmtCkRef(ck: CkRef): string {
  const so = ck.startOffset === TIMESTAMP_OFFSET ? '<timestamp>' : String(ck.startOffset);
  return `CK{q=${ck.queueId}, so=${so}, n=${ck.num}, pt=${t(ck.popTime)}, it=${ck.invisibleTime / 1000}s, T=${t(ck.reviveTime)}, bn=${bn(ck.brokerName)}}`;
}

export function fmtAckMsgRef(a: AckMsgRef): string {
  return `AckMsg{ao=${a.ackOffset}, so=${a.startOffset}, q=${a.queueId}, pt=${t(a.popTime)}, bn=${bn(a.brokerName)}}`;
}

export function fmtBatchAckMsgRef(a: BatchAckMsgRef): string {
  return `BatchAckMsg{aol=[${a.ackOffsetList.join(', ')}], so=${a.startOffset}, q=${a.queueId}, pt=${t(a.popTime)}, bn=${bn(a.brokerName)}}`;
}

export function fmtReviveMsg(e: ReviveMsg): string {
  switch (e.type) {
    case 'ck':
      return `CK@${e.ck.startOffset} (bn=${bn(e.brokerName)})`;
    case 'ack':
      return e.acks.map(fmtAckMsgRef).join(', ');
    case 'batchAck':
      return fmtBatchAckMsgRef(e.ack);
  }
}

function entryBroker(e: Exclude<ReviveMsg, { type: 'ck' }>): string | null {
  return e.type === 'ack' ? (e.acks[0]?.brokerName ?? null) : e.ack.brokerName;
}

function fmtBitList(bits: readonly number[]): string {
  return `{${bits.join(',')}}`;
}

function directText(o: { direct: boolean; queueOffset: number | null }): string {
  return o.direct ? `; not in the future: straight to revive queue offset ${o.queueOffset}` : '';
}

function text(o: Observation): [tag: string, text: string] {
  switch (o.kind) {
    case 'tick':
      return ['tick', `time passes to ${t(o.to)}`];
    case 'produce':
      return ['produce', `a producer appends offset ${o.offset} to queue ${o.queueId} (storeTimestamp ${t(o.storeTimestamp)})`];
    case 'expire':
      return [
        'expire',
        `retention deletes offset ${o.offset} of queue ${o.queueId} from the commit log` +
          (o.minOffsetLags ? ' (the consume queue keeps its min offset until correctMinOffset)' : ''),
      ];
    case 'correctMinOffset':
      return ['correctMinOffset', `the consume queue of queue ${o.queueId} corrects its min offset from ${o.from} to ${o.to}`];
    case 'popInitialOffsetNull':
      return [
        'Pop initial offset, because store is no correct',
        `pop of queue ${o.queueId} at offset ${o.offset}: getMessage answers null (store not readable); consumer offset ${o.from} -> 0 committed, the read again answers null: no message`,
      ];
    case 'addCkMock':
      return [
        'add ck just offset, mocked',
        `pop of queue ${o.queueId} at offset ${o.startOffset}: every message up to the max offset was deleted (up to ${o.deletedUpTo - 1}; MESSAGE_WAS_REMOVING): addCkMock, offset queue += mock (num 0, nextBeginOffset ${o.nextBeginOffset})`,
      ];
    case 'storeReadable':
      return o.readable
        ? ['store readable', 'the store answers getMessage again']
        : ['message store is not readable', 'the store stops answering getMessage: it returns null (not readable, as in a start-up after a restart)'];
    case 'offsetTooSmall':
      return [
        'Pop initial offset, because store is no correct',
        `pop of queue ${o.queueId} at offset ${o.offset}: below the min offset ${o.minOffset} (OFFSET_TOO_SMALL); consumer offset committed to ${o.minOffset}, read again from there`,
      ];
    case 'pop': {
      const { ck } = o;
      return [
        'pop',
        `pop ${ck.num} msg(s) from queue ${ck.queueId}, offsets ${ck.startOffset}..${ck.startOffset + ck.num - 1}, popTime=${t(ck.popTime)}` +
          `${ck.popTime < o.at ? ` (sampled before the read at ${t(o.at)})` : ''}: ${fmtCkRef(ck)}`,
      ];
    }
    case 'addCk':
      return ['[PopBuffer]add ck', `addCk: CK kept in the buffer (rqo=-1, bits={}), offset queue += CK@${o.ck.startOffset}`];
    case 'addCkJustOffset':
      return [
        '[PopBuffer]add ck just offset',
        `addCkJustOffset (${JUST_OFFSET_TEXT[o.why]}): CK written to the revive topic (deliver ${t(o.deliverTimeMs)}), wrapper kept for the offset commit`,
      ];
    case 'mergeKeyConflict':
      return [
        '[PopBuffer]mergeKey conflict when add ckJustOffset',
        `pop of queue ${o.ck.queueId} at offset ${o.ck.startOffset}: the merge key is already in the buffer (mergeKey conflict); addCkJustOffset refuses and the pop returns no message`,
      ];
    case 'bufferPutReplaces':
      return [
        'buffer.put replaces',
        `no merge-key guard: ${fmtCkRef(o.ck)} takes the key of CK@${o.replaced.startOffset} (queue ${o.replaced.queueId}) in the buffer; the old wrapper stays in the offset queue` +
          (o.replacedStored ? ' (its CK is already stored)' : ', and its CK and buffered acks will never be stored'),
      ];
    case 'offsetIllegal': {
      const what = o.request === 'ack' ? `ack offset ${o.offset} at ${t(o.at)}` : `changeInvisibleTime for offset ${o.offset} at ${t(o.at)}`;
      const why = `offset ${o.offset} is below the min offset ${o.minOffset} of queue ${o.queueId} (deleted by retention): NO_MESSAGE, nothing written`;
      return ['offset is illegal', `${what}: ${why}; the client drops the handle`];
    }
    case 'supersededHandle': {
      const what = o.request === 'ack' ? `ack offset ${o.offset} at ${t(o.at)}` : `changeInvisibleTime for offset ${o.offset} at ${t(o.at)}`;
      const then =
        o.request === 'ack'
          ? `it acks the offset on CK@${o.handle.startOffset} (popTime ${t(o.handle.popTime)}) and answers SUCCESS; CK@${o.newest.startOffset} (popTime ${t(o.newest.popTime)}) stays unacked`
          : `it writes yet another CK and acks the offset on CK@${o.handle.startOffset} (popTime ${t(o.handle.popTime)}); CK@${o.newest.startOffset} (popTime ${t(o.newest.popTime)}) stays unacked`;
      return [
        'superseded receipt handle',
        `${what} with a receipt handle that changeInvisibleTime already replaced: the broker keeps no record of the current handle, so ${then}`,
      ];
    }
    case 'addAkChecked':
      return ['addAk checked', `ack offset ${o.ack.ackOffset} at ${t(o.at)}: addAk's checks pass; the bit is not marked yet`];
    case 'addAk':
      return [
        '[PopBuffer]add ack',
        o.via === 'ack'
          ? `ack offset ${o.ack.ackOffset} at ${t(o.at)}: addAk merges it into the buffered CK, bits=${fmtBitList(o.bits)}`
          : `ackOrigin: offset ${o.ack.ackOffset} acked on the original CK in the buffer`,
      ];
    case 'markBit':
      return [
        '[PopBuffer]add ack',
        o.inBuffer
          ? `markBitCAS for offset ${o.offset}: bits=${fmtBitList(o.bits)}; the client gets SUCCESS`
          : `markBitCAS for offset ${o.offset} on a wrapper the scan already removed: the bit is lost, yet the client gets SUCCESS`,
      ];
    case 'ackToStore': {
      const msg = fmtAckMsgRef(o.ack);
      const what = o.ok
        ? `${msg} written to the revive topic, deliver ${t(o.deliverTimeMs)}` +
          (o.ack.brokerName === null ? '' : ` (brokerName ${o.ack.brokerName} from the receipt handle)`) +
          directText(o)
        : `${msg} put to the revive topic FAILED ("put ack msg error"); the client is told SUCCESS anyway`;
      const head = o.via === 'ack' ? `ack offset ${o.ack.ackOffset} at ${t(o.at)}: ` : 'ackOrigin: ';
      return [o.ok ? 'ack to store' : 'put ack msg error', `${head}addAk refuses (${REFUSAL_TEXT[o.refusal]}); ${what}`];
    }
    case 'changeInvisible':
      return [
        'change Invisible, appendCheckPoint',
        `changeInvisibleTime for offset ${o.offset} at ${t(o.at)}: new ${fmtCkRef(o.ck)} written to the revive topic (deliver ${t(o.deliverTimeMs)})`,
      ];
    case 'putCkToStore':
      return [
        '[PopBuffer]put ck to store ok',
        `putCkToStore: CK@${o.ck.startOffset} written to the revive topic (bitMap=0, deliver ${t(o.deliverTimeMs)})` +
          directText(o) +
          (o.callbackLater ? '; asynchronous put, the callback that sets ckStored runs later (reviveQueueOffset = storing)' : ''),
      ];
    case 'putCallback':
      return [
        o.put === 'ck' ? '[PopBuffer]put ck to store ok' : o.put === 'batchAck' ? '[PopBuffer]put batch ack to store ok' : '[PopBuffer]put ack to store ok',
        o.put === 'ck'
          ? `the CK put's callback runs: CK@${o.ck.startOffset} ckStored = true`
          : o.listCleared
            ? `the BatchAckMsg put's callback of CK@${o.ck.startOffset} iterates the scan's shared batchAckIndexList, which the scan cleared when the put call returned: no toStoreBits set`
            : `the ACK put's callback of CK@${o.ck.startOffset} marks toStoreBits ${o.marked.join(',')}`,
      ];
    case 'putAckToStore':
    case 'putBatchAckToStore': {
      const what =
        o.kind === 'putBatchAckToStore'
          ? `putBatchAckToStore: ${fmtBatchAckMsgRef(o.ack)}`
          : `putAckToStore x${o.acks.length}: ${o.acks.map(fmtAckMsgRef).join(', ')}`;
      return [
        o.kind === 'putBatchAckToStore' ? '[PopBuffer]put batch ack to store ok' : '[PopBuffer]put ack to store ok',
        `${what}, deliver ${t(o.deliverTimeMs)}` + (o.brokerNameOmitted ? ` — brokerName not set (the CK says ${bn(o.ck.brokerName)})` : '') + directText(o),
      ];
    }
    case 'scanStop':
      return ['[PopBuffer]scan stop, because eclipse too long', 'the scan took longer than popCkStayBufferTimeOut - 1s: serving = false'];
    case 'servingAgain':
      return ['serving', 'buffer and offset queues are empty: serving = true again'];
    case 'ckDone':
      return [
        '[PopBuffer]ck done',
        o.stored
          ? `ck done: CK@${o.ck.startOffset} removed from the buffer (already stored)`
          : `ck done: CK@${o.ck.startOffset} fully acked in memory (bits=${fmtBitList(o.bits)}); removed, never written to the revive topic`,
      ];
    case 'scanFlush': {
      const why =
        o.reason === 'notServing' ? 'not serving' : o.reason === 'almostTimeout' ? `T - now < ${(o.limitMs ?? 0) / 1000}s` : `now - popTime > ${(o.limitMs ?? 0) / 1000}s`;
      return ['scan flush', `scan at ${t(o.at)}: CK@${o.ck.startOffset} leaves the buffer (${why}), bits=${fmtBitList(o.bits)}`];
    }
    case 'ckFinish':
      return ['[PopBuffer]ck finish', `ck finish: CK@${o.ck.startOffset} removed from the buffer`];
    case 'commitOffset':
      return [
        'Commit offset',
        `Commit offset: queue ${o.queueId} consumer offset ${o.from} -> ${o.to} (CK@${o.ck.startOffset} ${o.ckStored ? 'stored' : 'fully acked'})`,
      ];
    case 'scanGarbage':
      return [
        '[PopBuffer]remove not exit sub',
        `scanGarbage: the LMQ group is not in getSubscriptionGroupTable(), so the offset queue of queue ${o.queueId} is removed; the next pop starts from the committed consumer offset`,
      ];
    case 'timerDeliver': {
      const what = fmtReviveMsg(o.entry);
      const where = `revive queue offset ${o.reviveQueueOffset}`;
      return [
        'timer deliver',
        o.delayLevel
          ? `delay level expires at ${t(o.slot)}: ${what} -> ${where} (the revive reads its time as ${t(o.deliverTimeMs)})`
          : `slot ${t(o.slot)} read at ${t(o.at)}: ${what} (deliverTimeMs ${t(o.deliverTimeMs)}) -> ${where}`,
      ];
    }
    case 'reviveStart':
      return ['old offset', `revive pass at ${t(o.at)}: old offset is ${o.oldOffset}, reading revive queue ${o.oldOffset + 1}..${o.tailOffset}`];
    case 'findCk':
      return ['find ck', `offset ${o.offset}: find ck CK@${o.ck.startOffset} (bn=${bn(o.brokerName)})`];
    case 'findAck':
      return [
        o.entry.type === 'batchAck' ? 'find batch ack' : 'find ack',
        `offset ${o.offset}: ${fmtReviveMsg(o.entry)} matches CK@${o.ck.startOffset}, bitMap=${fmtBitList(o.bitMap)}`,
      ];
    case 'mockCkForAck':
      return [
        'ack wait for cannot find ck',
        `offset ${o.offset}: ${fmtReviveMsg(o.entry)} has waited over ${o.waitMs / 1000}s without its CK: a mock CK (num=0) takes its place`,
      ];
    case 'ackDropped': {
      let key = '';
      if (o.keyBrokerName !== undefined) {
        const b = entryBroker(o.entry);
        key = ` (brokerName part: ${o.keyBrokerName === b ? bn(b) : `${bn(b)} -> ${bn(o.keyBrokerName)} (the reviving broker's own name)`})`;
      }
      return ['ack dropped', `offset ${o.offset}: ${fmtReviveMsg(o.entry)}: no CK read before it under its key${key}; ACK dropped`];
    }
    case 'mockReplacesCk':
      return ['mock overwrites ck', `the mock CK for offset ${o.offset} replaces CK@${o.ck.startOffset} (same key) in the revive map`];
    case 'ckNotDue':
      return ['ck not due', `CK at offset ${o.offset} not due yet (endTime ${t(o.endTime)} - T ${t(o.reviveTime)} <= 2s); the pass stops here`];
    case 'backPressure':
      return [
        'inflight back-pressure',
        'more than 3 CKs have retries in flight and the oldest is younger than 30 s: the pass waits (modelled as stopping here; a later pass goes on)',
      ];
    case 'mockCk':
      return ['mock ck', `mock CK at offset ${o.offset}: nothing to retry`];
    case 'reviveAbort':
      return ['revive error', 'the retry write failed and this release has no rePutCK: the pass aborts, nothing is committed'];
    case 'reviveFinish':
      return ['revive finish', `revive finish, old offset is ${o.oldOffset}, new offset is ${o.newOffset}${o.newOffset > o.oldOffset ? ' (committed)' : ''}`];
    case 'reviveDispatch':
      return [
        'revive dispatch',
        `CK@${o.ck.startOffset} due: retries of offsets ${o.offsets.length === 0 ? '(none)' : o.offsets.join(',')} dispatched (asynchronous)`,
      ];
    case 'ckAllAcked':
      return ['ck revived', `CK@${o.ck.startOffset} due: every offset acked, nothing to retry`];
    case 'bizMsgNotFound':
      return [
        'can not get biz msg',
        o.why === 'noBrokerName'
          ? `offset ${o.offset}: the CK has no brokerName, the read finds no broker ("message was removing"), treated as done: not retried`
          : o.why === 'endlessRePut'
            ? `offset ${o.offset}: past the queue's end again (OFFSET_OVERFLOW_BADLY): RocketMQ re-puts this copy on every pass, for ever; the model writes no further copy (re-puts-terminate)`
            : `offset ${o.offset}: can not get biz msg (deleted), treated as done: not retried`,
      ];
    case 'skipCkFromLastEpoch':
      return ['skip ck from last epoch', `offset ${o.offset}: the message was stored after the CK's popTime: "skip ck from last epoch", not retried`];
    case 'retryMsg':
      return [
        'retry msg',
        o.readOffset === o.offset
          ? `offset ${o.offset} not acked -> written to ${o.topic}`
          : `offset ${o.offset} not acked, its message is gone, and the read returned offset ${o.readOffset} instead -> offset ${o.readOffset} written to ${o.topic}`,
      ];
    case 'rePutCk': {
      const why =
        o.why === 'retryFailed'
          ? `the retry write for offset ${o.offset} failed`
          : o.why === 'readFailed'
            ? `the read of offset ${o.offset} completed exceptionally (handled as a failure, PR #10986)`
            : o.why === 'offsetOverflow'
              ? `offset ${o.offset} is past the queue's end: the read answers OFFSET_OVERFLOW_BADLY, whose default branch re-puts`
              : `CK@${o.ck.startOffset} stayed over 30 s in inflightReviveRequestMap`;
      return ['rePut CK', `${why}: rePutCK writes ${fmtCkRef(o.newCk)} (rePutTimes=${o.rePutTimes})`];
    }
    case 'bizReadFailed':
      return [
        'biz read failed',
        o.rePut
          ? `the read of offset ${o.offset} of CK@${o.ck.startOffset} completed exceptionally: handled as (offset, false), re-put`
          : `the read of offset ${o.offset} of CK@${o.ck.startOffset} completed exceptionally: getNow throws in the completion callback, so no re-put for it or the offsets after it, and the in-flight entry is never marked done`,
      ];
    case 'inflightStayTooLong':
      return [
        'stay too long, remove from reviveRequestMap',
        `the entry of CK@${o.ck.startOffset} is removed from the map, with the map's timestamp as the re-put CK's startOffset (its retries still run)`,
      ];
    case 'reviveCompleteCommit':
      return [
        'revive complete commit',
        `retries of CK@${o.ck.startOffset} complete: revive offset committed to ${o.to}` +
          (o.to < o.from ? ` (down from ${o.from}: "[NOTIFYME]update consumer offset less than store")` : ''),
      ];
    case 'persist':
      return ['persist offsets', `consumer offsets and the revive offset (${o.reviveOffset}) persisted`];
    case 'crash':
      return [
        'broker restart',
        `broker crash and restart: buffer and offset queues lost (${o.lostCks} CK(s) never stored), consumer offsets back to the persisted values, revive offset back to ${o.reviveOffset}` +
          (o.droppedInflight > 0 ? `, ${o.droppedInflight} CK(s) with retries still in flight forgotten` : ''),
      ];
    case 'changeToSlave':
      return ['Broker is SLAVE, clear all data', `role change to slave: buffer and offset queues cleared (${o.lostCks} CK(s) never stored); the revive stops`];
    case 'changeToMaster':
      return [
        'role change to master',
        `role change to master: offsets as synced (${o.reviveOffset} for the revive); the next revive pass reads from offset ${o.nextReadOffset}`,
      ];
  }
}

/** The narration of one observation: exactly the note the model has always written for it. */
export function renderObservation(o: Observation): Note {
  const [tag, txt] = text(o);
  return { actor: OBSERVATION_ACTOR[o.kind], tag, text: txt };
}
