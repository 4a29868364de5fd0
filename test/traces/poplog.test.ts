import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ALL_KINDS,
  describeCoverage,
  GATED_KINDS,
  LONG_MAX,
  parsePopLogLine,
  readPopLog,
  readPopLogSync,
  splitLines,
  type PopLogKind,
  type PopLogLine,
  type PopLogRecordOf,
} from '../../traces/poplog.js';
import { readPopLogFile } from '../../cli/poplog-file.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/poplog/', import.meta.url));

// Values printed exactly as the Java toString() methods at 5.3.1/5.3.2 print them.
const CK = (bn = 'broker-a', ro = 0) =>
  `PopCheckPoint [topic=TopicA, cid=GroupA, queueId=1, startOffset=100, bitMap=0, num=3, reviveTime=1726107363012, reviveOffset=${ro}, diff=[0, 1, 2], brokerName=${bn}, rePutTimes=null]`;
const WRAP = (rqo: string | number = -1, extra = 'bits=0, sBits=0, nbo=103, cks=false, jo=false') => `CkWrap{rq=2, rqo=${rqo}, ck=${CK()}, ${extra}}`;
const ACK = (bn = 'broker-a', ao = 101) =>
  `AckMsg{ackOffset=${ao}, startOffset=100, consumerGroup='GroupA', topic='TopicA', queueId=1, popTime=1726107303012, brokerName=${bn}}`;
const BACK = `BatchAckMsg{ackOffsetList=[100, 102], startOffset=100, consumerGroup='GroupA', topic='TopicA', queueId=1, popTime=1726107303012, brokerName=broker-a}`;
const RESULT = (lo = 57) =>
  `PutMessageResult [putMessageStatus=PUT_OK, appendMessageResult=AppendMessageResult{status=PUT_OK, wroteOffset=123456, wroteBytes=312, msgId='0A00000100002A9F000000000001E240', storeTimestamp=1726107303101, logicsOffset=${lo}, pagecacheRT=0, msgNum=1}, remotePut=false]`;
const FAIL_RESULT = 'PutMessageResult [putMessageStatus=UNKNOWN_ERROR, appendMessageResult=null, remotePut=false]';
const CK_JSON = '{"bm":0,"bn":"broker-a","c":"GroupA","d":[0,1,2],"it":60000,"n":3,"pt":1726107303012,"q":1,"reviveTime":1726107363012,"ro":0,"so":100,"t":"TopicA"}';
const L = (level: string, thread: string, msg: string, at = '10:15:03') => `2024-09-12 ${at} ${level} ${thread} - ${msg}`;
const PB = '[PopBuffer]';

/** One realistic line per kind. */
const EXAMPLES: Record<PopLogKind, string> = {
  addCk: L('INFO', 'PullMessageThread_3', `${PB}add ck, ${WRAP()}`),
  addCkJustOffset: L('INFO', 'PullMessageThread_3', `${PB}add ck just offset, ${WRAP(57, 'bits=0, sBits=0, nbo=103, cks=true, jo=true')}`),
  addCkMocked: L('INFO', 'PullMessageThread_3', `${PB}add ck just offset, mocked, CkWrap{rq=2, rqo=9223372036854775807, ck=PopCheckPoint [topic=TopicA, cid=GroupA, queueId=1, startOffset=103, bitMap=0, num=0, reviveTime=1726107363012, reviveOffset=0, diff=null, brokerName=broker-a, rePutTimes=null], bits=0, sBits=0, nbo=110, cks=true, jo=true}`),
  addCkTimeout: L('WARN', 'PullMessageThread_3', `${PB}add ck, timeout, ${CK()}, 1726107360000`),
  addCkMaxSize: L('WARN', 'PullMessageThread_3', `${PB}add ck, max size, ${CK()}, 200001`),
  mergeKeyConflict: L('WARN', 'PullMessageThread_3', `${PB}mergeKey conflict when add ck. ck:${WRAP()}, mergeKey:TopicAGroupA11001726107303012broker-a`),
  addAck: L('INFO', 'AckMessageThread_1', `${PB}add ack, rqId=2, ${WRAP(57, 'bits=2, sBits=0, nbo=103, cks=true, jo=false')}, ${ACK()}`),
  addAckFail: L('WARN', 'AckMessageThread_1', `${PB}add ack fail, rqId=2, almost timeout for revive, ${WRAP(57)}, ${ACK()}, 1726107360500`),
  invalidAckIndex: L('ERROR', 'AckMessageThread_1', `${PB}Invalid index of ack, reviveQid=2, ${ACK('broker-a', 99)}, ${CK()}`),
  addAckError: L('ERROR', 'AckMessageThread_1', `${PB}add ack error, rqId=2, ${ACK()}`),
  putCkToStoreOk: L('INFO', 'PopBufferMergeService', `${PB}put ck to store ok: ${WRAP(57, 'bits=0, sBits=0, nbo=103, cks=true, jo=false')}, ${RESULT()}`),
  putCkToStoreFail: L('ERROR', 'PopBufferMergeService', `${PB}put ck to store fail: ${WRAP()}, ${FAIL_RESULT}`),
  putAckToStoreOk: L('INFO', 'PopBufferMergeService', `${PB}put ack to store ok: ${WRAP(57)}, ${ACK('null')}, ${RESULT(58)}`),
  putAckToStoreFail: L('ERROR', 'PopBufferMergeService', `${PB}put ack to store fail: ${WRAP(57)}, ${ACK()}, ${FAIL_RESULT}`),
  putBatchAckToStoreOk: L('INFO', 'PopBufferMergeService', `${PB}put batch ack to store ok: ${WRAP(57)}, ${BACK}, ${RESULT(59)}`),
  putBatchAckToStoreFail: L('ERROR', 'PopBufferMergeService', `${PB}put batchAckMsg to store fail: ${WRAP(57)}, ${BACK}`),
  ckDone: L('INFO', 'PopBufferMergeService', `${PB}ck done, ${WRAP(57, 'bits=7, sBits=0, nbo=103, cks=true, jo=false')}`),
  ckFinish: L('INFO', 'PopBufferMergeService', `${PB}ck finish, ${WRAP(57, 'bits=2, sBits=2, nbo=103, cks=true, jo=false')}`),
  ckFinishStayTooLong: L('WARN', 'PopBufferMergeService', `${PB}ck finish fail, stay too long, ${WRAP(57)}`),
  ckOffsetNotCommitted: L('WARN', 'PopBufferMergeService', `${PB} ck offset long time not commit, ${WRAP(57)}`),
  offsetQueueTooLong: L('INFO', 'PopBufferMergeService', `${PB} offset queue size too long, TopicA@GroupA@1, 5001`),
  commitOffset: L('INFO', 'PopBufferMergeService', `Commit offset, ${WRAP(57)}, 100`),
  commitOffsetLessThanStore: L('WARN', 'PopBufferMergeService', `Commit offset, consumer offset less than store, ${WRAP(57)}, 120`),
  bufferScan: L('INFO', 'PopBufferMergeService', `${PB}scan, PopBufferEclipse=0, PopBufferToStoreAck=1, PopBufferToStoreCk=1, PopBufferSize=3, PopBufferOffsetSize=2`),
  bufferScanStop: L('WARN', 'PopBufferMergeService', `${PB}scan stop, because eclipse too long, PopBufferEclipse=2104, PopBufferToStoreAck=0, PopBufferToStoreCk=12, PopBufferSize=4000, PopBufferOffsetSize=4000`),
  bufferGc: L('INFO', 'PopBufferMergeService', `${PB}remove not exit sub GroupA of topic TopicA in buffer!`),
  bufferCancelCk: L('INFO', 'PopBufferMergeService', `${PB}cancelCheckPoint, ${WRAP(57)}`),
  bufferCancelCkFail: L('ERROR', 'PopBufferMergeService', `${PB}PutMessageCallback cancelCheckPoint fail, ${WRAP(57)}, ${FAIL_RESULT}`),
  slaveClear: L('INFO', 'PopBufferMergeService', 'Broker is SLAVE, false, clear all data'),
  bufferServiceError: L('ERROR', 'PopBufferMergeService', 'PopBufferMergeService error'),
  reviveStart: L('INFO', 'PopReviveService_2', 'start revive topic=rmq_sys_REVIVE_LOG_DefaultCluster, reviveQueueId=2'),
  reviveOldOffset: L('INFO', 'PopReviveService_2', 'reviveQueueId=2, old offset is 56 '),
  findCk: L('INFO', 'PopReviveService_2', `reviveQueueId=2,find ck, offset:57, raw : ${CK_JSON}`),
  findAck: L('INFO', 'PopReviveService_2', 'reviveQueueId=2, find ack, offset:58, raw : {"ao":101,"bn":"broker-a","c":"GroupA","pt":1726107303012,"q":1,"so":100,"t":"TopicA"}'),
  findBatchAck: L('INFO', 'PopReviveService_2', 'reviveQueueId=2, find batch ack, offset:59, raw : {"ao":-1,"aol":[100,102],"bn":"broker-a","c":"GroupA","pt":1726107303012,"q":1,"so":100,"t":"TopicA"}'),
  reviveInvalidAckIndex: L('ERROR', 'PopReviveService_2', `invalid batch ack index, ${BACK}, ${CK()}`),
  reviveAckWaitSkip: L('WARN', 'PopReviveService_2', `ack wait for 180000ms cannot find ck, skip this ack. mergeKey:TopicAGroupA11001726107303012broker-a, ack:${ACK()}, mockCk:PopCheckPoint [topic=TopicA, cid=GroupA, queueId=1, startOffset=100, bitMap=0, num=0, reviveTime=1726107303012, reviveOffset=58, diff=null, brokerName=broker-a, rePutTimes=null]`),
  reviveReachTail: L('INFO', 'PopReviveService_2', 'reviveQueueId=2, reach tail,offset 60'),
  reviveOffsetIllegal: L('ERROR', 'PopReviveService_2', 'reviveQueueId=2, OFFSET_ILLEGAL 60, result is PullResult [pullStatus=OFFSET_ILLEGAL, nextBeginOffset=0, minOffset=0, maxOffset=0, msgFoundList=0]'),
  reviveGetMessageWarn: L('WARN', 'PopReviveService_0', 'offset illegal. GetMessageStatus=OFFSET_OVERFLOW_ONE, topic=rmq_sys_REVIVE_LOG_DefaultCluster, groupId=CID_RMQ_SYS_REVIVE_GROUP, requestOffset=142766'),
  reviveIdleEndTime: L('DEBUG', 'PopReviveService_2', 'reviveQueueId=2, offset is 61, can not get new msg, old endTime 1726107360000, new endTime 1726107362000, timerDelay=0, commitLogDelay=0 '),
  reviveScanTimeout: L('INFO', 'PopReviveService_2', 'reviveQueueId=2, scan timeout '),
  reviveCkListSize: L('INFO', 'PopReviveService_2', 'reviveQueueId=2, ck listSize=1'),
  reviveCkRange: L('INFO', 'PopReviveService_2', 'reviveQueueId=2, 1st ck, startOffset=100, reviveOffset=57; last ck, startOffset=100, reviveOffset=57'),
  reviveSkipCk: L('WARN', 'PopReviveService_2', 'reviveQueueId=2, can not get cid GroupGone, then continue'),
  reviveRequestStayTooLong: L('WARN', 'PopReviveService_2', 'stay too long, remove from reviveRequestMap, TopicA, broker-a, 1, 100'),
  reviveBizMsgMissing: L('INFO', 'PopReviveService_2', 'reviveQueueId=2, can not get biz msg, topic:TopicA, qid:1, offset:101, brokerName:broker-a, info:OFFSET_TOO_SMALL, minOffset=120, maxOffset=300, retry:false, then continue'),
  retryMsg: L('INFO', 'PopReviveService_2', `reviveQueueId=2,retry msg, ck=${CK('broker-a', 57)}, msg queueId 1, offset 101, reviveDelay=2, result is ${RESULT(0)} `),
  reviveError: L('ERROR', 'PopReviveService_2', 'reviveQueueId=2, revive error'),
  rePutCkMaxTimes: L('WARN', 'PopReviveService_2', 'rePut CK reach max times, drop it. TopicA, GroupA, broker-a, 1-101, 1726107303012, 60000, 17'),
  reviveFinish: L('INFO', 'PopReviveService_2', 'reviveQueueId=2, revive finish,old offset is 56, new offset is 58, ckDelay=2  '),
  reviveRest: L('INFO', 'PopReviveService_2', 'reviveQueueId=2, has no new msg, take a rest 2'),
  reviveRoleSkip: L('INFO', 'PopReviveService_2', 'slave skip ck process, revive topic=rmq_sys_REVIVE_LOG_DefaultCluster, reviveQueueId=2'),
  reviveTimerWheelDisabled: L('WARN', 'PopReviveService_2', 'skip revive topic because timerWheelEnable is false'),
  reviveReadyAfter: L('INFO', 'PopReviveService_2', 'PopReviveService Ready to run after 1726107400000'),
  putAckMsgError: L('ERROR', 'AckMessageThread_1', `put ack msg error:${FAIL_RESULT}`),
  batchAckIllegalQueue: L('ERROR', 'AckMessageThread_1', 'Illegal topic or queue found when batch ack BatchAck{consumerGroup=GroupA, topic=TopicA, retry=0, startOffset=100, queueId=1, reviveQueueId=2, popTime=1726107303012, invisibleTime=60000, bitSet={0, 2}}'),
  topicNotExist: L('ERROR', 'AckMessageThread_1', 'The topic TopicGone not exist, consumer: 10.0.0.7:53122 '),
  ackBadRequestCode: L('ERROR', 'AckMessageThread_1', 'AckMessageProcessor failed to process RequestCode: 999, consumer: 10.0.0.7:53122 '),
  ackOffsetIllegal: L('WARN', 'AckMessageThread_1', 'offset is illegal, key:TopicA@1, commit:99, store:100~300'),
  queueIdIllegal: L('WARN', 'AckMessageThread_1', 'queueId[9] is illegal, topic:[TopicA] topicConfig.readQueueNums:[4] consumer:[/10.0.0.7:53122]'),
  popRequest: L('INFO', 'PullMessageThread_3', 'receive PopMessage request command, RemotingCommand [code=200050, language=JAVA, version=453, opaque=12, flag(B)=0, remark=null, extFields={consumerGroup=GroupA, topic=TopicA}, serializeTypeCurrentRPC=JSON]'),
  popNotifyLongPolling: L('INFO', 'SendMessageThread_1', 'notify long polling request. topic:TopicA, group:GroupA, queueId:1, success:true'),
  popInitialOffset: L('WARN', 'PullMessageThread_3', 'Pop initial offset, because store is no correct, TopicA@GroupA@1, 90->100'),
  popTooMuchUnacked: L('WARN', 'PullMessageThread_3', 'Too much msgs unacked, then stop poping. topic=TopicA, group=GroupA, queueId=1'),
  queueLockRemoved: L('INFO', 'QueueLockManager', 'Remove unused queue lock: TopicA@GroupA@1, 1726107303012, false'),
  queueLockSize: L('INFO', 'QueueLockManager', 'QueueLockSize=12'),
  changeInvisibleCk: L('INFO', 'AckMessageThread_1', `change Invisible , appendCheckPoint, topic TopicA, queueId 1,reviveId 2, cid GroupA, startOffset 101, rt 1726107390000, result ${RESULT(61)}`),
  changeInvisibleAckFail: L('ERROR', 'AckMessageThread_1', `change Invisible, put ack msg fail: ${ACK()}, ${FAIL_RESULT}`),
  changeInvisibleAckError: L('ERROR', 'AckMessageThread_1', 'change Invisible, put ack msg error: 100 1726107303012 60000 2 0 broker-a 1 101, store is shutting down'),
  changeInvisibleCkError: L('ERROR', 'AckMessageThread_1', `change invisible, put new ck error: ${FAIL_RESULT}`),
  changeInvisibleFailed: L('ERROR', 'AckMessageThread_1', 'append checkpoint or ack origin failed'),
};

function record<K extends PopLogKind>(line: PopLogLine, kind: K): PopLogRecordOf<K> {
  if (line.kind !== kind) throw new Error(`expected ${kind}, got ${line.kind}: ${line.kind === 'malformed' ? line.reason : ''}`);
  return line as PopLogRecordOf<K>;
}

describe('pop.log line kinds', () => {
  it('recognises one realistic example line of every kind', () => {
    for (const kind of ALL_KINDS) {
      const parsed = parsePopLogLine(EXAMPLES[kind], 7);
      expect(parsed.kind === 'malformed' ? `${kind}: ${parsed.reason}` : parsed.kind).toBe(kind);
      if (parsed.kind === kind) {
        expect(parsed.line).toBe(7);
        expect((parsed as { gated: boolean }).gated).toBe(GATED_KINDS.has(kind));
      }
    }
  });

  it('reads the header: GMT+8 seconds as an interval, level and thread', () => {
    const r = record(parsePopLogLine(EXAMPLES.addCk, 1), 'addCk');
    expect(r.time).toEqual({ from: Date.UTC(2024, 8, 12, 2, 15, 3), to: Date.UTC(2024, 8, 12, 2, 15, 3) + 999 });
    expect(r.level).toBe('INFO');
    expect(r.thread).toBe('PullMessageThread_3');
    expect(r.ckWrap).toEqual({
      rq: 2,
      rqo: -1,
      ck: { topic: 'TopicA', cid: 'GroupA', queueId: 1, startOffset: 100, bitMap: 0, num: 3, reviveTime: 1726107363012, reviveOffset: 0, diff: [0, 1, 2], brokerName: 'broker-a', rePutTimes: null },
      bits: 0, sBits: 0, nbo: 103, cks: false, jo: false,
    });
  });

  it('reads a 5.3.1 "put ack to store ok" whose AckMsg has brokerName=null, and a 5.3.2 one with broker-a', () => {
    const v531 = record(parsePopLogLine(EXAMPLES.putAckToStoreOk, 1), 'putAckToStoreOk');
    expect(v531.ack).toMatchObject({ type: 'ack', ackOffset: 101, brokerName: null });
    expect(v531.ckWrap.ck.brokerName).toBe('broker-a');
    expect(v531.result.appendMessageResult?.logicsOffset).toBe(58);
    const line532 = L('INFO', 'PopBufferMergeService', `${PB}put ack to store ok: ${WRAP(57)}, ${ACK('broker-a')}, ${RESULT(58)}`);
    expect(record(parsePopLogLine(line532, 1), 'putAckToStoreOk').ack.brokerName).toBe('broker-a');
  });

  it('tells the three "add ack fail" reasons apart', () => {
    const noCk = record(parsePopLogLine(L('WARN', 'AckMessageThread_1', `${PB}add ack fail, rqId=2, no ck, ${ACK()}`), 1), 'addAckFail');
    expect(noCk).toMatchObject({ reason: 'noCk', rqId: 2 });
    expect(noCk.ckWrap).toBeUndefined();
    const stay = record(parsePopLogLine(L('WARN', 'AckMessageThread_1', `${PB}add ack fail, rqId=2, stay too long, ${WRAP(57)}, ${BACK}, 1726107312000`), 1), 'addAckFail');
    expect(stay).toMatchObject({ reason: 'stayTooLong', now: 1726107312000, ack: { type: 'batchAck', ackOffsetList: [100, 102] } });
    expect(record(parsePopLogLine(EXAMPLES.addAckFail, 1), 'addAckFail').reason).toBe('almostTimeout');
  });

  it('reads the revive raw JSON with short names, long names, a missing bn, and the getter-derived reviveTime', () => {
    const ck = record(parsePopLogLine(EXAMPLES.findCk, 1), 'findCk');
    expect(ck).toMatchObject({ rq: 2, offset: 57, ck: { startOffset: 100, popTime: 1726107303012, invisibleTime: 60000, reviveTime: 1726107363012, num: 3, diff: [0, 1, 2], brokerName: 'broker-a', cid: 'GroupA' } });
    const noBn = record(parsePopLogLine(L('INFO', 'PopReviveService_2', 'reviveQueueId=2, find ack, offset:58, raw : {"ao":101,"c":"GroupA","pt":1726107303012,"q":1,"so":100,"t":"TopicA"}'), 1), 'findAck');
    expect(noBn.ack.brokerName).toBeNull();
    const old = L('INFO', 'PopReviveService_0', 'reviveQueueId=0,find ack, offset:142765, raw : {"ackOffset":283798,"consumerGroup":"pop-consumer-1","popTime":1635476075611,"queueId":0,"startOffset":283791,"topic":"%RETRY%pop-consumer-1_-topic"}');
    expect(record(parsePopLogLine(old, 1), 'findAck').ack).toMatchObject({ ackOffset: 283798, topic: '%RETRY%pop-consumer-1_-topic' });
    expect(record(parsePopLogLine(EXAMPLES.findBatchAck, 1), 'findBatchAck').ack.ackOffsetList).toEqual([100, 102]);
  });

  it('reads both release spellings: 5.3.1 "remove not exit", "poping", "change Invisible ," and 5.3.2 "nonexistent", "popping"', () => {
    const gc = (m: string) => record(parsePopLogLine(L('INFO', 'PopBufferMergeService', m), 1), 'bufferGc');
    expect(gc(`${PB}remove not exit topic TopicA in buffer!`)).toMatchObject({ reason: 'topicGone', topic: 'TopicA' });
    expect(gc(`${PB}remove nonexistent topic TopicA in buffer!`)).toMatchObject({ reason: 'topicGone' });
    expect(gc(`${PB}remove nonexistent subscription group GroupA of topic TopicA in buffer!`)).toMatchObject({ reason: 'groupGone', group: 'GroupA' });
    expect(record(parsePopLogLine(EXAMPLES.popTooMuchUnacked.replace('poping', 'popping'), 1), 'popTooMuchUnacked').queueId).toBe(1);
    expect(record(parsePopLogLine(EXAMPLES.changeInvisibleCk.replace('Invisible , ', 'Invisible, '), 1), 'changeInvisibleCk').startOffset).toBe(101);
    expect(record(parsePopLogLine(EXAMPLES.addCkMocked, 1), 'addCkMocked').ckWrap.rqo).toBe(LONG_MAX);
  });

  it('accepts other field orders, extra whitespace, CRLF and a BOM on line 1', () => {
    const reordered = L('INFO', 'AckMessageThread_1', `${PB}add ack,  rqId = 2 , CkWrap{ jo=false, cks=true, nbo=103, sBits=0, bits=2, ck=PopCheckPoint [ rePutTimes=null, topic=TopicA, queueId=1, cid=GroupA, startOffset=100, num=3, bitMap=0, reviveOffset=0, reviveTime=1726107363012, diff=[0,1 , 2] ], rqo=57, rq=2 }, AckMsg{brokerName=broker-a, popTime=1726107303012, queueId=1, topic='TopicA', consumerGroup='GroupA', startOffset=100, ackOffset=101}`);
    const a = record(parsePopLogLine(reordered + '\r', 1), 'addAck');
    const b = record(parsePopLogLine(EXAMPLES.addAck, 1), 'addAck');
    expect(a.ckWrap).toEqual({ ...b.ckWrap, ck: { ...b.ckWrap.ck, brokerName: null } });
    expect(a.ack).toEqual(b.ack);
    expect(parsePopLogLine('\uFEFF' + EXAMPLES.reviveRest, 1).kind).toBe('reviveRest');
    expect(parsePopLogLine(EXAMPLES.reviveRest.replace(' INFO ', '  INFO   '), 1).kind).toBe('reviveRest');
  });

  it('is strict in what it concludes: a known start with bad fields is malformed, with a reason', () => {
    const bad = (line: string): string => {
      const p = parsePopLogLine(line, 3);
      if (p.kind !== 'malformed') throw new Error(`not malformed: ${p.kind}`);
      return p.reason;
    };
    expect(bad(EXAMPLES.addCk.replace('rq=2', 'rq=two'))).toMatch(/^addCk: ckWrap\.rq: expected an integer/);
    expect(bad(EXAMPLES.addCk.slice(0, 150))).toMatch(/^addCk: /);
    expect(bad(EXAMPLES.reviveFinish.replace('new offset is 58', 'new offset is x'))).toMatch(/reviveFinish: newOffset: expected an integer/);
    expect(bad(EXAMPLES.findCk.replace('"so":100', '"so":"a"'))).toMatch(/findCk: ck\.startOffset/);
    expect(bad(EXAMPLES.findAck.slice(0, -5))).toMatch(/findAck: ack: not valid JSON/);
    expect(bad(EXAMPLES.addCk.replace('nbo=103', 'nbo=103, nbo=104'))).toMatch(/nbo twice/);
    expect(bad(EXAMPLES.addAck.replace('AckMsg{', 'Ack{'))).toMatch(/AckMsg or a BatchAckMsg/);
    expect(bad(EXAMPLES.addCkMocked.replace('9223372036854775807', '9223372036854775806'))).toMatch(/rqo/);
    expect(bad('2024-02-30 10:15:03 INFO t - x')).toMatch(/invalid timestamp/);
    expect(bad('2024-09-12 10:15:03 NOTICE t - x')).toMatch(/header/);
    expect(bad('hello world')).toMatch(/no log header/);
    // A duplicated field with the same value is harmless.
    expect(parsePopLogLine(EXAMPLES.addCk.replace('nbo=103', 'nbo=103, nbo=103'), 1).kind).toBe('addCk');
    // A header with an unrelated message is unknown, not malformed.
    expect(parsePopLogLine(L('INFO', 'x', 'something else entirely'), 1)).toMatchObject({ kind: 'unknown', message: 'something else entirely' });
  });
});

describe('reading a pop.log stream', () => {
  it('counts kinds, gated lines and stack-trace continuation lines', () => {
    const { entries, counts } = readPopLogSync(splitLines(readFileSync(join(FIXTURES, 'pop-default.log'), 'utf8')));
    expect(counts.continuation).toBe(5);
    expect(counts.gatedLines).toBe(0);
    expect(counts.malformed + counts.unknown).toBe(0);
    const error = entries.find((e) => e.kind === 'reviveError');
    expect(error?.continuation).toBe(5);
    expect(describeCoverage(counts)).toMatch(/enablePopLog=false.*no per-checkpoint validation is possible/);
  });

  it('streams async input, and describes a gated log', async () => {
    async function* lines() {
      for (const l of splitLines(readFileSync(join(FIXTURES, 'pop-5.3.1-gated.log'), 'utf8'))) yield l;
    }
    const stream = readPopLog(lines());
    const kinds: string[] = [];
    for await (const e of stream) kinds.push(`${e.line}:${e.kind}`);
    expect(kinds.slice(0, 3)).toEqual(['1:addCk', '2:putCkToStoreOk', '3:addAck']);
    expect(stream.counts.linesByKind.retryMsg).toBe(3);
    expect(stream.counts.gatedLines).toBe(11);
    expect(describeCoverage(stream.counts)).toMatch(/^11 of 16 recognised lines are enablePopLog-gated/);
  });

  it('reports time going backwards, and keeps the first malformed examples', () => {
    const { counts } = readPopLogSync([
      EXAMPLES.reviveRest,
      L('INFO', 'PopReviveService_2', 'reviveQueueId=2, has no new msg, take a rest 3', '10:15:01'),
      'garbage',
      EXAMPLES.reviveRest.replace('rest 2', 'rest two'),
    ]);
    expect(counts.timeWentBack).toBe(1);
    expect(counts.firstTimeWentBack).toEqual({ line: 2, previousLine: 1, byMs: 2000 });
    expect(counts.malformed).toBe(2);
    expect(counts.malformedExamples.map((e) => e.line)).toEqual([3, 4]);
    expect(describeCoverage(counts)).toMatch(/2 lines were malformed \(first at line 3\)/);
  });
});

describe('bad input files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'poplog-'));
  const file = (name: string, content: string | Buffer) => {
    const p = join(dir, name);
    writeFileSync(p, content);
    return p;
  };

  it('an empty file reads as nothing, with a coverage sentence', async () => {
    const r = await readPopLogFile(file('empty.log', ''));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.file.empty).toBe(true);
    expect(r.counts.lines).toBe(0);
    expect(r.coverage).toMatch(/nothing can be concluded/);
  });

  it('a directory or a missing file is a one-line error naming the path', async () => {
    const r = await readPopLogFile(dir);
    expect(r).toEqual({ ok: false, path: dir, error: `${dir} is a directory, not a pop.log file` });
    const m = await readPopLogFile(join(dir, 'nope.log'));
    expect(!m.ok && m.error).toBe(`cannot read ${join(dir, 'nope.log')}: no such file`);
  });

  it('non-UTF-8 bytes are decoded with replacement and their lines are malformed', async () => {
    const bytes = Buffer.concat([Buffer.from(EXAMPLES.reviveRest + '\n'), Buffer.from([0x32, 0x30, 0xff, 0xfe, 0x0a]), Buffer.from(EXAMPLES.reviveStart + '\n')]);
    const r = await readPopLogFile(file('latin.log', bytes));
    expect(r.ok && r.counts.malformedExamples).toEqual([expect.objectContaining({ line: 2, reason: expect.stringMatching(/UTF-8/) })]);
    expect(r.ok && r.counts.records).toBe(2);
  });

  it('a 10 MB line is cut at the limit and counted as malformed; the next line still parses', async () => {
    const p = file('long.log', EXAMPLES.reviveRest + '\n' + 'x'.repeat(10 * 1024 * 1024) + '\n' + EXAMPLES.reviveStart + '\n');
    const r = await readPopLogFile(p, { keepEntries: false });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.file.linesTooLong).toBe(1);
    expect(r.counts.malformedExamples[0]).toMatchObject({ line: 2, reason: `line too long (${10 * 1024 * 1024} characters)` });
    expect(r.counts.records).toBe(2);
    expect(r.entries).toEqual([]);
  });

  it('a truncated last line is reported, and parsed as what it is', async () => {
    const r = await readPopLogFile(file('cut.log', EXAMPLES.reviveRest + '\n' + EXAMPLES.addCk.slice(0, 200)));
    expect(r.ok && r.file.truncatedLastLine).toBe(true);
    expect(r.ok && r.entries.map((e) => e.kind)).toEqual(['reviveRest', 'malformed']);
    const whole = await readPopLogFile(join(FIXTURES, 'pop-5.3.1-gated.log'));
    expect(whole.ok && whole.file.truncatedLastLine).toBe(false);
    expect(whole.ok && whole.counts.records).toBe(16);
  });

  it('timestamps going backwards are counted, not fatal', async () => {
    const r = await readPopLogFile(file('back.log', [EXAMPLES.reviveRest, EXAMPLES.reviveStart.replace('10:15:03', '09:00:00'), EXAMPLES.reviveRest].join('\r\n') + '\r\n'));
    expect(r.ok && r.counts.timeWentBack).toBe(1);
    expect(r.ok && r.counts.firstTimeWentBack?.line).toBe(2);
    expect(r.ok && r.counts.records).toBe(3);
  });
});

describe('fuzz', () => {
  const valid = Object.values(EXAMPLES);
  const mutation = fc.oneof(
    fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
    fc.record({ op: fc.constant('flip' as const), at: fc.nat(), ch: fc.integer({ min: 0, max: 0xffff }) }),
    fc.record({ op: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(fc.string(), fc.constantFrom('{', '}', '[', ']', "'", ', ', '=', 'null', '[[[[[[[[[[[[[[[[[[[[', '\uFFFD', '\r')) }),
    fc.record({ op: fc.constant('duplicate' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 40 }) }),
  );
  const apply = (line: string, ms: { op: string; at: number; ch?: number; text?: string; len?: number }[]): string => {
    let s = line;
    for (const m of ms) {
      const at = s.length === 0 ? 0 : m.at % s.length;
      if (m.op === 'truncate') s = s.slice(0, at);
      else if (m.op === 'flip') s = s.slice(0, at) + String.fromCharCode(m.ch!) + s.slice(at + 1);
      else if (m.op === 'insert') s = s.slice(0, at) + m.text + s.slice(at);
      else s = s.slice(0, at) + s.slice(at, at + m.len!) + s.slice(at);
    }
    return s;
  };
  const KINDS = new Set<string>([...ALL_KINDS, 'unknown', 'malformed', 'continuation', 'blank']);

  it('never throws, and always returns a record, unknown, malformed, continuation or blank', () => {
    fc.assert(
      fc.property(fc.constantFrom(...valid), fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 1e6 }), (line, ms, n) => {
        const p = parsePopLogLine(apply(line, ms), n);
        expect(KINDS.has(p.kind)).toBe(true);
        expect(p.line).toBe(n);
        if (p.kind === 'malformed') expect(p.reason).toMatch(/\S/);
      }),
      { numRuns: 1500 },
    );
  });
});
