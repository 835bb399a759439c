import { createHash } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { isRefused, resolveWorkspaceFile, walkWorkspace } from '../../compiler/files/workspace-files.ts';
import { compileGlob, GlobError, hasWildcards, type CompiledGlob } from '../../compiler/files/glob.ts';

export interface MatchedFiles {
  /** Paths relative to the root, forward slashes, sorted: the load order. */
  files: string[];
  /** Patterns without wildcards that name a file that is not there, and patterns that match nothing. */
  missing: string[];
  /** Files a pattern names that are not read: outside the workspace (through a link), not regular, a loop. */
  refused: Array<{ path: string; message: string }>;
}

/**
 * Expands a Source's `files` globs relative to the workspace root with the project's one glob
 * engine (compiler/files/glob.ts): `*` and `?` within one path segment, `**` across segments.
 * Files load in sorted path order (daily files named by date load in date order), each once even if
 * several patterns match it. Every file is checked by the workspace reader before it is listed.
 */
export function matchFiles(root: string, patterns: readonly string[]): MatchedFiles {
  const found = new Set<string>();
  const missing: string[] = [];
  const refused = new Map<string, string>();
  const admit = (rel: string): boolean => {
    const check = resolveWorkspaceFile(root, rel);
    if (isRefused(check)) {
      if (check.refusal !== 'missing') refused.set(rel, check.message);
      return false;
    }
    found.add(rel);
    return true;
  };
  for (const pattern of patterns) {
    const clean = pattern.replace(/\\/g, '/').replace(/^\.\//, '');
    if (!hasWildcards(clean)) {
      if (!admit(clean) && !refused.has(clean)) missing.push(pattern);
      continue;
    }
    let glob: CompiledGlob;
    try {
      glob = compileGlob(clean);
    } catch (e) {
      if (!(e instanceof GlobError)) throw e;
      refused.set(pattern, e.message);
      continue;
    }
    let matchedAny = false;
    walkWorkspace(
      root,
      {
        enterDir: (rel) => glob.mayEnter(rel),
        file: (rel) => {
          if (glob.matches(rel)) {
            matchedAny = true;
            admit(rel);
          }
        },
      },
      glob.base,
    );
    if (!matchedAny) missing.push(pattern);
  }
  return { files: [...found].sort(), missing, refused: [...refused].map(([path, message]) => ({ path, message })) };
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
