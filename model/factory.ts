/**
 * Builds the PopModel from a model identity (model/identity.ts): scenario, messages,
 * release, batch ack, setting overrides, bounds, invariant filter, parsed first by the zod
 * schema (model/identity-schema.ts). The CLI builds its model here, so does `popcheck replay`
 * from a trace header; a parallel explorer whose arguments come from elsewhere can load this
 * module by URL and call `createModel`. (The CLI's own workers load model/build.ts instead:
 * their identity is the one the CLI parsed, and they do not load zod.)
 */
import { modelOf } from './build.js';
import { issueText, type ModelIdentity } from './identity.js';
import { ModelIdentitySchema } from './identity-schema.js';
import type { PopModel } from './popmodel.js';

/** The arguments a model is built from: a model identity. */
export type ModelArgs = ModelIdentity;

/** A model identity that cannot be used; `path` names the field (e.g. ['bounds', 'pops']). */
export class ModelArgsError extends Error {
  constructor(
    readonly path: readonly PropertyKey[],
    message: string,
  ) {
    super(message);
    this.name = 'ModelArgsError';
  }
}

/** Validates `args` against the identity schema; the first issue becomes a ModelArgsError. */
export function parseIdentity(args: unknown): ModelIdentity {
  const parsed = ModelIdentitySchema.safeParse(args);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ModelArgsError(issue.path, `invalid model arguments: ${issue.path.length > 0 ? issueText(issue) : `(root): ${issue.message}`}`);
  }
  return parsed.data;
}

/** Validates `a`, then builds its model. */
export function buildPopModel(a: ModelArgs): PopModel {
  return modelOf(parseIdentity(a));
}

/** An entry point for a parallel explorer's workers (checker/parallel/spec.ts): validates `args`, then builds. */
export function createModel(args: unknown): PopModel {
  return modelOf(parseIdentity(args));
}
