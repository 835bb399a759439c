/**
 * The fuzzer's worker process: `node fuzz-child.mjs <module exporting main>` (the compiled CLI,
 * dist/cli/main.js, unless a test plants another). Plain JavaScript, so it runs the program users
 * run without a TypeScript loader in between, and loads it once for many mutants.
 *
 * Over the IPC channel it answers `{ ready: true }` once the CLI is loaded, then for each
 * `{ i, argv, cwd }` the parent sends it runs the CLI's `main` on it with captured output and
 * answers `{ i, code, stdout, stderr, ms }`. The parent (run-mutants.ts) makes and judges the
 * mutants, watches the time each one takes, and kills this process when one runs past the bound.
 */
import { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';

const { main } = await import(pathToFileURL(process.argv[2]).href);

function collector() {
  const chunks = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

async function runOne({ i, argv, cwd }) {
  const out = collector();
  const err = collector();
  const started = performance.now();
  let code;
  try {
    code = await main(argv, { stdout: out.stream, stderr: err.stream, cwd, env: { NO_COLOR: '1' } });
  } catch (e) {
    // main never throws for bad input: this is itself a finding (code -1 fails the judge).
    code = -1;
    err.stream.write(`main threw: ${e?.stack ?? String(e)}`);
  }
  return { i, code, stdout: out.text(), stderr: err.text(), ms: Math.round(performance.now() - started) };
}

// One mutant at a time, in the order sent: a queue, so a message that arrives while one runs waits.
let queue = Promise.resolve();
process.on('message', (job) => {
  queue = queue.then(async () => process.send(await runOne(job)));
});
// The parent going away (killed, finished) ends this process too.
process.on('disconnect', () => process.exit(0));
process.send({ ready: true });
