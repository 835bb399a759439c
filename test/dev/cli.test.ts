import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ChangeBatcher } from '../../cli/dev/debounce.ts';
import { runCli } from '../pipeline/run-cli.ts';
import { copyShop } from './support/workspace.ts';

const REPO = join(import.meta.dirname, '..', '..');
const empty = mkdtempSync(join(tmpdir(), 'herald-dev-cli-'));
afterAll(() => rmSync(empty, { recursive: true, force: true }));

describe('herald dev on the command line', () => {
  it('refuses a workspace that does not exist, with exit code 2', async () => {
    const r = await runCli(['dev', join(empty, 'nowhere')], empty);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('does not exist');
    expect(r.stderr).not.toContain('    at ');
  });

  it('refuses a folder without herald.yaml and points at herald init', async () => {
    const r = await runCli(['dev', empty], empty);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no herald.yaml');
    expect(r.stderr).toContain('herald init');
  });

  it('checks --port and --db before starting', async () => {
    const shop = copyShop();
    try {
      expect((await runCli(['dev', shop.dir, '--port', 'eighty'], empty)).stderr).toContain('--port must be a whole number');
      const db = await runCli(['dev', shop.dir, '--db', 'mysql://x'], empty);
      expect(db.code).toBe(2);
      expect(db.stderr).toContain('--db: unsupported database URL');
    } finally {
      shop.dispose();
    }
  });

  it('runs as a process: serves, then stops cleanly on SIGTERM', async () => {
    const shop = copyShop();
    const child = spawn(process.execPath, [join(REPO, 'bin/run-ts.js'), join(REPO, 'cli/bin.ts'), 'dev', shop.dir, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let out = '';
      child.stderr.on('data', (d) => (out += String(d)));
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no preview URL printed: ${out}`)), 30_000);
        child.stdout.on('data', (d) => {
          out += String(d);
          const m = /preview at (http:\/\/\S+)/.exec(out);
          if (m && out.includes('watching')) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        });
      });
      expect(out).toMatch(/built in \d+ ms: \d+ definitions/);
      expect((await fetch(url)).status).toBe(200);
      const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exit).toBe(0);
    } finally {
      child.kill('SIGKILL');
      shop.dispose();
    }
  });
});

describe('change batching', () => {
  it('hands over a burst as one batch once the workspace is quiet', () => {
    vi.useFakeTimers();
    try {
      const batches: string[][] = [];
      const batcher = new ChangeBatcher((paths) => batches.push(paths), 50, 1000);
      for (let i = 0; i < 200; i++) {
        batcher.add(`f${i % 150}.yaml`);
        vi.advanceTimersByTime(2);
      }
      expect(batches).toEqual([]);
      vi.advanceTimersByTime(60);
      expect(batches).toHaveLength(1);
      expect(batches[0]).toHaveLength(150);
    } finally {
      vi.useRealTimers();
    }
  });

  it('still flushes a stream of changes that never goes quiet', () => {
    vi.useFakeTimers();
    try {
      const batches: string[][] = [];
      const batcher = new ChangeBatcher((paths) => batches.push(paths), 50, 1000);
      for (let i = 0; i < 100; i++) {
        batcher.add(`f${i}.yaml`);
        vi.advanceTimersByTime(30);
      }
      expect(batches.length).toBeGreaterThanOrEqual(2);
      expect(batches.flat()).toHaveLength(new Set(batches.flat()).size);
    } finally {
      vi.useRealTimers();
    }
  });
});
