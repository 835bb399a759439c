import { spawn } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PlanInputError } from '../errors.ts';
import { gitText } from './git.ts';
import type { Repository } from './repository.ts';
import { messageOf } from '../../../compiler/diagnostics/catalogue/index.ts';

interface TreeEntry {
  mode: string;
  sha: string;
  /** Relative to the exported folder. */
  path: string;
}

/**
 * Writes the files of `folder` (repository-relative, '' for all) at `commit` into `target`,
 * without touching the working tree, the index or HEAD: `git ls-tree` lists the blobs and one
 * `git cat-file --batch` streams their contents. Exact bytes, unlike `git archive`, which would
 * apply export-ignore and export-subst attributes. Submodules are left out; symbolic links are
 * recreated as links. Returns the number of files written.
 */
export async function exportTree(repo: Repository, commit: string, folder: string, target: string): Promise<number> {
  const entries = listBlobs(repo, commit, folder);
  mkdirSync(target, { recursive: true });
  if (entries.length === 0) return 0;
  await streamBlobs(repo, entries, (entry, content) => {
    const path = join(target, entry.path);
    mkdirSync(dirname(path), { recursive: true });
    if (entry.mode === '120000') symlinkSync(content.toString('utf8'), path);
    else writeFileSync(path, content, { mode: entry.mode === '100755' ? 0o755 : 0o644 });
  });
  return entries.length;
}

function listBlobs(repo: Repository, commit: string, folder: string): TreeEntry[] {
  const args = ['ls-tree', '-r', '-z', '--full-tree', commit];
  if (folder !== '') args.push('--', folder);
  const out = gitText(repo.root, args, `listing ${folder || 'the repository'} at ${commit.slice(0, 12)}`);
  const strip = folder === '' ? 0 : folder.length + 1;
  const entries: TreeEntry[] = [];
  for (const record of out.split('\0')) {
    if (record === '') continue;
    const tab = record.indexOf('\t');
    const [mode, type, sha] = record.slice(0, tab).split(' ');
    const path = record.slice(tab + 1);
    if (type !== 'blob' || !mode || !sha) continue; // submodules ("commit") have no content here
    entries.push({ mode, sha, path: path.slice(strip) });
  }
  return entries;
}

/** Streams every blob through one `git cat-file --batch`, calling `onBlob` in order. */
function streamBlobs(repo: Repository, entries: TreeEntry[], onBlob: (entry: TreeEntry, content: Buffer) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['cat-file', '--batch'], { cwd: repo.root, stdio: ['pipe', 'pipe', 'pipe'] });
    // Chunks are joined only once a whole reply is there: a large file arrives in many chunks.
    let chunks: Buffer[] = [];
    let length = 0;
    let needed = 0;
    let next = 0;
    let stderr = '';
    let failed: Error | undefined;
    const fail = (e: Error) => {
      failed ??= e;
      child.kill();
    };
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.stdout.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      length += chunk.length;
      if (length < needed) return;
      let buffer = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length);
      try {
        // Each reply: "<sha> blob <size>\n<content>\n".
        while (next < entries.length) {
          const eol = buffer.indexOf(10);
          if (eol < 0) break;
          const header = buffer.subarray(0, eol).toString('utf8').split(' ');
          if (header[1] === 'missing') throw new Error(`object ${header[0]} is missing`);
          const size = Number(header[2]);
          if (buffer.length < eol + 1 + size + 1) {
            needed = eol + 1 + size + 1;
            break;
          }
          onBlob(entries[next]!, buffer.subarray(eol + 1, eol + 1 + size));
          buffer = buffer.subarray(eol + 1 + size + 1);
          needed = 0;
          next++;
        }
      } catch (e) {
        fail(e as Error);
      }
      chunks = buffer.length > 0 ? [buffer] : [];
      length = buffer.length;
    });
    child.on('error', (e) => fail(e));
    child.on('close', (status) => {
      if (failed)
        reject(new PlanInputError('HL395', messageOf('HL395', { doing: 'reading files from git failed', gitSays: failed.message })));
      else if (status !== 0 || next < entries.length)
        reject(
          new PlanInputError(
            'HL395',
            messageOf('HL395', { doing: 'reading files from git failed', gitSays: stderr.trim() || `exit ${status}` }),
          ),
        );
      else resolve();
    });
    child.stdin.on('error', () => undefined); // the reader reports the failure
    child.stdin.end(entries.map((e) => e.sha).join('\n') + '\n');
  });
}
