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
  return buildFrom<S, E>(await importModelModule(spec.module), spec);
}

/** A model module's `createModel` (imported). */
export type CreateModel = (args: unknown) => unknown;

/** Imports the model module `module` (a file URL) and returns its `createModel`. */
export async function importModelModule(module: string): Promise<CreateModel> {
  let mod: unknown;
  try {
    mod = await import(module);
  } catch (err) {
    throw new Error(`cannot load model module ${module}: ${(err as Error).message.split('\n')[0]}`);
  }
  const create = (mod as { createModel?: unknown }).createModel;
  if (typeof create !== 'function') throw new Error(`model module ${module} does not export createModel(args)`);
  return create as CreateModel;
}

/** Builds and validates the model of `spec` with its module's `create`. */
export function buildFrom<S, E>(create: CreateModel, spec: ModelSpec): Model<S, E> {
  const model = create(spec.args) as Model<S, E>;
  validateModel(model);
  return model;
}
