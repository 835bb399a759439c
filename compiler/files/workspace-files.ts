import { closeSync, constants, fstatSync, openSync, readdirSync, readSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';

/**
 * The one way Herald reads a file of a workspace (definitions, templates, layouts, partials,
 * sources' data files, sample data). A workspace is untrusted input: a pull request can add a
 * symbolic link to /etc or /proc/self/environ, a FIFO or /dev/zero, or a link loop. So every read
 * resolves the real path, refuses anything that lands outside the workspace's real root, refuses
 * anything that is not a regular file (checked on the open descriptor, so a FIFO never blocks), and
 * every walk follows a folder link at most once. Callers turn a refusal into a located diagnostic.
 */
export type Refusal = 'missing' | 'outside' | 'directory' | 'not-regular' | 'loop' | 'permission' | 'too-large' | 'unreadable';

export interface Refused {
  refusal: Refusal;
  /** A sentence naming the path and why, for a diagnostic or usage error. */
  message: string;
  /** Why alone, for a message that names the path itself ("cannot read x: <why>"). */
  why: string;
}

export interface ReadOk<T> {
  value: T;
  /** The real absolute path that was read. */
  abs: string;
}

export type ReadResult<T> = ReadOk<T> | Refused;

export function isRefused<T>(r: ReadResult<T>): r is Refused {
  return (r as Refused).refusal !== undefined;
}

const realRoots = new Map<string, string>();

/** The real path of a workspace root (cached: roots do not move during a process). */
export function realRoot(root: string): string {
  const abs = resolve(root);
  let real = realRoots.get(abs);
  if (real === undefined) {
    try {
      real = realpathSync(abs);
    } catch {
      real = abs;
    }
    realRoots.set(abs, real);
  }
  return real;
}

function inside(realRootPath: string, realPath: string): boolean {
  return realPath === realRootPath || realPath.startsWith(realRootPath.endsWith(sep) ? realRootPath : realRootPath + sep);
}

function refused(refusal: Refusal, message: string, why: string): Refused {
  return { refusal, message, why };
}

const NOT_REGULAR = 'it is not a regular file (a device, pipe or socket)';
const IS_FOLDER = 'it is a folder, not a file';

function errnoRefusal(shown: string, e: unknown): Refused {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR')
    return refused('missing', `file ${shown} does not exist`, 'it does not exist (or is a broken link)');
  if (code === 'ELOOP') return refused('loop', `${shown} is a symbolic link loop`, 'it is a symbolic link loop');
  if (code === 'EACCES' || code === 'EPERM') return refused('permission', `cannot read ${shown}: permission denied`, 'permission denied');
  if (code === 'EISDIR') return refused('directory', `${shown} is a folder, not a file`, IS_FOLDER);
  const why = code ?? (e as Error).message;
  return refused('unreadable', `cannot read ${shown}: ${why}`, why);
}

/**
 * Resolves a path (relative to the root, or absolute) to the real path of a regular file inside the
 * workspace, without opening it.
 */
export function resolveWorkspaceFile(root: string, path: string, shown: string = path): ReadResult<string> {
  const realRootPath = realRoot(root);
  const candidate = isAbsolute(path) ? path : resolve(root, path);
  let real: string;
  try {
    real = realpathSync(candidate);
  } catch (e) {
    const lexical = resolve(candidate);
    if (!inside(resolve(root), lexical) && !inside(realRootPath, lexical)) return outside(shown);
    return errnoRefusal(shown, e);
  }
  if (!inside(realRootPath, real)) return outside(shown);
  let st;
  try {
    st = statSync(real);
  } catch (e) {
    return errnoRefusal(shown, e);
  }
  if (st.isDirectory()) return refused('directory', `${shown} is a folder, not a file`, IS_FOLDER);
  if (!st.isFile()) return refused('not-regular', `${shown} is not a regular file (a device, pipe or socket)`, NOT_REGULAR);
  return { value: real, abs: real };
}

function outside(shown: string): Refused {
  return refused(
    'outside',
    `${shown} is outside the workspace (a path or link that leads out of it is not read)`,
    'it resolves outside the workspace (a path or link that leads out of it is not read)',
  );
}

/** Reads a workspace file's bytes; refuses (never throws) for anything but a regular file inside the root. */
export function readWorkspaceBytes(root: string, path: string, options: { shown?: string; maxBytes?: number } = {}): ReadResult<Buffer> {
  const shown = options.shown ?? path;
  const resolved = resolveWorkspaceFile(root, path, shown);
  if (isRefused(resolved)) return resolved;
  let fd: number;
  try {
    // O_NONBLOCK: if the file was swapped for a FIFO after the check, opening still does not block.
    fd = openSync(resolved.abs, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOFOLLOW ?? 0));
  } catch (e) {
    return errnoRefusal(shown, e);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return refused('not-regular', `${shown} is not a regular file (a device, pipe or socket)`, NOT_REGULAR);
    if (options.maxBytes !== undefined && st.size > options.maxBytes) {
      return refused(
        'too-large',
        `${shown} is ${st.size} bytes; the limit is ${options.maxBytes}`,
        `it is ${st.size} bytes; the limit is ${options.maxBytes}`,
      );
    }
    const buf = Buffer.allocUnsafe(st.size);
    let at = 0;
    while (at < st.size) {
      const n = readSync(fd, buf, at, st.size - at, at);
      if (n === 0) break;
      at += n;
    }
    return { value: at === st.size ? buf : buf.subarray(0, at), abs: resolved.abs };
  } catch (e) {
    return errnoRefusal(shown, e);
  } finally {
    closeSync(fd);
  }
}

/** Reads a workspace file as UTF-8 text, a leading byte order mark dropped. */
export function readWorkspaceText(root: string, path: string, options: { shown?: string; maxBytes?: number } = {}): ReadResult<string> {
  const bytes = readWorkspaceBytes(root, path, options);
  if (isRefused(bytes)) return bytes;
  let text = bytes.value.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return { value: text, abs: bytes.abs };
}

/** Like readWorkspaceText, for callers whose errors are exceptions (usage errors, runtime readers). */
export class WorkspaceFileError extends Error {
  constructor(
    readonly refusal: Refusal,
    message: string,
  ) {
    super(message);
  }
}

export function readWorkspaceTextOrThrow(root: string, path: string, shown?: string): string {
  const r = readWorkspaceText(root, path, shown === undefined ? {} : { shown });
  if (isRefused(r)) throw new WorkspaceFileError(r.refusal, r.message);
  return r.value;
}

/** An entry a walk did not follow, with why (the caller reports it where it matters). */
export interface SkippedEntry {
  path: string;
  message: string;
}

export interface WalkVisitor {
  /** False to skip a folder (ignored folders). `rel` uses forward slashes. */
  enterDir?(rel: string, name: string): boolean;
  /** Called for every entry that is not a folder (files, broken links, devices: the reader refuses them). */
  file(rel: string, name: string): void;
  /** A link that leads out of the workspace, or back into a folder already walked (a loop). */
  skipped?(entry: SkippedEntry): void;
}

/**
 * Walks the workspace in sorted order. Each real folder is entered once: `ln -s . loop`, two links
 * pointing at each other and `ln -s / root` end at once with a skipped entry, instead of walking in
 * circles or across the whole file system.
 */
export function walkWorkspace(root: string, visitor: WalkVisitor, start = ''): void {
  const realRootPath = realRoot(root);
  const seen = new Set<string>();
  const startReal = start === '' ? realRootPath : safeRealpath(join(root, start));
  if (startReal === undefined || !inside(realRootPath, startReal)) return;
  seen.add(startReal);
  walkDir(root, realRootPath, startReal, start, visitor, seen);
}

function safeRealpath(p: string): string | undefined {
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
}

function walkDir(root: string, realRootPath: string, realDir: string, rel: string, visitor: WalkVisitor, seen: Set<string>): void {
  let entries: Dirent[];
  try {
    entries = readdirSync(realDir, { withFileTypes: true });
  } catch (e) {
    visitor.skipped?.({ path: rel === '' ? '.' : rel, message: errnoRefusal(rel === '' ? '.' : rel, e).message });
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const relPath = rel === '' ? entry.name : `${rel}/${entry.name}`;
    const absPath = join(realDir, entry.name);
    let realPath = absPath;
    let isDir = entry.isDirectory();
    if (entry.isSymbolicLink()) {
      const real = safeRealpath(absPath);
      if (real === undefined) {
        // A broken link or a loop: the reader reports it if it is a file anyone wanted.
        visitor.file(relPath, entry.name);
        continue;
      }
      realPath = real;
      try {
        isDir = statSync(real).isDirectory();
      } catch {
        isDir = false;
      }
      if (isDir && !inside(realRootPath, real)) {
        if (visitor.enterDir && !visitor.enterDir(relPath, entry.name)) continue;
        visitor.skipped?.({ path: relPath, message: `${relPath} links to a folder outside the workspace; it is not followed` });
        continue;
      }
    }
    if (isDir) {
      if (visitor.enterDir && !visitor.enterDir(relPath, entry.name)) continue;
      if (seen.has(realPath)) {
        visitor.skipped?.({
          path: relPath,
          message: `${relPath} links back to a folder already read (${relative(realRootPath, realPath) || '.'}); it is not followed`,
        });
        continue;
      }
      seen.add(realPath);
      walkDir(root, realRootPath, realPath, relPath, visitor, seen);
      continue;
    }
    visitor.file(relPath, entry.name);
  }
}
