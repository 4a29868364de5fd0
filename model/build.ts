/**
 * Builds the PopModel of a model identity that has already been parsed by the zod schema
 * (model/identity-schema.ts), without loading zod: the explorer's path, in the main thread and
 * in every worker thread of `--workers`, is zod-free (test/model/module-graph.test.ts checks
 * it). model/factory.ts parses an identity from outside and then builds here.
 */
import { resolveSettings } from './config.js';
import type { ModelIdentity } from './identity.js';
import { PopModel } from './popmodel.js';
import { findScenario } from './scenarios/index.js';

/** The model of a parsed identity (scenario, messages, release, batch ack, settings, bounds, invariants). */
export function modelOf(id: ModelIdentity): PopModel {
  const def = findScenario(id.scenario);
  if (!def) throw new RangeError(`unknown scenario '${id.scenario}'`);
  const settings = resolveSettings({ release: id.rocketmq, scenarioConfig: def.config, batchAck: id.batchAck, overrides: id.settings });
  const instance = def.build({ messages: id.messages, release: id.rocketmq, settings, bounds: id.bounds });
  const only = id.invariants ?? null;
  return new PopModel(instance, only ? (n) => only.includes(n as (typeof only)[number]) : undefined);
}

/**
 * The entry point of the CLI's parallel workers (checker/parallel/spec.ts loads this module
 * by URL): `args` is the structured clone of the identity the coordinating thread parsed from
 * the user's flags (cli/args.ts) before it started any worker, so it is not parsed again here
 * and a worker does not load zod (about 4 MB of its isolate). A caller whose arguments have not
 * been parsed uses model/factory.ts's `createModel`, which parses them first.
 */
export function createModel(args: unknown): PopModel {
  return modelOf(args as ModelIdentity);
}
