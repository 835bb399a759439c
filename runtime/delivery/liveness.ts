import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * Which workers are still alive. A claim (`claimed_by`) names its worker; the default worker id is
 * `<host>:<pid>@<instance>`, so a worker that starts on the same machine can tell that a claim's
 * process is gone and take its `sending` rows over at once, instead of waiting for the claim lease.
 * A killed `herald run` restarted at once (with a new pid) thus resumes what its predecessor held.
 *
 * A pid alone is not enough: once a process ends, the kernel may give its pid to another one, and
 * signal 0 then finds that other process alive. The instance (this boot's id and the process's
 * start time, from /proc on Linux) tells them apart: a pid that runs with another start time is a
 * reused pid, so the worker that held the claim is gone. Where the instance cannot be read (no
 * /proc), the id is `<host>:<pid>` and a live pid is trusted. Anything that cannot be checked
 * (another host, a chosen id, a pid whose start cannot be read) is left to the lease: never taken
 * from a worker that may be alive.
 */

/** The default worker id: this host and process instance. */
export function defaultWorkerId(): string {
  return `${hostname()}:${processTag()}`;
}

/** A process as `<pid>@<instance>`, or `<pid>` where its instance cannot be read (default: this one). */
export function processTag(pid = process.pid): string {
  if (pid === process.pid && ownTag?.pid === pid) return ownTag.tag;
  const instance = processInstance(pid);
  const tag = instance === undefined ? String(pid) : `${pid}@${instance}`;
  if (pid === process.pid) ownTag = { pid, tag };
  return tag;
}
let ownTag: { pid: number; tag: string } | undefined;

/** The process tag at the end of a file name (`<name>.<tag>`), if any. */
export function tagOfFileName(name: string): string | undefined {
  return /\.(\d+(?:@[0-9a-f]+\.\d+)?)$/.exec(name)?.[1];
}

const TAG = /^(\d+)(?:@([0-9a-f]+\.\d+))?$/;
const LOCAL_ID = /^(.+):(\d+(?:@[0-9a-f]+\.\d+)?)$/;

/** Of these worker ids, the ones of this host whose process has stopped (never `self`). */
export function stoppedLocalWorkers(ids: Iterable<string>, self: string): string[] {
  const host = hostname();
  const stopped: string[] = [];
  for (const id of ids) {
    const m = LOCAL_ID.exec(id);
    if (!m || id === self || m[1] !== host) continue;
    if (tagStopped(m[2]!)) stopped.push(id);
  }
  return stopped.sort();
}

/**
 * Whether the process a tag (`<pid>` or `<pid>@<instance>`) names has stopped: its pid is gone, or
 * now belongs to a process with another instance. Unreadable or malformed: not known to have stopped.
 */
export function tagStopped(tag: string): boolean {
  const m = TAG.exec(tag);
  if (!m) return false;
  const pid = Number(m[1]);
  if (!processIsAlive(pid)) return true;
  // A live pid and nothing recorded to compare it with: the lease decides.
  if (m[2] === undefined) return false;
  const now = processInstance(pid);
  return now !== undefined && now !== m[2];
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

/**
 * What tells this run of a pid from a later process given the same pid: the first 8 hex digits of
 * the boot id and the start time in clock ticks since boot (field 22 of /proc/<pid>/stat), e.g.
 * `3f2a9c1e.871234`. Undefined where /proc cannot be read (not Linux, or the process just ended).
 */
export function processInstance(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // The command name (field 2) is in parentheses and may hold spaces or parentheses itself.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const start = fields[19];
    if (start === undefined || !/^\d+$/.test(start)) return undefined;
    return `${bootId()}.${start}`;
  } catch {
    return undefined;
  }
}

let boot: string | undefined;
function bootId(): string {
  boot ??=
    readFileSync('/proc/sys/kernel/random/boot_id', 'latin1')
      .replace(/[^0-9a-f]/g, '')
      .slice(0, 8) || '0';
  return boot;
}
