// The MJML worker thread. mjml 5's mjml2html is async, while the compiler's phases are plain
// synchronous functions; the main thread posts a job here and blocks on a shared flag until the
// result is back (see mjml-sync.ts). Plain JavaScript: worker threads do not inherit the
// TypeScript loader of the main thread.
import { parentPort, workerData } from 'node:worker_threads';
import mjml2html from 'mjml';

const flag = new Int32Array(workerData.shared);
const port = workerData.port;

parentPort.on('message', async (job) => {
  let reply;
  try {
    const result = await mjml2html(job.source, { validationLevel: 'strict', keepComments: true, minify: false, beautify: false });
    reply = { html: result.html, errors: [] };
  } catch (e) {
    if (Array.isArray(e?.errors)) {
      reply = { errors: e.errors.map((x) => ({ line: x.line ?? 0, message: String(x.message), tagName: x.tagName ?? '' })) };
    } else {
      reply = { errors: [], fatal: String(e?.message ?? e) };
    }
  }
  port.postMessage(reply);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
