/**
 * The `--json` outputs as zod schemas: the data contract of popcheck's verdicts. The JSON
 * Schemas under docs/schemas/ are generated from these (`npm run docs`) and kept in sync by
 * a test; the same test parses real reports with them, so a field added to a report without
 * its schema (or the other way round) fails.
 */
import { z } from 'zod';
import { EventSchema } from '../model/events.js';
import { INVARIANT_NAMES } from '../model/invariants.js';
import { ObservationSchema } from '../model/observation-schema.js';
import { ACTORS } from '../model/protocol/context.js';
import { SettingsSchema } from '../model/settings-schema.js';
import { StateRecordSchema } from '../model/state-schema.js';
import { TraceHeaderSchema } from '../traces/format.js';
import { IDENTITY_FIELDS } from '../model/identity-schema.js';
import { CkIdSchema, CkResultSchema, CkViolationSchema } from '../traces/validate.js';
import { ItfTraceSchema } from '../traces/itf.js';
import { PopLogJsonlHeaderSchema, PopLogJsonlLineSchema } from '../traces/poplog-jsonl.js';

const Int = z.number().int();
/** A count that can exceed 2^53, as a decimal string. */
const BigCount = z.string().regex(/^[0-9]+$/);

export const NoteSchema = z
  .object({
    actor: z.enum(ACTORS),
    tag: z.string(),
    text: z.string(),
  })
  .strict();

export const NarratedStepSchema = z
  .object({
    index: Int.min(1),
    event: EventSchema,
    /** Model time after the step, ms. */
    time: Int,
    notes: z.array(NoteSchema),
    /** What the step did, typed; `notes` are their rendering. */
    observations: z.array(ObservationSchema),
    /** With `--with-states`: the state after the step. */
    state: StateRecordSchema.optional(),
  })
  .strict();

export const ViolationReportSchema = z
  .object({
    invariant: z.enum(INVARIANT_NAMES),
    kind: z.enum(['always', 'final', 'transition']),
    description: z.string(),
    length: Int.min(0),
    violatingInterleavings: BigCount.nullable(),
    explanation: z.array(z.string()),
    counterexample: z.object({ steps: z.array(NarratedStepSchema) }).strict(),
    /** Catalogue bugs (and confirmed hypotheses) whose fix, set alone on the run's settings, makes this counterexample no behaviour of the model (its steps replay without the violation, or one is refused). */
    knownBugs: z.array(
      z
        .object({
          id: z.string(),
          kind: z.enum(['bug', 'hypothesis']),
          title: z.string(),
          fixedIn: z.string(),
          links: z.array(z.string()),
          /** The entry's fix as settings: its own change (#8835: PR #8836's), else its switches at the values of its fixed run. */
          fix: z.record(z.string(), z.unknown()),
          /** null: under the fix the same steps replay without the violation; else the first step the fix does not allow, and why. */
          refused: z.object({ step: Int.min(1), reason: z.string() }).strict().nullable(),
        })
        .strict(),
    ),
  })
  .strict();

export const CheckReportSchema = z
  .object({
    verdict: z.enum(['holds', 'violated', 'incomplete']),
    rocketmq: z.string(),
    scenario: z.enum(['ack-flush', 'full']),
    messages: Int.min(1),
    /** The bounds in words, e.g. "queues=1, messages=3, pops=2, batch=2". */
    bounds: z.string(),
    batchAck: z.boolean(),
    settings: SettingsSchema,
    invariants: z.array(z.enum(INVARIANT_NAMES)),
    invariant: z.enum(INVARIANT_NAMES).nullable(),
    complete: z.boolean(),
    stopReason: z.string().nullable(),
    states: Int.min(0),
    transitions: Int.min(0),
    depth: Int.min(0),
    terminalStates: Int.min(0),
    interleavings: BigCount.nullable(),
    violatingInterleavings: BigCount.nullable(),
    symmetry: z.boolean(),
    elapsedMs: z.number().min(0),
    statesPerSecond: z.number().min(0),
    storeBytes: Int.min(0),
    bytesPerState: z.number().min(0),
    peakRssBytes: Int.min(0).nullable(),
    rssBytesPerState: z.number().min(0).nullable(),
    collisionProbability: z.number().min(0),
    counterexample: z.object({ steps: z.array(NarratedStepSchema) }).strict().nullable(),
    violations: z.array(ViolationReportSchema),
    /** With `--spill-dir`: the run kept its visited set and queue on disk (null: all in memory). */
    spill: z
      .object({
        /** Successors held in memory between two merges (`--spill-buffer`). */
        bufferStates: Int.min(1),
        /** Merges of that buffer with the visited set on disk. */
        merges: Int.min(0),
        /** Most bytes on disk at once. */
        diskPeakBytes: Int.min(0),
        /** 'not-layered': the in-memory run counts this graph's interleavings from edges kept in memory; a spilled run does not count them (interleavings null). */
        pathsNotCounted: z.enum(['not-layered']).nullable(),
      })
      .strict()
      .nullable(),
  })
  .strict();

const BugRunSchema = z.object({ release: z.string(), overrides: z.record(z.string(), z.unknown()).optional(), bounds: z.record(z.string(), z.unknown()).optional(), label: z.string() }).strict();

export const BugReportSchema = z
  .object({
    bug: z
      .object({
        id: z.string(),
        kind: z.enum(['bug', 'hypothesis', 'hazard']),
        /** The CK path's entries run here; a KV entry's --bug report is the KV service's (cli/kv-command.ts). */
        implementation: z.literal('ck'),
        title: z.string(),
        summary: z.string(),
        links: z.array(z.string()),
        affected: z.array(z.string()),
        fixedIn: z.string(),
        atHead: z.enum(['fixed', 'open', 'by-design', 'refuted']),
        upstream: z.string(),
        switches: z.array(z.string()),
        invariant: z.enum(INVARIANT_NAMES),
        scenario: z.enum(['ack-flush', 'full']),
        messages: Int.min(1),
        bounds: z.record(z.string(), z.unknown()).optional(),
        batchAck: z.boolean().optional(),
        settings: z.record(z.string(), z.unknown()).optional(),
        /** The yes/no settings the bug needs before `check` names it (absent: the yes/no settings of `settings`). */
        conditions: z.record(z.string(), z.boolean()).optional(),
        /** The bug's own fix as settings, when its fixed release brings more (absent: what the two runs' switches differ in). */
        fix: z.record(z.string(), z.unknown()).optional(),
        expectBuggy: z.enum(['violated', 'holds']),
        shortest: Int.nullable(),
        finding: z.string().optional(),
        java: z.string().optional(),
        buggyRun: BugRunSchema,
        fixedRun: BugRunSchema,
      })
      .strict(),
    outcome: z.enum(['as-expected', 'not-as-expected', 'incomplete']),
    asExpected: z.boolean(),
    buggy: CheckReportSchema,
    fixed: CheckReportSchema,
  })
  .strict();

export const ReplayReportSchema = z
  .object({
    file: z.string(),
    header: TraceHeaderSchema,
    verdict: z.enum(['conforms', 'diverges', 'violated']),
    lines: z.object({ events: Int.min(0), used: Int.min(0), skipped: z.array(Int) }).strict(),
    divergence: z.object({ line: Int.min(1), event: EventSchema, reason: z.string() }).strict().nullable(),
    violations: z.array(z.object({ invariant: z.string(), line: Int.min(1), explanation: z.array(z.string()) }).strict()),
    finalInvariants: z
      .object({
        checked: z.boolean(),
        invariants: z.array(z.string()),
        reason: z.string().nullable(),
        pending: z.array(EventSchema),
        pendingCount: Int.min(0),
      })
      .strict()
      .nullable(),
    steps: z.array(z.object({ line: Int.min(1), event: EventSchema, notes: z.array(NoteSchema), observations: z.array(ObservationSchema) }).strict()),
    finalState: StateRecordSchema,
  })
  .strict();

const Verdict = z.enum(['conforms', 'violated', 'diverges', 'incomplete']);

/** `popcheck validate --json`: one file's verdict. */
export const ValidateFileReportSchema = z
  .object({
    file: z.string(),
    format: z.enum(['poplog', 'poplog-jsonl', 'trace']),
    rocketmq: z.string(),
    verdict: Verdict,
    /** The 1-based line where the verdict became certain (null when it conforms). */
    line: Int.min(1).nullable(),
    invariant: z.string().nullable(),
    ck: CkIdSchema.nullable(),
    offsets: z.array(Int),
    /** Catalogue entries (popcheck bugs) the violation's pattern matches. */
    catalogue: z.array(z.string()),
    reason: z.string().nullable(),
    explanation: z.array(z.string()),
    violations: z.array(CkViolationSchema),
    candidatesBefore: Int.min(0).nullable(),
    lines: Int.min(0),
    linesByKind: z.record(z.string(), Int.min(0)),
    unusedLines: z
      .object({
        total: Int.min(0),
        notPerCk: z.record(z.string(), Int.min(0)),
        unknown: Int.min(0),
        malformed: Int.min(0),
        blank: Int.min(0),
        continuation: Int.min(0),
        ckBeforeLog: Int.min(0),
        ckUnchecked: Int.min(0),
        afterVerdict: Int.min(0),
      })
      .strict(),
    malformedExamples: z.array(z.object({ line: Int.min(1), reason: z.string() }).strict()),
    coverage: z.string(),
    cks: z.object({ total: Int.min(0), conforms: Int.min(0), violated: Int.min(0), diverges: Int.min(0), unchecked: Int.min(0), incomplete: Int.min(0) }).strict(),
    findings: z.array(CkResultSchema),
    facts: z.object({ truncatedLastLine: z.boolean(), linesTooLong: Int.min(0), timeWentBack: Int.min(0) }).strict(),
    replay: ReplayReportSchema.nullable(),
  })
  .strict();

/** `popcheck validate --json`: the verdict over every file (the worst), with the first finding's place. */
export const ValidateReportSchema = z
  .object({
    command: z.literal('validate'),
    verdict: Verdict,
    file: z.string().nullable(),
    line: Int.min(1).nullable(),
    invariant: z.string().nullable(),
    ck: CkIdSchema.nullable(),
    offsets: z.array(Int),
    catalogue: z.array(z.string()),
    linesByKind: z.record(z.string(), Int.min(0)),
    unusedLines: Int.min(0),
    files: z.array(ValidateFileReportSchema),
  })
  .strict();

const MESSAGE_STATES = ['available', 'inFlight', 'ackBuffered', 'ackStored', 'ackLost', 'changed', 'reviving', 'done', 'retried', 'dropped', 'unexpected'] as const;
const CK_STATES = ['none', 'buffered', 'stored', 'delivered', 'doneInMemory', 'lost', 'revived', 'unexpected'] as const;
const BrokerName = z.string().nullable();

/** model/session.ts's Panels: the state as a whiteboard's panels. */
export const PanelsSchema = z
  .object({
    time: Int,
    release: z.string(),
    broker: z.object({ serving: z.boolean(), role: z.enum(['master', 'slave']), epoch: Int }).strict(),
    consumer: z
      .object({
        held: z.array(z.object({ ck: z.string(), queueId: Int, offsets: z.array(Int) }).strict()),
        acked: z.array(z.object({ queueId: Int, offset: Int, inTime: z.boolean() }).strict()),
      })
      .strict(),
    buffer: z.array(
      z
        .object({
          ck: z.string(),
          queueId: Int,
          startOffset: Int,
          num: Int,
          inBuffer: z.boolean(),
          inOffsetQueue: z.boolean(),
          justOffset: z.boolean(),
          ckStored: z.boolean(),
          bits: z.array(z.boolean()),
          toStoreBits: z.array(z.boolean()),
          nextBeginOffset: Int,
          lifecycle: z.enum(CK_STATES),
        })
        .strict(),
    ),
    queues: z.array(
      z.object({ queueId: Int, minOffset: Int, maxOffset: Int, consumerOffset: Int, consumerOffsetPersisted: Int, offsetQueue: z.array(z.string()) }).strict(),
    ),
    timer: z.array(z.object({ what: z.string(), brokerName: BrokerName, deliverTimeMs: Int, slot: Int }).strict()),
    reviveQueue: z
      .object({
        entries: z.array(z.object({ offset: Int, what: z.string(), brokerName: BrokerName, deliverTimeMs: Int }).strict()),
        reviveOffset: z.object({ inMemory: Int, committed: Int, persisted: Int }).strict(),
      })
      .strict(),
    retryTopic: z
      .object({
        name: z.string(),
        messages: z.array(z.object({ queueId: Int, offset: Int, ck: z.string(), acked: z.boolean(), again: z.boolean() }).strict()),
      })
      .strict(),
    messages: z.array(z.object({ queueId: Int, offset: Int, ck: z.string(), state: z.enum(MESSAGE_STATES) }).strict()),
  })
  .strict();

/** model/session.ts's Broken: an invariant and the step that first broke it. */
export const BrokenSchema = z.object({ invariant: z.enum(INVARIANT_NAMES), description: z.string(), step: Int.min(0), why: z.array(z.string()) }).strict();

const ExplainModelSchema = z.object(IDENTITY_FIELDS).strict();

/** `popcheck explain --json`: the walked steps with the panels after each, and how the run ends. */
export const ExplainReportSchema = z
  .object({
    command: z.literal('explain'),
    source: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('bug'), id: z.string(), fixed: z.boolean() }).strict(),
      z.object({ kind: z.literal('trace'), file: z.string() }).strict(),
      z.object({ kind: z.literal('scenario') }).strict(),
    ]),
    /** violated: the walked run breaks an invariant (or a trace event is refused); holds; incomplete: the check stopped early. */
    verdict: z.enum(['violated', 'holds', 'incomplete']),
    /** With scenario flags: the check whose shortest counterexample is walked. */
    check: z
      .object({
        verdict: z.enum(['holds', 'violated', 'incomplete']),
        states: Int.min(0),
        interleavings: BigCount.nullable(),
        violatingInterleavings: BigCount.nullable(),
        invariant: z.enum(INVARIANT_NAMES).nullable(),
        stopReason: z.string().nullable(),
        /** The catalogue bugs the walked counterexample is (as `check`'s knownBugs). */
        knownBugs: z.array(z.object({ id: z.string(), kind: z.enum(['bug', 'hypothesis']), title: z.string(), fixedIn: z.string() }).strict()),
      })
      .strict()
      .nullable(),
    title: z.string(),
    intro: z.array(z.string()),
    model: ExplainModelSchema,
    /** The panels before the first step. */
    initial: PanelsSchema,
    steps: z.array(
      NarratedStepSchema.omit({ state: true }).extend({
        headline: z.string(),
        /** The panels after the step. */
        panels: PanelsSchema,
        /** The panels (consumer, buffer, queue 0, timer, revive, retry, messages, ...) whose line the step changed. */
        changed: z.array(z.string()),
      }),
    ),
    /** Invariants broken, the one told first first. */
    broken: z.array(BrokenSchema),
    refused: z.object({ step: Int.min(1), why: z.string(), where: z.string().nullable() }).strict().nullable(),
    quiescent: z.boolean(),
    /** The same steps on another configuration (with --bug: the other release of the entry). */
    coda: z
      .object({
        label: z.string(),
        identity: ExplainModelSchema,
        divergence: z
          .object({ step: Int.min(1), refused: z.string().nullable(), before: z.array(ObservationSchema), after: z.array(ObservationSchema) })
          .strict()
          .nullable(),
        divergedHeadline: z.string().nullable(),
        steps: Int.min(0),
        broken: z.array(BrokenSchema),
        retriedHere: z.array(Int),
        retriedThere: z.array(Int),
      })
      .strict()
      .nullable(),
  })
  .strict();

/** The published schemas: file name under docs/schemas/ and its zod schema. */
export const PUBLISHED_SCHEMAS: readonly (readonly [string, z.ZodType])[] = [
  ['check-report.schema.json', CheckReportSchema],
  ['bug-report.schema.json', BugReportSchema],
  ['replay-report.schema.json', ReplayReportSchema],
  ['explain-report.schema.json', ExplainReportSchema],
  ['validate-report.schema.json', ValidateReportSchema],
  ['trace-header.schema.json', TraceHeaderSchema],
  ['trace-event.schema.json', EventSchema],
  ['poplog-jsonl-header.schema.json', PopLogJsonlHeaderSchema],
  ['poplog-jsonl-line.schema.json', PopLogJsonlLineSchema],
  ['itf-trace.schema.json', ItfTraceSchema],
];

/** A JSON Schema document (draft 2020-12) of `schema`, with a title. */
export function jsonSchemaText(name: string, schema: z.ZodType): string {
  const doc = { title: name.replace('.schema.json', ''), ...z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', reused: 'ref' }) };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
