/**
 * Writes one mutant for a look by hand: `node bin/run-ts.js test/fuzz/support/make-mutant.ts
 * <seed> <index> <empty folder>`, then run `herald validate` or `herald compile` on the folder.
 */
import { makeMutant } from '../mutate.ts';

const [seed, index, dir] = process.argv.slice(2) as [string, string, string];
process.stdout.write(`${JSON.stringify(makeMutant(dir, Number(seed), Number(index)))}\n`);
