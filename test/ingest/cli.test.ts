import { Writable } from 'node:stream';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { tempDir } from './helpers.ts';
import { retailFiles, retailWorkspace } from './online-retail.ts';

function capture(tty = false) {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, done) {
      text += chunk.toString();
      done();
    },
  }) as Writable & { isTTY?: boolean };
  stream.isTTY = tty;
  return { stream, text: () => text };
}

async function herald(args: string[], tty = false) {
  const out = capture(tty);
  const err = capture(tty);
  const code = await main(args, { stdout: out.stream, stderr: err.stream, cwd: process.cwd(), env: {} });
  return { code, out: out.text(), err: err.text() };
}

describe('herald ingest / forget', () => {
  const dir = retailWorkspace(tempDir(), retailFiles().slice(0, 2));
  const db = `sqlite:${join(tempDir(), 'cli.db')}`;

  it('loads, prints a summary and a line per file in CI, then skips unchanged files', async () => {
    const first = await herald(['ingest', dir, '--db', db]);
    expect(first.code).toBe(0);
    expect(first.out).toContain('files: 2 loaded, 0 reloaded (changed), 0 skipped (unchanged)');
    expect(first.out).toMatch(/rejected missing_customer: [\d,]+/);
    expect(first.err.trim().split('\n')).toHaveLength(2);
    expect(first.err).toMatch(/^loaded online_retail data\/online-retail\/2010-12-01\.csv: \d+ rows, \d+ loaded, \d+ rejected$/m);

    const json = await herald(['ingest', dir, '--db', db, '--format', 'json']);
    expect(json.code).toBe(0);
    expect(json.err).toBe('');
    const doc = JSON.parse(json.out);
    expect(doc).toMatchObject({ version: 1, totals: { files: { skipped: 2, loaded: 0 } }, anomalies: [], incomplete: false });
  });

  it('draws progress on a terminal only, and clears it', async () => {
    const fresh = `sqlite:${join(tempDir(), 'tty.db')}`;
    const run = await herald(['ingest', dir, '--db', fresh], true);
    expect(run.code).toBe(0);
    expect(run.err).toContain('\r\x1b[K[1/2] online_retail data/online-retail/2010-12-01.csv');
    expect(run.err.endsWith('\r\x1b[K')).toBe(true);
  });

  it('exits 1 when a file is missing, 2 on a bad flag', async () => {
    const broken = retailWorkspace(tempDir(), retailFiles().slice(0, 1));
    rmSync(join(broken, 'data', 'online-retail'), { recursive: true });
    const missing = await herald(['ingest', broken, '--db', `sqlite:${join(tempDir(), 'm.db')}`]);
    expect(missing.code).toBe(1);
    expect(missing.out).toContain('missing: data/online-retail/*.csv (no file matches this pattern)');
    expect((await herald(['ingest', dir, '--format', 'xml'])).code).toBe(2);
    expect((await herald(['ingest', dir, '--source', 'nope', '--db', db])).err).toContain(
      '--source nope: no such Source (known: online_retail)',
    );
  });

  it('forgets a customer, and says so when there is none', async () => {
    const gone = await herald(['forget', '17850', dir, '--db', db, '--format', 'json']);
    expect(gone.code).toBe(0);
    const doc = JSON.parse(gone.out);
    expect(doc.deleted.customers).toBe(1);
    expect(doc.deleted.events).toBeGreaterThan(0);
    expect(gone.out).not.toContain('17850');
    const again = await herald(['forget', '17850', dir, '--db', db]);
    expect(again.code).toBe(1);
    expect((await herald(['forget'])).code).toBe(2);
  });
});
