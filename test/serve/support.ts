import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { runPipeline } from '../../compiler/index.ts';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import type { Database } from '../../runtime/db/database.ts';
import { migrate } from '../../runtime/db/migrate.ts';
import { openDatabase } from '../../runtime/db/open.ts';
import { syncSchema } from '../../runtime/db/sync.ts';
import { traitTableSpecs } from '../../runtime/manifest.ts';

export const REPO = join(import.meta.dirname, '..', '..');

export interface ServeWorkspace {
  dir: string;
  dispose(): void;
}

/**
 * A copy of examples/cart-abandonment for `herald serve` tests: `sendFirst` removes the journey's
 * first wait (its first step sends), `delivery` and `server` lines are added to herald.yaml.
 */
export function cartWorkspace(
  options: { sendFirst?: boolean; delivery?: string[]; server?: string[]; files?: Record<string, string> } = {},
): ServeWorkspace {
  const dir = mkdtempSync(join(tmpdir(), 'herald-serve-'));
  cpSync(join(REPO, 'examples', 'cart-abandonment'), dir, { recursive: true });
  if (options.sendFirst) {
    const path = join(dir, 'journeys.yaml');
    writeFileSync(path, readFileSync(path, 'utf8').replace('    wait_1h: { wait: 1h, next: remind }\n', ''));
  }
  const yaml = join(dir, 'herald.yaml');
  let text = readFileSync(yaml, 'utf8');
  const delivery = options.delivery ?? [];
  text = text.replace(
    '    from: Gift Shop <hello@shop.example>\n',
    `    from: Gift Shop <hello@shop.example>\n${delivery.map((l) => `    ${l}\n`).join('')}`,
  );
  if (options.server)
    text = text.replace(
      '  timezone: Europe/London\n',
      `  timezone: Europe/London\n  server:\n${options.server.map((l) => `    ${l}\n`).join('')}`,
    );
  writeFileSync(yaml, text);
  for (const [name, content] of Object.entries(options.files ?? {})) writeFileSync(join(dir, name), content);
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

export function compileAt(dir: string): Manifest {
  const result = runPipeline(dir, { emit: true });
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0 || !result.emitted)
    throw new Error(`workspace has errors: ${errors.map((d) => `${d.code} ${d.message}`).join('; ')}`);
  return result.emitted.manifest;
}

export async function openMigrated(url: string, manifest: Manifest, baseDir?: string): Promise<Database> {
  const db = openDatabase(url, baseDir ? { baseDir } : {});
  await migrate(db);
  await syncSchema(db, manifest.dataModel, traitTableSpecs(manifest));
  return db;
}

/** A silent logger that keeps its lines (tests look for what was logged). */
export function memoryLog(): { lines: string[]; log: import('../../runtime/serve/extension.ts').ServeLogger } {
  const lines: string[] = [];
  const push = (level: string) => (msg: string, fields?: Record<string, unknown>) =>
    void lines.push(JSON.stringify({ level, msg, ...fields }));
  return { lines, log: { info: push('info'), warn: push('warn'), error: push('error') } };
}

export function basic(key: string): string {
  return `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
}

export async function post(
  base: string,
  path: string,
  body: unknown,
  key = 'k1',
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: basic(key), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: kept as text
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** `herald serve` as a real process; resolves once it listens, with its URL. */
export async function spawnServe(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ child: ChildProcess; base: string; output: () => string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [join(REPO, 'bin/herald.js'), 'serve', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += String(d)));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`herald serve did not start: ${out}`)), 120_000);
    child.stderr!.on('data', (d) => {
      out += String(d);
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`herald serve exited (${code}) before listening: ${out}`));
    });
  });
  return { child, base, output: () => out, exited };
}
