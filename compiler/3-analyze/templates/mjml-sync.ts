import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';

/** What one MJML run returns: the HTML, or strict-validation errors (1-based lines), or a fatal parse error. */
export interface MjmlResult {
  html?: string;
  errors: Array<{ line: number; message: string; tagName: string }>;
  fatal?: string;
}

interface Runner {
  worker: Worker;
  port: MessagePort;
  flag: Int32Array;
}

let runner: Runner | undefined;
let runs = 0;

/** How many times MJML has run in this process: the compile-once guarantee is tested with it. */
export function mjmlRunCount(): number {
  return runs;
}

const TIMEOUT_MS = 60_000;

/**
 * Runs MJML (strict validation, no minification) synchronously. mjml 5 only offers an async API,
 * so it runs in a long-lived worker thread and this thread waits on a shared flag; the compiler's
 * phases stay plain functions.
 */
export function mjmlSync(source: string): MjmlResult {
  runs++;
  const r = (runner ??= start());
  Atomics.store(r.flag, 0, 0);
  r.worker.postMessage({ source });
  const waited = Atomics.wait(r.flag, 0, 0, TIMEOUT_MS);
  const reply = receiveMessageOnPort(r.port);
  if (waited === 'timed-out' || !reply) {
    stopMjmlWorker();
    return { errors: [], fatal: `MJML did not answer within ${TIMEOUT_MS / 1000} s` };
  }
  return reply.message as MjmlResult;
}

/** Ends the worker (tests and long-lived processes that are done compiling). */
export function stopMjmlWorker(): void {
  if (!runner) return;
  void runner.worker.terminate();
  runner.port.close();
  runner = undefined;
}

function start(): Runner {
  const shared = new SharedArrayBuffer(4);
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(new URL('./mjml-worker.mjs', import.meta.url), {
    workerData: { shared, port: port2 },
    transferList: [port2],
  });
  // Never keep a finished CLI run alive just because the worker exists.
  worker.unref();
  port1.unref();
  return { worker, port: port1, flag: new Int32Array(shared) };
}
