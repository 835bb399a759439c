import fc from 'fast-check';

/**
 * Property tests draw a fresh seed on every local run, so they keep exploring; under CI (and
 * whenever HERALD_FC_SEED is set) every property runs from one fixed seed, printed at the start
 * of the run, so that a CI result can be reproduced exactly and does not depend on the draw. A
 * failure still prints its own seed and path for replaying.
 */
export function fixedPropertySeed(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const fromEnv = env.HERALD_FC_SEED;
  if (fromEnv === undefined || fromEnv === '') return env.CI ? 20261204 : undefined;
  const seed = Number(fromEnv);
  if (!Number.isInteger(seed)) throw new Error(`HERALD_FC_SEED must be an integer, not "${fromEnv}"`);
  return seed;
}

const seed = fixedPropertySeed();
if (seed !== undefined) fc.configureGlobal({ ...fc.readConfigureGlobal(), seed });
