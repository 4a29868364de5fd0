/**
 * Every fast-check property runs from a fixed seed, so `npm test` gives the same verdict on every
 * run and a failure reproduces as it is (fast-check prints the seed and the path of a
 * counterexample). A property that passes its own `seed` keeps it. FC_SEED=N runs the whole
 * suite from another seed, to look further.
 */
import fc from 'fast-check';

/** The seed every property without its own uses, unless FC_SEED gives another. */
const DEFAULT_FC_SEED = 20_261_202;

const given = process.env.FC_SEED;
if (given !== undefined && !/^-?[0-9]+$/.test(given)) throw new Error(`FC_SEED: expected an integer, got "${given}"`);
fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: given === undefined ? DEFAULT_FC_SEED : Number(given) });
