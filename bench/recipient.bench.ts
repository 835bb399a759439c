/**
 * The recipient's side under load: click redirects (token verification, the message looked up,
 * the click recorded once, the 302 to the template's link) over real HTTP with autocannon, against
 * a server process of its own (bench/recipient-server.ts). Baseline (same run, same server): a
 * fixed 302 with no work, the floor of any Node HTTP server. Also: forged tokens (refused with 404)
 * and token verification alone, in process.
 *
 * Target: >= 20,000 click redirects per second on one core. The server is one process (one
 * thread), so requests per second of the server's CPU time is its one-core rate; on a shared
 * machine wall-clock rates also count the time other processes hold the core, and are printed too.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import autocannon from 'autocannon';
import type { BenchSuite } from './types.ts';
import { LinkSigner } from '../runtime/recipient/tokens.ts';

const REQUESTS = Number(process.env.HERALD_BENCH_REQUESTS ?? 20_000);
const VERIFY = 100_000;
let child: ChildProcess;
let port = 0;
let clickPaths: string[] = [];
let forged: string[] = [];
const perCpuSecond = new Map<string, number[]>();
const signer = new LinkSigner({ keys: [Buffer.from('v'.repeat(40))], throwaway: false });
const tokens = Array.from({ length: 1000 }, (_, i) => signer.sign('click', i.toString(16).padStart(32, '0'), 'abc123'));
let sink = 0;

function ask<T>(message: string): Promise<T> {
  return new Promise((done) => {
    child.once('message', (m) => done(m as T));
    child.send(message);
  });
}

async function load(name: string, paths: readonly string[]): Promise<void> {
  const before = (await ask<{ cpuMs: number }>('cpu')).cpuMs;
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: 32,
    pipelining: 4,
    amount: REQUESTS,
    requests: paths.map((path) => ({ method: 'GET', path })),
  });
  const after = (await ask<{ cpuMs: number }>('cpu')).cpuMs;
  const answered = Object.values(result.statusCodeStats ?? {}).reduce((n, s) => n + s.count, 0);
  const expected = name === 'forged' ? '404' : '302';
  if (result.errors > 0 || result.timeouts > 0 || Object.keys(result.statusCodeStats ?? {}).some((code) => code !== expected)) {
    throw new Error(`${name}: expected only ${expected} answers, got ${JSON.stringify(result.statusCodeStats)}, ${result.errors} errors`);
  }
  const list = perCpuSecond.get(name) ?? [];
  list.push(answered / ((after - before) / 1000));
  perCpuSecond.set(name, list);
}

function medianOf(name: string): number {
  const v = [...(perCpuSecond.get(name) ?? [])].sort((a, b) => a - b);
  return v.length === 0 ? NaN : v[v.length >> 1]!;
}

const suite: BenchSuite = {
  name: 'recipient',
  runs: 5,
  async before() {
    child = fork(resolve('bench/recipient-server.ts'), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const ready = await new Promise<{ port: number; clickPaths: string[]; forged: string[] }>((done, fail) => {
      child.once('message', (m) => done(m as never));
      child.once('exit', (code) => fail(new Error(`the bench server exited with ${code}`)));
    });
    ({ port, clickPaths, forged } = ready);
  },
  async after() {
    child.send('stop');
    const rates = ['plain', 'click', 'forged'].map((n) => `${n} ${Math.round(medianOf(n)).toLocaleString('en')} req/CPU-s`).join(', ');
    process.stdout.write(`  server CPU medians: ${rates}\n`);
  },
  cases: [
    {
      name: 'plain 302, no work',
      baseline: true,
      group: 'http',
      units: REQUESTS,
      unitName: 'requests',
      run: () => load('plain', ['/plain/x']),
    },
    {
      name: 'click redirect (verify, look up, record, 302)',
      group: 'http',
      units: REQUESTS,
      unitName: 'requests',
      run: () => load('click', clickPaths),
    },
    { name: 'forged click token (404)', units: REQUESTS, unitName: 'requests', run: () => load('forged', forged) },
    {
      name: 'token verification alone',
      units: VERIFY,
      unitName: 'tokens',
      run() {
        for (let i = 0; i < VERIFY; i++) if (signer.verify(tokens[i % tokens.length]!, 'click', 'abc123')) sink++;
      },
    },
  ],
  targets: [
    {
      description: 'click redirects >= 20,000 per second of one core (server CPU time)',
      check: () => medianOf('click') >= 20_000,
      detail: () =>
        `${Math.round(medianOf('click')).toLocaleString('en')} req/CPU-s, plain 302 ${Math.round(medianOf('plain')).toLocaleString('en')}`,
    },
  ],
};

export default suite;
