/**
 * The message formats of RocketMQ's `pop.log` (logger `RocketmqPop`) at 5.3.x, as data: one
 * template per `POP_LOGGER` call, and the parsers for the values those calls print (the Java
 * `toString()` of CkWrap, PopCheckPoint, AckMsg, BatchAckMsg, PutMessageResult, and the fastjson
 * bodies of revive-topic messages). Pure: no I/O. docs/poplog.md lists every kind with its
 * RocketMQ source line.
 *
 * A template is literal text with typed holes, `{name:type}`. Literal text matches liberally
 * (any whitespace in the template matches any run of whitespace, and whitespace before
 * punctuation is skipped), holes are strict: a line whose start matches a template's claim
 * but whose holes do not parse is malformed, never unknown.
 */
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------
// Scalars

/** Java's Long.MAX_VALUE, printed as CkWrap.rqo while a CK store is in progress (and by mock CKs). */
export const LONG_MAX = 'Long.MAX_VALUE' as const;
const LONG_MAX_DIGITS = '9223372036854775807';

const toNumberIfDigits = (v: unknown): unknown =>
  typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v.trim()) : v;

/** A Java int or long that JavaScript can hold exactly. */
export const jlong = z.preprocess(
  toNumberIfDigits,
  z
    .number({ error: 'expected an integer' })
    .refine((n) => Number.isInteger(n), { error: 'expected an integer' })
    .refine((n) => Number.isSafeInteger(n), { error: 'integer beyond 2^53' }),
);

const jbool = z.preprocess(
  (v) => (v === 'true' ? true : v === 'false' ? false : v),
  z.boolean({ error: 'expected true or false' }),
);

/** A string field; Java prints a null reference as `null` (converted to null by the value parser). */
const jstr = z.string({ error: 'expected a string' });
/** A field that may be null or absent (absent is reported as null). */
const optStr = z
  .string()
  .nullable()
  .optional()
  .transform((v) => v ?? null);

const rqoSchema = z.preprocess(
  (v) => (v === LONG_MAX_DIGITS || v === LONG_MAX ? LONG_MAX : v),
  z.union([z.literal(LONG_MAX), jlong]),
);

// ---------------------------------------------------------------------------------------------
// Java toString() values

/** A value as printed by a Java toString(): `Name{k=v, ...}`, `Name [k=v, ...]`, `[a, b]`, `'x'`, `null`, or a bare token. */
export type JavaValue =
  | { readonly k: 'obj'; readonly name: string; readonly fields: readonly (readonly [string, JavaValue])[] }
  | { readonly k: 'list'; readonly items: readonly JavaValue[] }
  | { readonly k: 'str'; readonly v: string; readonly quoted: boolean }
  | { readonly k: 'null' };

export class FormatError extends Error {}

const MAX_DEPTH = 16;
const OBJ_START = /([A-Za-z_$][\w$.]*)[ \t]*([{[])/y;
const KEY = /[A-Za-z_$][\w$]*/y;

function skipWs(s: string, i: number): number {
  while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++;
  return i;
}

/**
 * Parses one Java toString() value starting at `i`. `stops` are the characters that end a bare
 * token (the enclosing container's separator and closer). Returns the value and the index after it.
 */
export function parseJavaValue(s: string, i: number, stops = ',', depth = 0): [JavaValue, number] {
  if (depth > MAX_DEPTH) throw new FormatError('values nested too deeply');
  i = skipWs(s, i);
  if (i >= s.length) throw new FormatError('missing value at end of line');
  const c = s[i];
  if (c === "'") {
    // Java does not escape: the closing quote is the one followed by a separator, a closer or the end.
    let j = s.indexOf("'", i + 1);
    while (j >= 0) {
      const after = skipWs(s, j + 1);
      if (after >= s.length || ',}]'.includes(s[after])) return [{ k: 'str', v: s.slice(i + 1, j), quoted: true }, j + 1];
      j = s.indexOf("'", j + 1);
    }
    throw new FormatError(`unterminated quoted string at column ${i + 1}`);
  }
  if (c === '[') {
    const items: JavaValue[] = [];
    let p = skipWs(s, i + 1);
    if (s[p] === ']') return [{ k: 'list', items }, p + 1];
    for (;;) {
      const [v, q] = parseJavaValue(s, p, ',]', depth + 1);
      items.push(v);
      p = skipWs(s, q);
      if (s[p] === ',') p++;
      else if (s[p] === ']') return [{ k: 'list', items }, p + 1];
      else throw new FormatError(`expected ',' or ']' in a list at column ${p + 1}`);
    }
  }
  OBJ_START.lastIndex = i;
  const m = OBJ_START.exec(s);
  if (m) {
    const name = m[1];
    const close = m[2] === '{' ? '}' : ']';
    const fields: [string, JavaValue][] = [];
    let p = skipWs(s, OBJ_START.lastIndex);
    if (s[p] === close) return [{ k: 'obj', name, fields }, p + 1];
    for (;;) {
      p = skipWs(s, p);
      KEY.lastIndex = p;
      const km = KEY.exec(s);
      if (!km) throw new FormatError(`expected a field name in ${name} at column ${p + 1}`);
      p = skipWs(s, KEY.lastIndex);
      if (s[p] !== '=') throw new FormatError(`expected '=' after ${name}.${km[0]} at column ${p + 1}`);
      const [v, q] = parseJavaValue(s, p + 1, ',' + close, depth + 1);
      fields.push([km[0], v]);
      p = skipWs(s, q);
      if (s[p] === ',') p++;
      else if (s[p] === close) return [{ k: 'obj', name, fields }, p + 1];
      else throw new FormatError(`expected ',' or '${close}' in ${name} at column ${p + 1}`);
    }
  }
  let j = i;
  while (j < s.length && !stops.includes(s[j])) j++;
  const token = s.slice(i, j).trim();
  if (token === '') throw new FormatError(`missing value at column ${i + 1}`);
  if (token === 'null') return [{ k: 'null' }, j];
  return [{ k: 'str', v: token, quoted: false }, j];
}

/** Plain JavaScript data for a Java value: objects carry their class name as `__type`. */
export function javaToPlain(v: JavaValue): unknown {
  switch (v.k) {
    case 'null':
      return null;
    case 'str':
      return v.v;
    case 'list':
      return v.items.map(javaToPlain);
    case 'obj': {
      const out: Record<string, unknown> = { __type: v.name };
      for (const [key, fv] of v.fields) {
        const plain = javaToPlain(fv);
        if (key in out && JSON.stringify(out[key]) !== JSON.stringify(plain)) {
          throw new FormatError(`${v.name} has field ${key} twice, with different values`);
        }
        out[key] = plain;
      }
      return out;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Schemas of printed objects

function typed<N extends string, S extends z.ZodRawShape>(name: N, shape: S) {
  return z.object({ __type: z.literal(name, { error: `expected a ${name}` }), ...shape });
}
const strip = <T extends { __type: string }>({ __type: _t, ...rest }: T): Omit<T, '__type'> => rest;

/** `PopCheckPoint [topic=.., cid=.., ...]` (popTime is not printed; reviveTime = popTime + invisibleTime is). */
export const PopCheckPointSchema = typed('PopCheckPoint', {
  topic: jstr,
  cid: jstr,
  queueId: jlong,
  startOffset: jlong,
  bitMap: jlong,
  num: jlong,
  reviveTime: jlong,
  reviveOffset: jlong,
  diff: z.array(jlong).nullable().optional().transform((v) => v ?? null),
  brokerName: optStr,
  rePutTimes: optStr,
}).transform(strip);
export type PopCheckPointView = z.output<typeof PopCheckPointSchema>;

/** `CkWrap{rq=.., rqo=.., ck=PopCheckPoint [..], bits=.., sBits=.., nbo=.., cks=.., jo=..}` (PopCheckPointWrapper). */
export const CkWrapSchema = typed('CkWrap', {
  rq: jlong,
  rqo: rqoSchema,
  ck: PopCheckPointSchema,
  bits: jlong,
  sBits: jlong,
  nbo: jlong,
  cks: jbool,
  jo: jbool,
}).transform(strip);
export type CkWrapView = z.output<typeof CkWrapSchema>;

/** AckMsg and BatchAckMsg fields besides the offsets, the same in toString and in the revive topic's JSON. */
const ackShape = {
  startOffset: jlong,
  consumerGroup: jstr,
  topic: jstr,
  queueId: jlong,
  popTime: jlong,
  brokerName: optStr,
};
const AckMsgObj = typed('AckMsg', { ackOffset: jlong, ...ackShape });
const BatchAckMsgObj = typed('BatchAckMsg', { ackOffsetList: z.array(jlong), ...ackShape });

/** `AckMsg{ackOffset=.., ...}` or `BatchAckMsg{ackOffsetList=[..], ...}`. */
export const AnyAckSchema = z
  .discriminatedUnion('__type', [AckMsgObj, BatchAckMsgObj], { error: 'expected an AckMsg or a BatchAckMsg' })
  .transform((v) =>
    v.__type === 'AckMsg'
      ? { type: 'ack' as const, ...strip(v) }
      : { type: 'batchAck' as const, ...strip(v) },
  );
export type AckView = z.output<typeof AnyAckSchema>;

export const AppendMessageResultSchema = typed('AppendMessageResult', {
  status: jstr,
  wroteOffset: jlong.optional(),
  wroteBytes: jlong.optional(),
  msgId: optStr,
  storeTimestamp: jlong.optional(),
  logicsOffset: jlong,
  pagecacheRT: jlong.optional(),
  msgNum: jlong.optional(),
}).transform(strip);

/** `PutMessageResult [putMessageStatus=.., appendMessageResult=AppendMessageResult{..}|null, remotePut=..]`. */
export const PutMessageResultSchema = typed('PutMessageResult', {
  putMessageStatus: jstr,
  appendMessageResult: AppendMessageResultSchema.nullable().optional().transform((v) => v ?? null),
  remotePut: jbool.optional(),
}).transform(strip);
export type PutResultView = z.output<typeof PutMessageResultSchema>;

// ---------------------------------------------------------------------------------------------
// fastjson bodies (revive `raw : {...}`); short names with the long alternates

function normaliseKeys(aliases: Record<string, string>) {
  return (v: unknown): unknown => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return v;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(v)) {
      const name = aliases[key];
      if (name === undefined) continue; // e.g. fastjson's getter-derived "reviveTime"
      if (name in out && JSON.stringify(out[name]) !== JSON.stringify(value)) {
        throw new FormatError(`raw JSON gives ${name} twice, with different values`);
      }
      out[name] = value;
    }
    return out;
  };
}

const CK_JSON_KEYS: Record<string, string> = {
  so: 'startOffset', startOffset: 'startOffset', pt: 'popTime', popTime: 'popTime',
  it: 'invisibleTime', invisibleTime: 'invisibleTime', bm: 'bitMap', bitMap: 'bitMap',
  n: 'num', num: 'num', q: 'queueId', queueId: 'queueId', t: 'topic', topic: 'topic',
  c: 'cid', cid: 'cid', cId: 'cid', ro: 'reviveOffset', reviveOffset: 'reviveOffset',
  d: 'diff', queueOffsetDiff: 'diff', bn: 'brokerName', brokerName: 'brokerName',
  rp: 'rePutTimes', rePutTimes: 'rePutTimes',
};
const ACK_JSON_KEYS: Record<string, string> = {
  ao: 'ackOffset', ackOffset: 'ackOffset', so: 'startOffset', startOffset: 'startOffset',
  c: 'consumerGroup', consumerGroup: 'consumerGroup', t: 'topic', topic: 'topic',
  q: 'queueId', queueId: 'queueId', pt: 'popTime', popTime: 'popTime',
  bn: 'brokerName', brokerName: 'brokerName', aol: 'ackOffsetList', ackOffsetList: 'ackOffsetList',
};

/** A PopCheckPoint as stored in the revive topic (fastjson: so, pt, it, bm, n, q, t, c, ro, d, bn, rp). */
export const CkJsonSchema = z.preprocess(
  normaliseKeys(CK_JSON_KEYS),
  z
    .object({
      startOffset: jlong,
      popTime: jlong,
      invisibleTime: jlong,
      bitMap: jlong.optional().transform((v) => v ?? 0),
      num: jlong,
      queueId: jlong,
      topic: jstr,
      cid: jstr,
      reviveOffset: jlong.optional().transform((v) => v ?? 0),
      diff: z.array(jlong).nullable().optional().transform((v) => v ?? null),
      brokerName: optStr,
      rePutTimes: z
        .union([z.string(), z.number()])
        .nullable()
        .optional()
        .transform((v) => (v === null || v === undefined ? null : String(v))),
    }, { error: 'expected a JSON object' })
    .transform((ck) => ({ ...ck, reviveTime: ck.popTime + ck.invisibleTime })),
);
export type CkJsonView = z.output<typeof CkJsonSchema>;

/** An AckMsg as stored in the revive topic (ao, so, c, t, q, pt, bn). */
export const AckJsonSchema = z.preprocess(
  normaliseKeys(ACK_JSON_KEYS),
  z.object({ ackOffset: jlong, ...ackShape }, { error: 'expected a JSON object' }),
);
/** A BatchAckMsg as stored in the revive topic (aol, and ao = -1). */
export const BatchAckJsonSchema = z.preprocess(
  normaliseKeys(ACK_JSON_KEYS),
  z.object({ ackOffsetList: z.array(jlong), ...ackShape }, { error: 'expected a JSON object' }),
);
export type AckJsonView = z.output<typeof AckJsonSchema>;
export type BatchAckJsonView = z.output<typeof BatchAckJsonSchema>;

// ---------------------------------------------------------------------------------------------
// Templates

/** Hole types: int/word/bool are one token; text runs to the next literal (textLast: to its last occurrence); rest runs to the end; java is a toString() value; json is the rest of the line as JSON. */
export type HoleType = 'int' | 'word' | 'bool' | 'text' | 'textLast' | 'rest' | 'java' | 'json';

type Segment = { readonly lit: string } | { readonly hole: string; readonly type: HoleType };

const PUNCT = ',=:;{}[]()<>~@!.-';

function escapeRe(c: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(c) ? '\\' + c : c;
}

/** A regular expression source matching a literal with liberal whitespace. */
export function literalSource(lit: string): string {
  let out = '';
  let i = 0;
  while (i < lit.length) {
    const c = lit[i];
    if (c === ' ' || c === '\t') {
      while (i < lit.length && (lit[i] === ' ' || lit[i] === '\t')) i++;
      out += '[ \\t]*';
      continue;
    }
    if (PUNCT.includes(c) && !out.endsWith('[ \\t]*')) out += '[ \\t]*';
    out += escapeRe(c);
    i++;
  }
  return out;
}

function parseTemplate(t: string): Segment[] {
  const segs: Segment[] = [];
  const re = /\{(\w+):(int|word|bool|text|textLast|rest|java|json)\}/g;
  let last = 0;
  for (let m = re.exec(t); m; m = re.exec(t)) {
    if (m.index > last) segs.push({ lit: t.slice(last, m.index) });
    segs.push({ hole: m[1], type: m[2] as HoleType });
    last = re.lastIndex;
  }
  if (last < t.length) segs.push({ lit: t.slice(last) });
  return segs;
}

export interface CompiledTemplate {
  readonly source: string;
  readonly segments: readonly Segment[];
  readonly literals: readonly RegExp[];
  readonly firstLiteral: string;
}

export function compileTemplate(t: string): CompiledTemplate {
  const segments = parseTemplate(t);
  return {
    source: t,
    segments,
    literals: segments.map((s) => new RegExp('lit' in s ? literalSource(s.lit) : '', 'y')),
    firstLiteral: 'lit' in segments[0] ? segments[0].lit : '',
  };
}

/** The regular expression that says a message was meant to be this template (its start). */
export function claimRegex(t: CompiledTemplate, extend: boolean): RegExp {
  const segs = t.segments;
  let src = 'lit' in segs[0] ? literalSource(segs[0].lit) : '';
  if (extend && segs.length >= 3 && 'hole' in segs[1] && 'lit' in segs[2]) {
    src += '[^,\\s]*' + literalSource(segs[2].lit.replace(/\s+$/, ''));
  }
  return new RegExp('^[ \\t]*' + src);
}

const TOKEN_STOP = /[\s,]/;

function nextLiteralText(segs: readonly Segment[], k: number): string | null {
  const next = segs[k + 1];
  return next && 'lit' in next ? next.lit : null;
}

/** Matches a whole message against a template; returns the holes' values, or throws FormatError with a reason. */
export function matchTemplate(t: CompiledTemplate, msg: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let pos = 0;
  const segs = t.segments;
  for (let k = 0; k < segs.length; k++) {
    const seg = segs[k];
    if ('lit' in seg) {
      const re = t.literals[k];
      re.lastIndex = pos;
      if (!re.test(msg)) {
        const want = seg.lit.trim();
        const got = msg.slice(pos, pos + Math.max(want.length, 12));
        throw new FormatError(`expected '${want}' at column ${pos + 1}, found '${got}'`);
      }
      pos = re.lastIndex;
      continue;
    }
    pos = skipWs(msg, pos);
    const nextLit = nextLiteralText(segs, k);
    const name = seg.hole;
    switch (seg.type) {
      case 'int':
      case 'word':
      case 'bool': {
        let end = pos;
        while (end < msg.length && !TOKEN_STOP.test(msg[end])) end++;
        let token = msg.slice(pos, end);
        // A literal glued to the hole (`{offset:int}ms`, `{queueId:int}-{offset:int}`) ends the token.
        const cut = nextLit;
        if (cut && !TOKEN_STOP.test(cut[0])) {
          const at = seg.type === 'word' ? token.lastIndexOf(cut[0]) : token.indexOf(cut[0]);
          if (at >= 0) token = token.slice(0, at);
        }
        if (token === '') throw new FormatError(`${name}: missing value at column ${pos + 1}`);
        if (seg.type === 'int' && !/^-?\d+$/.test(token)) throw new FormatError(`${name}: expected an integer, found '${token.slice(0, 40)}'`);
        if (seg.type === 'bool' && token !== 'true' && token !== 'false') throw new FormatError(`${name}: expected true or false, found '${token.slice(0, 40)}'`);
        out[name] = token;
        pos += token.length;
        break;
      }
      case 'text':
      case 'textLast': {
        if (nextLit === null) {
          out[name] = msg.slice(pos).trimEnd();
          pos = msg.length;
          break;
        }
        const re = new RegExp(literalSource(nextLit), 'g');
        re.lastIndex = pos;
        let found = -1;
        for (let m = re.exec(msg); m; m = re.exec(msg)) {
          found = m.index;
          if (seg.type === 'text') break;
          if (m[0].length === 0) re.lastIndex++;
        }
        if (found < 0) throw new FormatError(`${name}: no '${nextLit.trim()}' after column ${pos + 1}`);
        out[name] = msg.slice(pos, found).trim();
        pos = found;
        break;
      }
      case 'rest':
        out[name] = msg.slice(pos).trimEnd();
        pos = msg.length;
        break;
      case 'java': {
        let v: JavaValue;
        try {
          [v, pos] = parseJavaValue(msg, pos, ',');
        } catch (e) {
          if (e instanceof FormatError) throw new FormatError(`${name}: ${e.message}`);
          throw e;
        }
        try {
          out[name] = javaToPlain(v);
        } catch (e) {
          if (e instanceof FormatError) throw new FormatError(`${name}: ${e.message}`);
          throw e;
        }
        break;
      }
      case 'json': {
        const raw = msg.slice(pos).trim();
        try {
          out[name] = JSON.parse(raw);
        } catch {
          throw new FormatError(`${name}: not valid JSON: '${raw.slice(0, 60)}'`);
        }
        pos = msg.length;
        break;
      }
    }
  }
  const rest = msg.slice(pos).trim();
  if (rest !== '') throw new FormatError(`unexpected text at column ${pos + 1}: '${rest.slice(0, 40)}'`);
  return out;
}

// ---------------------------------------------------------------------------------------------
// The line kinds

export interface TemplateSpec {
  /** The template, `{name:type}` holes. */
  readonly t: string;
  /** Constant fields this variant adds to the record (e.g. a reason). */
  readonly extra?: Readonly<Record<string, string>>;
}

export interface FormatSpec<K extends string = string, S extends z.ZodType = z.ZodType> {
  readonly kind: K;
  /** Logged only when `enablePopLog=true`. */
  readonly gated: boolean;
  /** The level RocketMQ logs it at. */
  readonly level: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  readonly templates: readonly TemplateSpec[];
  readonly schema: S;
}

function spec<K extends string, S extends z.ZodType>(
  kind: K,
  gated: boolean,
  level: FormatSpec['level'],
  templates: readonly (string | TemplateSpec)[],
  schema: S,
): FormatSpec<K, S> {
  return { kind, gated, level, templates: templates.map((t) => (typeof t === 'string' ? { t } : t)), schema };
}

const obj = z.object;
/** A kind with no fields. */
const none = z.object({}).transform((): Record<never, never> => ({}));
const str = jstr;
const ckWrap = CkWrapSchema;
const ck = PopCheckPointSchema;
const ack = AnyAckSchema;
const result = PutMessageResultSchema;
const rq = jlong;

const PB = '[PopBuffer]';

export const FORMAT_SPECS = [
  // PopBufferMergeService
  spec('addCk', true, 'INFO', [`${PB}add ck, {ckWrap:java}`], obj({ ckWrap })),
  spec('addCkJustOffset', true, 'INFO', [`${PB}add ck just offset, {ckWrap:java}`], obj({ ckWrap })),
  spec('addCkMocked', true, 'INFO', [`${PB}add ck just offset, mocked, {ckWrap:java}`], obj({ ckWrap })),
  spec('addCkTimeout', true, 'WARN', [`${PB}add ck, timeout, {ck:java}, {now:int}`], obj({ ck, now: jlong })),
  spec('addCkMaxSize', false, 'WARN', [`${PB}add ck, max size, {ck:java}, {counter:int}`], obj({ ck, counter: jlong })),
  spec('mergeKeyConflict', false, 'WARN', [
    { t: `${PB}mergeKey conflict when add ck. ck:{ckWrap:java}, mergeKey:{mergeKey:rest}`, extra: { on: 'addCk' } },
    { t: `${PB}mergeKey conflict when add ckJustOffset. ck:{ckWrap:java}, mergeKey:{mergeKey:rest}`, extra: { on: 'addCkJustOffset' } },
  ], obj({ on: z.enum(['addCk', 'addCkJustOffset']), ckWrap, mergeKey: str })),
  spec('addAck', true, 'INFO', [`${PB}add ack, rqId={rqId:int}, {ckWrap:java}, {ack:java}`], obj({ rqId: rq, ckWrap, ack })),
  spec('addAckFail', true, 'WARN', [
    { t: `${PB}add ack fail, rqId={rqId:int}, no ck, {ack:java}`, extra: { reason: 'noCk' } },
    { t: `${PB}add ack fail, rqId={rqId:int}, almost timeout for revive, {ckWrap:java}, {ack:java}, {now:int}`, extra: { reason: 'almostTimeout' } },
    { t: `${PB}add ack fail, rqId={rqId:int}, stay too long, {ckWrap:java}, {ack:java}, {now:int}`, extra: { reason: 'stayTooLong' } },
  ], obj({
    reason: z.enum(['noCk', 'almostTimeout', 'stayTooLong']),
    rqId: rq,
    ack,
    ckWrap: ckWrap.optional(),
    now: jlong.optional(),
  })),
  spec('invalidAckIndex', false, 'ERROR', [`${PB}Invalid index of ack, reviveQid={rqId:int}, {ack:java}, {ck:java}`], obj({ rqId: rq, ack, ck })),
  spec('addAckError', false, 'ERROR', [`${PB}add ack error, rqId={rqId:int}, {ack:java}`], obj({ rqId: rq, ack })),
  spec('putCkToStoreOk', true, 'INFO', [`${PB}put ck to store ok: {ckWrap:java}, {result:java}`], obj({ ckWrap, result })),
  spec('putCkToStoreFail', false, 'ERROR', [
    `${PB}put ck to store fail: {ckWrap:java}, {result:java}`,
    `${PB}put ck to store fail: {ckWrap:java}`,
  ], obj({ ckWrap, result: result.optional() })),
  spec('putAckToStoreOk', true, 'INFO', [`${PB}put ack to store ok: {ckWrap:java}, {ack:java}, {result:java}`], obj({ ckWrap, ack, result })),
  spec('putAckToStoreFail', false, 'ERROR', [
    `${PB}put ack to store fail: {ckWrap:java}, {ack:java}, {result:java}`,
    `${PB}put ack to store fail: {ckWrap:java}, {ack:java}`,
  ], obj({ ckWrap, ack, result: result.optional() })),
  spec('putBatchAckToStoreOk', true, 'INFO', [`${PB}put batch ack to store ok: {ckWrap:java}, {ack:java}, {result:java}`], obj({ ckWrap, ack, result })),
  spec('putBatchAckToStoreFail', false, 'ERROR', [
    `${PB}put batch ack to store fail: {ckWrap:java}, {ack:java}, {result:java}`,
    `${PB}put batchAckMsg to store fail: {ckWrap:java}, {ack:java}`,
  ], obj({ ckWrap, ack, result: result.optional() })),
  spec('ckDone', true, 'INFO', [`${PB}ck done, {ckWrap:java}`], obj({ ckWrap })),
  spec('ckFinish', true, 'INFO', [`${PB}ck finish, {ckWrap:java}`], obj({ ckWrap })),
  spec('ckFinishStayTooLong', false, 'WARN', [`${PB}ck finish fail, stay too long, {ckWrap:java}`], obj({ ckWrap })),
  spec('ckOffsetNotCommitted', false, 'WARN', [`${PB} ck offset long time not commit, {ckWrap:java}`], obj({ ckWrap })),
  spec('offsetQueueTooLong', false, 'INFO', [`${PB} offset queue size too long, {lockKey:word}, {size:int}`], obj({ lockKey: str, size: jlong })),
  spec('commitOffset', true, 'INFO', [`Commit offset, {ckWrap:java}, {previous:int}`], obj({ ckWrap, previous: jlong })),
  spec('commitOffsetLessThanStore', false, 'WARN', [`Commit offset, consumer offset less than store, {ckWrap:java}, {previous:int}`], obj({ ckWrap, previous: jlong })),
  spec('bufferScan', false, 'INFO', [
    `${PB}scan, PopBufferEclipse={eclipseMs:int}, PopBufferToStoreAck={toStoreAck:int}, PopBufferToStoreCk={toStoreCk:int}, PopBufferSize={size:int}, PopBufferOffsetSize={offsetSize:int}`,
  ], obj({ eclipseMs: jlong, toStoreAck: jlong, toStoreCk: jlong, size: jlong, offsetSize: jlong })),
  spec('bufferScanStop', false, 'WARN', [
    `${PB}scan stop, because eclipse too long, PopBufferEclipse={eclipseMs:int}, PopBufferToStoreAck={toStoreAck:int}, PopBufferToStoreCk={toStoreCk:int}, PopBufferSize={size:int}, PopBufferOffsetSize={offsetSize:int}`,
  ], obj({ eclipseMs: jlong, toStoreAck: jlong, toStoreCk: jlong, size: jlong, offsetSize: jlong })),
  spec('bufferGc', false, 'INFO', [
    { t: `${PB}remove nonexistent topic {topic:word} in buffer!`, extra: { reason: 'topicGone' } },
    { t: `${PB}remove not exit topic {topic:word} in buffer!`, extra: { reason: 'topicGone' } },
    { t: `${PB}remove nonexistent subscription group {group:word} of topic {topic:word} in buffer!`, extra: { reason: 'groupGone' } },
    { t: `${PB}remove not exit sub {group:word} of topic {topic:word} in buffer!`, extra: { reason: 'groupGone' } },
    { t: `${PB}remove long time not used sub {group:word} of topic {topic:word} in buffer!`, extra: { reason: 'unused' } },
  ], obj({ reason: z.enum(['topicGone', 'groupGone', 'unused']), topic: str, group: str.optional() })),
  spec('bufferCancelCk', true, 'INFO', [`${PB}cancelCheckPoint, {ckWrap:java}`], obj({ ckWrap })),
  spec('bufferCancelCkFail', false, 'ERROR', [`${PB}PutMessageCallback cancelCheckPoint fail, {ckWrap:java}, {result:java}`], obj({ ckWrap, result })),
  spec('slaveClear', false, 'INFO', [`Broker is {role:word}, {master:bool}, clear all data`], obj({ role: str, master: jbool })),
  spec('bufferServiceError', false, 'ERROR', [`PopBufferMergeService error`], none),

  // PopReviveService
  spec('reviveStart', false, 'INFO', [`start revive topic={topic:word}, reviveQueueId={rq:int}`], obj({ topic: str, rq })),
  spec('reviveOldOffset', false, 'INFO', [`reviveQueueId={rq:int}, old offset is {offset:int}`], obj({ rq, offset: jlong })),
  spec('findCk', true, 'INFO', [`reviveQueueId={rq:int},find ck, offset:{offset:int}, raw : {ck:json}`], obj({ rq, offset: jlong, ck: CkJsonSchema })),
  spec('findAck', true, 'INFO', [`reviveQueueId={rq:int}, find ack, offset:{offset:int}, raw : {ack:json}`], obj({ rq, offset: jlong, ack: AckJsonSchema })),
  spec('findBatchAck', true, 'INFO', [`reviveQueueId={rq:int}, find batch ack, offset:{offset:int}, raw : {ack:json}`], obj({ rq, offset: jlong, ack: BatchAckJsonSchema })),
  spec('reviveInvalidAckIndex', false, 'ERROR', [
    { t: `invalid ack index, {ack:java}, {ck:java}`, extra: { batch: 'false' } },
    { t: `invalid batch ack index, {ack:java}, {ck:java}`, extra: { batch: 'true' } },
  ], obj({ batch: jbool, ack, ck })),
  spec('reviveAckWaitSkip', false, 'WARN', [
    `ack wait for {waitMs:int}ms cannot find ck, skip this ack. mergeKey:{mergeKey:text}, ack:{ack:java}, mockCk:{mockCk:java}`,
  ], obj({ waitMs: jlong, mergeKey: str, ack, mockCk: ck })),
  spec('reviveReachTail', true, 'INFO', [`reviveQueueId={rq:int}, reach tail,offset {offset:int}`], obj({ rq, offset: jlong })),
  spec('reviveOffsetIllegal', false, 'ERROR', [`reviveQueueId={rq:int}, OFFSET_ILLEGAL {offset:int}, result is {pullResult:rest}`], obj({ rq, offset: jlong, pullResult: str })),
  spec('reviveGetMessageWarn', false, 'WARN', [
    { t: `offset illegal. GetMessageStatus={status:word}, topic={topic:word}, groupId={group:word}, requestOffset={offset:int}`, extra: { what: 'offsetIllegal' } },
    { t: `no matched message. GetMessageStatus={status:word}, topic={topic:word}, groupId={group:word}, requestOffset={offset:int}`, extra: { what: 'noMatchedMessage' } },
    { t: `no new message. GetMessageStatus={status:word}, topic={topic:word}, groupId={group:word}, requestOffset={offset:int}`, extra: { what: 'noNewMessage' } },
  ], obj({ what: z.enum(['offsetIllegal', 'noMatchedMessage', 'noNewMessage']), status: str, topic: str, group: str, offset: jlong })),
  spec('reviveIdleEndTime', false, 'DEBUG', [
    `reviveQueueId={rq:int}, offset is {offset:int}, can not get new msg, old endTime {oldEndTime:int}, new endTime {newEndTime:int}, timerDelay={timerDelay:int}, commitLogDelay={commitLogDelay:int}`,
  ], obj({ rq, offset: jlong, oldEndTime: jlong, newEndTime: jlong, timerDelay: jlong, commitLogDelay: jlong })),
  spec('reviveScanTimeout', false, 'INFO', [`reviveQueueId={rq:int}, scan timeout`], obj({ rq })),
  spec('reviveCkListSize', false, 'INFO', [`reviveQueueId={rq:int}, ck listSize={size:int}`], obj({ rq, size: jlong })),
  spec('reviveCkRange', false, 'INFO', [
    `reviveQueueId={rq:int}, 1st ck, startOffset={firstStartOffset:int}, reviveOffset={firstReviveOffset:int}; last ck, startOffset={lastStartOffset:int}, reviveOffset={lastReviveOffset:int}`,
  ], obj({ rq, firstStartOffset: jlong, firstReviveOffset: jlong, lastStartOffset: jlong, lastReviveOffset: jlong })),
  spec('reviveSkipCk', false, 'WARN', [
    { t: `reviveQueueId={rq:int}, can not get normal topic {name:word}, then continue`, extra: { reason: 'noTopic' } },
    { t: `reviveQueueId={rq:int}, can not get cid {name:word}, then continue`, extra: { reason: 'noGroup' } },
  ], obj({ rq, reason: z.enum(['noTopic', 'noGroup']), name: str })),
  spec('reviveRequestStayTooLong', false, 'WARN', [
    `stay too long, remove from reviveRequestMap, {topic:word}, {brokerName:word}, {queueId:int}, {startOffset:int}`,
  ], obj({ topic: str, brokerName: str, queueId: jlong, startOffset: jlong })),
  spec('reviveBizMsgMissing', false, 'INFO', [
    `reviveQueueId={rq:int}, can not get biz msg, topic:{topic:word}, qid:{queueId:int}, offset:{offset:int}, brokerName:{brokerName:word}, info:{info:textLast}, retry:{retry:bool}, then continue`,
  ], obj({ rq, topic: str, queueId: jlong, offset: jlong, brokerName: str, info: z.string(), retry: jbool })),
  spec('retryMsg', true, 'INFO', [
    `reviveQueueId={rq:int},retry msg, ck={ck:java}, msg queueId {queueId:int}, offset {offset:int}, reviveDelay={reviveDelay:int}, result is {result:java}`,
  ], obj({ rq, ck, queueId: jlong, offset: jlong, reviveDelay: jlong, result })),
  spec('reviveError', false, 'ERROR', [
    `reviveQueueId={rq:int}, revive error, msg is: {msg:rest}`,
    `reviveQueueId={rq:int}, revive error`,
  ], obj({ rq, msg: z.string().optional() })),
  spec('rePutCkMaxTimes', false, 'WARN', [
    `rePut CK reach max times, drop it. {topic:word}, {group:word}, {brokerName:word}, {queueId:int}-{offset:int}, {popTime:int}, {invisibleTime:int}, {rePutTimes:int}`,
  ], obj({ topic: str, group: str, brokerName: str, queueId: jlong, offset: jlong, popTime: jlong, invisibleTime: jlong, rePutTimes: jlong })),
  spec('reviveFinish', false, 'INFO', [
    `reviveQueueId={rq:int}, revive finish,old offset is {oldOffset:int}, new offset is {newOffset:int}, ckDelay={ckDelay:int}`,
  ], obj({ rq, oldOffset: jlong, newOffset: jlong, ckDelay: jlong })),
  spec('reviveRest', false, 'INFO', [`reviveQueueId={rq:int}, has no new msg, take a rest {slow:int}`], obj({ rq, slow: jlong })),
  spec('reviveRoleSkip', false, 'INFO', [
    { t: `skip start revive topic={topic:word}, reviveQueueId={rq:int}`, extra: { stage: 'start' } },
    { t: `slave skip scan, revive topic={topic:word}, reviveQueueId={rq:int}`, extra: { stage: 'scan' } },
    { t: `slave skip ck process, revive topic={topic:word}, reviveQueueId={rq:int}`, extra: { stage: 'ckProcess' } },
    { t: `slave skip commit, revive topic={topic:word}, reviveQueueId={rq:int}`, extra: { stage: 'commit' } },
    { t: `slave skip retry, revive topic={topic:word}, reviveQueueId={rq:int}`, extra: { stage: 'retry' } },
    { t: `slave skip offset correct topic={topic:word}, reviveQueueId={rq:int}`, extra: { stage: 'offsetCorrect' } },
  ], obj({ stage: z.enum(['start', 'scan', 'ckProcess', 'commit', 'retry', 'offsetCorrect']), topic: str, rq })),
  spec('reviveTimerWheelDisabled', false, 'WARN', [`skip revive topic because timerWheelEnable is false`], none),
  spec('reviveReadyAfter', false, 'INFO', [`PopReviveService Ready to run after {at:int}`], obj({ at: jlong })),

  // AckMessageProcessor, PopMessageProcessor, ChangeInvisibleTimeProcessor
  spec('putAckMsgError', false, 'ERROR', [`put ack msg error:{result:java}`, `put ack msg error`], obj({ result: result.optional() })),
  spec('batchAckIllegalQueue', false, 'ERROR', [`Illegal topic or queue found when batch ack {batchAck:rest}`], obj({ batchAck: str })),
  spec('topicNotExist', false, 'ERROR', [`The topic {topic:word} not exist, consumer: {consumer:rest}`], obj({ topic: str, consumer: str })),
  spec('ackBadRequestCode', false, 'ERROR', [`AckMessageProcessor failed to process RequestCode: {code:int}, consumer: {consumer:rest}`], obj({ code: jlong, consumer: str })),
  spec('ackOffsetIllegal', false, 'WARN', [
    { t: `offset is illegal, key:{key:text}, commit:{commit:int}, store:{storeMin:int}~{storeMax:int}`, extra: { path: 'unordered' } },
    { t: `offset is illegal, key:{key:text}, old:{old:int}, commit:{commit:int}, next:{next:int}, {client:rest}`, extra: { path: 'orderly' } },
  ], obj({
    path: z.enum(['unordered', 'orderly']),
    key: str,
    commit: jlong,
    storeMin: jlong.optional(),
    storeMax: jlong.optional(),
    old: jlong.optional(),
    next: jlong.optional(),
    client: str.optional(),
  })),
  spec('queueIdIllegal', false, 'WARN', [
    `queueId[{queueId:int}] is illegal, topic:[{topic:word}] topicConfig.readQueueNums:[{readQueueNums:int}] consumer:[{consumer:textLast}]`,
  ], obj({ queueId: jlong, topic: str, readQueueNums: jlong, consumer: z.string() })),
  spec('popRequest', true, 'INFO', [`receive PopMessage request command, {request:rest}`], obj({ request: str })),
  spec('popNotifyLongPolling', true, 'INFO', [
    `notify long polling request. topic:{topic:word}, group:{group:word}, queueId:{queueId:int}, success:{success:bool}`,
  ], obj({ topic: str, group: str, queueId: jlong, success: jbool })),
  spec('popInitialOffset', false, 'WARN', [
    `Pop initial offset, because store is no correct, {lockKey:word}, {oldOffset:int}->{newOffset:int}`,
  ], obj({ lockKey: str, oldOffset: jlong, newOffset: jlong })),
  spec('popTooMuchUnacked', false, 'WARN', [
    `Too much msgs unacked, then stop popping. topic={topic:word}, group={group:word}, queueId={queueId:int}`,
    `Too much msgs unacked, then stop poping. topic={topic:word}, group={group:word}, queueId={queueId:int}`,
  ], obj({ topic: str, group: str, queueId: jlong })),
  spec('queueLockRemoved', false, 'INFO', [`Remove unused queue lock: {lockKey:word}, {lockTime:int}, {locked:bool}`], obj({ lockKey: str, lockTime: jlong, locked: jbool })),
  spec('queueLockSize', false, 'INFO', [`QueueLockSize={size:int}`], obj({ size: jlong })),
  spec('changeInvisibleCk', true, 'INFO', [
    `change Invisible, appendCheckPoint, topic {topic:word}, queueId {queueId:int},reviveId {reviveQid:int}, cid {group:word}, startOffset {startOffset:int}, rt {reviveTime:int}, result {result:java}`,
  ], obj({ topic: str, queueId: jlong, reviveQid: jlong, group: str, startOffset: jlong, reviveTime: jlong, result })),
  spec('changeInvisibleAckFail', false, 'ERROR', [`change Invisible, put ack msg fail: {ack:java}, {result:java}`], obj({ ack, result })),
  spec('changeInvisibleAckError', false, 'ERROR', [`change Invisible, put ack msg error: {extraInfo:text}, {error:rest}`], obj({ extraInfo: str, error: str })),
  spec('changeInvisibleCkError', false, 'ERROR', [`change invisible, put new ck error: {result:java}`, `change invisible, put new ck error`], obj({ result: result.optional() })),
  spec('changeInvisibleFailed', false, 'ERROR', [`append checkpoint or ack origin failed`], none),
] as const;

export type AnyFormatSpec = (typeof FORMAT_SPECS)[number];
export type PopLogKind = AnyFormatSpec['kind'];

/** The fields of a line kind's record (without the common header fields). */
export type FieldsOf<K extends PopLogKind> = z.output<Extract<AnyFormatSpec, { kind: K }>['schema']>;

export const GATED_KINDS: ReadonlySet<PopLogKind> = new Set(FORMAT_SPECS.filter((s) => s.gated).map((s) => s.kind));
export const ALL_KINDS: readonly PopLogKind[] = FORMAT_SPECS.map((s) => s.kind);

export interface CompiledEntry {
  readonly spec: AnyFormatSpec;
  readonly template: CompiledTemplate;
  readonly extra: Readonly<Record<string, string>>;
  readonly claim: RegExp;
}

function compileAll(): CompiledEntry[] {
  const compiled = FORMAT_SPECS.flatMap((s) =>
    s.templates.map((t) => ({ spec: s as AnyFormatSpec, template: compileTemplate(t.t), extra: t.extra ?? {} })),
  );
  // A first literal shared by several kinds (e.g. "reviveQueueId=") does not decide the kind by itself.
  const owners = new Map<string, Set<string>>();
  for (const c of compiled) {
    const key = c.template.firstLiteral.replace(/\s+/g, ' ').trim();
    owners.set(key, (owners.get(key) ?? new Set()).add(c.spec.kind));
  }
  return compiled.map((c) => {
    const key = c.template.firstLiteral.replace(/\s+/g, ' ').trim();
    const shared = (owners.get(key)?.size ?? 0) > 1;
    return { ...c, claim: claimRegex(c.template, shared) };
  });
}

export const COMPILED: readonly CompiledEntry[] = compileAll();
