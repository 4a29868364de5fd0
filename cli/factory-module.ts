/**
 * The dist build of model/build.js, which parallel workers load (the CLI runs from dist): it
 * builds from the identity parseCheckArgs parsed, without loading zod in the worker.
 */
export const FACTORY_MODULE = new URL('../model/build.js', import.meta.url).href;
