/**
 * Runs mutants in this one process (the CLI's `main` with captured output, so modules load once):
 * argv = seed, first index, last index (exclusive), scratch folder. Before each mutant it prints
 * `START <index> <mutant as JSON>`; after it, one JSON line with the verdict (see judge). The parent watches the
 * time between the two and kills this process when a mutant runs past the bound.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../../../cli/main.ts';
import type { CliIO } from '../../../cli/command.ts';
import { makeMutant, random } from '../mutate.ts';
import { judge } from '../judge.ts';

const [seedText, fromText, toText, scratch] = process.argv.slice(2) as [string, string, string, string];
const seed = Number(seedText);

function collector(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

for (let i = Number(fromText); i < Number(toText); i++) {
  const dir = join(scratch, `m${i}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const mutant = makeMutant(dir, seed, i);
  process.stdout.write(`START ${i} ${JSON.stringify(mutant)}\n`);
  const format = random(seed ^ (i * 7919))() < 0.75 ? 'json' : 'pretty';
  const argv = format === 'json' ? ['validate', dir, '--format', 'json'] : ['compile', dir];
  const out = collector();
  const err = collector();
  const io: CliIO = { stdout: out.stream, stderr: err.stream, cwd: scratch, env: { NO_COLOR: '1' } };
  const started = performance.now();
  let code: number;
  try {
    code = await main(argv, io);
  } catch (e) {
    // main never throws for bad input: this is itself a finding.
    code = -1;
    err.stream.write(`main threw: ${(e as Error).stack ?? String(e)}`);
  }
  const ms = Math.round(performance.now() - started);
  rmSync(dir, { recursive: true, force: true });
  const problems = judge({ code, stdout: out.text(), stderr: err.text(), format });
  process.stdout.write(`${JSON.stringify({ i, base: mutant.base, mutations: mutant.mutations, command: argv[0], code, ms, problems })}\n`);
}
process.stdout.write('END\n');
