import { hostname } from 'node:os';

/**
 * Which workers are still alive. A claim (`claimed_by`) names its worker; the default worker id is
 * `<host>:<pid>`, so a worker that starts on the same machine can tell that a claim's process is
 * gone (signal 0 to its pid fails with ESRCH) and take its `sending` rows over at once, instead of
 * waiting for the claim lease. A killed `herald run` restarted at once (with a new pid) thus
 * resumes what its predecessor held. Anything that cannot be checked (another host, a chosen id,
 * a pid that exists) is left to the lease: never taken from a worker that may be alive.
 */

/** The default worker id: this host and process. */
export function defaultWorkerId(): string {
  return `${hostname()}:${process.pid}`;
}

const LOCAL_ID = /^(.+):(\d+)$/;

/** Of these worker ids, the ones of this host whose process has stopped (never `self`). */
export function stoppedLocalWorkers(ids: Iterable<string>, self: string): string[] {
  const host = hostname();
  const stopped: string[] = [];
  for (const id of ids) {
    const m = LOCAL_ID.exec(id);
    if (!m || id === self || m[1] !== host) continue;
    if (!processIsAlive(Number(m[2]))) stopped.push(id);
  }
  return stopped.sort();
}

/** Whether a process with this pid exists on this machine (EPERM: it exists, owned by another user). */
export function processIsAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return true;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
