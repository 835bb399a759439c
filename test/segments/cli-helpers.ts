import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../../cli/main.ts';

/** Runs the CLI in-process and captures its output. */
export async function herald(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  let stdout = '';
  let stderr = '';
  const sink = (write: (s: string) => void) =>
    new Writable({
      write(chunk, _enc, done) {
        write(String(chunk));
        done();
      },
    });
  const code = await main(args, {
    stdout: sink((s) => (stdout += s)),
    stderr: sink((s) => (stderr += s)),
    cwd: options.cwd ?? process.cwd(),
    env: options.env ?? {},
  });
  return { code, stdout, stderr };
}

/** A throwaway workspace folder with the given files (relative path → content). */
export function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'herald-ws-'));
  for (const [path, content] of Object.entries(files)) {
    const full = join(dir, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
  return dir;
}

export const HERALD_YAML = `apiVersion: herald/v1
kind: Workspace
metadata: { name: cli_test }
spec:
  database: sqlite:.herald/cli.db
  timezone: Europe/London
  customers:
    fields:
      email: { type: email, pii: true }
      first_name: { type: string, pii: true }
      country: string
      email_consent: boolean
  events:
    purchase: { amount: number }
  items:
    fields: { name: string }
`;

export const SEGMENTS_YAML = `apiVersion: herald/v1
kind: Segment
metadata: { name: recent_buyers }
spec:
  where: exists(purchase within 30d)
  live: true
---
apiVersion: herald/v1
kind: Segment
metadata: { name: example_mail }
spec:
  where: email contains "@example.test" and email_consent
  live: true
`;
