import { startDev, type DevHandle } from '../../../cli/dev/start.ts';
import type { DevBuild } from '../../../cli/dev/session.ts';

/** A `herald dev` started in-process on a free port, with its log kept for assertions. */
export async function startTestDev(
  dir: string,
  options: { db?: string; port?: number; asOf?: number } = {},
): Promise<DevHandle & { log: string[] }> {
  const log: string[] = [];
  const handle = await startDev({
    dir,
    host: '127.0.0.1',
    port: options.port ?? 0,
    env: {},
    log: (line) => log.push(line),
    ...(options.db !== undefined ? { db: options.db } : {}),
    ...(options.asOf !== undefined ? { asOf: options.asOf } : {}),
  });
  return Object.assign(handle, { log });
}

/** Resolves with the first build after now that satisfies `test` (default: any), or rejects after `ms`. */
export function nextBuild(handle: DevHandle, test: (b: DevBuild) => boolean = () => true, ms = 15_000): Promise<DevBuild> {
  const seen: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(
        new Error(
          `no matching build within ${ms} ms; builds meanwhile: ${seen.join('; ') || 'none'} (latest: #${handle.session.current.id})`,
        ),
      );
    }, ms);
    const off = handle.session.onBuild((b) => {
      seen.push(`#${b.id} ok=${b.ok} after ${b.cause.join(', ')}`);
      if (!test(b)) return;
      clearTimeout(timer);
      off();
      resolve(b);
    });
  });
}

export async function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { headers });
  return { status: res.status, body: await res.text() };
}
