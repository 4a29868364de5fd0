/**
 * "Which model" for the KV (RocksDB) POP service: the same fields as the CK path's model
 * identity (model/identity.ts: scenario, messages, rocketmq, settings, bounds, invariants),
 * with scenario `kv`, the KV bounds and the settings the KV model reads. The CLI's flags
 * (`check --kv`), a KV trace's header (traces/kv.ts) and the catalogue's KV reproductions
 * (model/catalogue.ts) all build one and are checked by this one schema.
 */
import { z } from 'zod';
import { RELEASES } from '../versions.js';
import { MAX_SETTING_MS } from '../limits.js';
import { KV_INVARIANT_NAMES } from './invariants.js';

/** Releases that ship the KV service (PopConsumerService came in 5.3.2). */
export const KV_RELEASES = ['5.3.2', '5.3.3', 'head'] as const;

/** The KV bounds besides messages (the CLI's flags and ranges). */
export const KV_BOUND_LIMITS = {
  messages: { min: 1, max: 6, flag: '--messages' },
  pops: { min: 1, max: 6, flag: '--pops' },
  batch: { min: 1, max: 4, flag: '--batch' },
  changes: { min: 0, max: 3, flag: '--changes' },
  crashes: { min: 0, max: 2, flag: '--crashes' },
  retryFailures: { min: 0, max: 3, flag: '--retry-failures' },
} as const;

export type KvBoundName = Exclude<keyof typeof KV_BOUND_LIMITS, 'messages'>;
export const KV_BOUND_NAMES = ['pops', 'batch', 'changes', 'crashes', 'retryFailures'] as const satisfies readonly KvBoundName[];

/** The settings the KV model reads, each with its kind (for `--set` and the schema). */
export const KV_SETTABLE = {
  enablePopBufferMerge: 'boolean',
  popInvisibleTime: 'ms',
  popCkStayBufferTime: 'ms',
  popReviveMaxAttemptTimes: 'int',
  kvStagedMinOffset: 'boolean',
  kvAtomicCleanup: 'boolean',
} as const;

const Ms = z.number().int().min(1).max(MAX_SETTING_MS);
export const KvSettingsOverridesSchema = z
  .object({
    enablePopBufferMerge: z.boolean().optional(),
    popInvisibleTime: Ms.optional(),
    popCkStayBufferTime: Ms.optional(),
    popReviveMaxAttemptTimes: z
      .number()
      .refine((v) => Number.isInteger(v) && v >= 0 && v <= 16, 'must be an integer from 0 to 16 (above 16 the back-off table index overflows in the Java)')
      .optional(),
    kvStagedMinOffset: z.boolean().optional(),
    kvAtomicCleanup: z.boolean().optional(),
  })
  .strict();

const bound = (k: keyof typeof KV_BOUND_LIMITS) => {
  const { min, max } = KV_BOUND_LIMITS[k];
  return z
    .number()
    .refine((v) => Number.isInteger(v) && v >= min && v <= max, { error: (iss) => `must be an integer from ${min} to ${max} (got ${String(iss.input)})` });
};

export const KvBoundsSchema = z
  .object({ pops: bound('pops').optional(), batch: bound('batch').optional(), changes: bound('changes').optional(), crashes: bound('crashes').optional(), retryFailures: bound('retryFailures').optional() })
  .strict();

export const KV_IDENTITY_FIELDS = {
  scenario: z.literal('kv'),
  messages: bound('messages'),
  rocketmq: z.string().refine((r) => (KV_RELEASES as readonly string[]).includes(r), {
    error: (iss) =>
      RELEASES.some((x) => x.name === iss.input)
        ? `the KV POP service ships since 5.3.2; ${String(iss.input)} has none (use ${KV_RELEASES.join(', ')})`
        : `unknown release '${String(iss.input)}' (known: ${RELEASES.map((r) => r.name).join(', ')})`,
  }),
  settings: KvSettingsOverridesSchema.optional(),
  bounds: KvBoundsSchema.optional(),
  invariants: z
    .array(z.enum(KV_INVARIANT_NAMES, { error: (iss) => `unknown KV invariant '${String(iss.input)}' (known: ${KV_INVARIANT_NAMES.join(', ')})` }))
    .readonly()
    .nullable()
    .optional(),
};

export const KvIdentitySchema = z.object(KV_IDENTITY_FIELDS).strict();
export type KvIdentity = z.infer<typeof KvIdentitySchema>;
export type KvSettingOverrides = z.infer<typeof KvSettingsOverridesSchema>;
export type KvEntryBounds = z.infer<typeof KvBoundsSchema>;

/** The flag of a field of a KV identity (as cli/args.ts's flagOf for the CK path). */
export function kvFlagOf(path: readonly PropertyKey[]): string {
  const [head, sub] = path.map(String);
  if (head === 'bounds' && sub !== undefined) return (KV_BOUND_LIMITS as Record<string, { flag: string }>)[sub]?.flag ?? `--${sub}`;
  if (head === 'settings') return sub === undefined ? '--set' : `--set ${sub}`;
  if (head === 'invariants') return '--invariant';
  return `--${head}`;
}

/** The first problem of a KV identity as `{ path, message }`, or null. */
export function kvIdentityIssue(candidate: unknown): { readonly path: readonly PropertyKey[]; readonly message: string } | null {
  const r = KvIdentitySchema.safeParse(candidate);
  if (r.success) return null;
  const i = r.error.issues[0];
  return { path: i.path, message: i.message };
}

/** Why the identity cannot be built, as one line naming the flag, or null. */
export function kvIdentityError(candidate: unknown): string | null {
  const i = kvIdentityIssue(candidate);
  if (i === null) return null;
  return i.path.length === 0 ? i.message : `${kvFlagOf(i.path)}: ${i.message}`;
}
