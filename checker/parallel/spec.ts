/**
 * Which model to explore, as something every thread can load: the URL of an ES module that
 * exports `createModel(args)`, and the arguments (structured-cloneable) to build it with.
 */
import { validateModel, type Model } from '../model.js';

export interface ModelSpec {
  /** File URL (href) of an ES module exporting `createModel(args): Model`. */
  readonly module: string;
  readonly args: unknown;
}

/**
 * Imports the module and builds the model. The element types S and E are the caller's
 * claim: they cannot be checked at run time.
 */
export async function loadModel<S, E>(spec: ModelSpec): Promise<Model<S, E>> {
  let mod: unknown;
  try {
    mod = await import(spec.module);
  } catch (err) {
    throw new Error(`cannot load model module ${spec.module}: ${(err as Error).message.split('\n')[0]}`);
  }
  const create = (mod as { createModel?: unknown }).createModel;
  if (typeof create !== 'function') throw new Error(`model module ${spec.module} does not export createModel(args)`);
  const model = (create as (args: unknown) => Model<S, E>)(spec.args);
  validateModel(model);
  return model;
}
