import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface MatchedFiles {
  /** Paths relative to the root, forward slashes, sorted: the load order. */
  files: string[];
  /** Patterns without wildcards that name a file that is not there, and patterns that match nothing. */
  missing: string[];
}

/**
 * Expands a Source's `files` globs relative to the workspace root: `*` and `?` within one path
 * segment, `**` across segments. Files load in sorted path order (daily files named by date load
 * in date order), each once even if several patterns match it.
 */
export function matchFiles(root: string, patterns: readonly string[]): MatchedFiles {
  const found = new Set<string>();
  const missing: string[] = [];
  for (const pattern of patterns) {
    const clean = pattern.replace(/\\/g, '/').replace(/^\.\//, '');
    const before = found.size;
    if (!/[*?[]/.test(clean)) {
      const abs = join(root, clean);
      if (existsSync(abs) && statSync(abs).isFile()) found.add(clean);
      else missing.push(pattern);
      continue;
    }
    walk(root, '', clean.split('/').filter((s) => s !== ''), found);
    if (found.size === before && ![...found].some((f) => segmentsMatch(clean, f))) missing.push(pattern);
  }
  return { files: [...found].sort(), missing };
}

function walk(root: string, rel: string, segments: string[], found: Set<string>): void {
  if (segments.length === 0) return;
  const [head, ...rest] = segments as [string, ...string[]];
  const abs = rel === '' ? root : join(root, rel);
  let entries: Array<{ name: string; dir: boolean }>;
  try {
    entries = readdirSync(abs, { withFileTypes: true }).map((e) => ({ name: e.name, dir: e.isDirectory() }));
  } catch {
    return;
  }
  if (head === '**') {
    walk(root, rel, rest, found); // zero folders
    for (const e of entries) if (e.dir) walk(root, joinRel(rel, e.name), segments, found);
    return;
  }
  const re = segmentRegex(head);
  for (const e of entries) {
    if (!re.test(e.name)) continue;
    const next = joinRel(rel, e.name);
    if (rest.length === 0) {
      if (!e.dir) found.add(next);
    } else if (e.dir) walk(root, next, rest, found);
  }
}

function segmentsMatch(pattern: string, path: string): boolean {
  const p = pattern.split('/');
  const f = path.split('/');
  return p.length === f.length && p.every((s, i) => segmentRegex(s).test(f[i]!));
}

function joinRel(rel: string, name: string): string {
  return rel === '' ? name : `${rel}/${name}`;
}

function segmentRegex(segment: string): RegExp {
  let out = '';
  for (const c of segment) {
    if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else out += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  // Dot-files are only matched by a pattern that starts with a dot, as in shells.
  return new RegExp(segment.startsWith('.') ? `^${out}$` : `^(?!\\.)${out}$`);
}

/** The SHA-256 of a file's content, streamed. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Files up to this size are read once into memory, hashed and parsed from that one buffer
 * (most feeds are daily files of a few hundred KB); bigger files are streamed twice, so memory
 * stays bounded by this size, never by the file's.
 */
export const WHOLE_FILE_BYTES = 16 << 20;

export interface FileContent {
  sha256: string;
  /** The bytes, when the file is small enough to hold (else readers stream the path). */
  bytes?: Buffer;
}

/** The content hash of a file, with its bytes when it is at most WHOLE_FILE_BYTES. */
export async function readForIngest(path: string, size: number): Promise<FileContent> {
  if (size > WHOLE_FILE_BYTES) return { sha256: await sha256File(path) };
  const bytes = readFileSync(path);
  return { sha256: createHash('sha256').update(bytes).digest('hex'), bytes };
}
