import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { isSendKey } from '../keys.ts';
import { processTag, tagOfFileName, tagStopped } from '../liveness.ts';
import type { OutgoingMessage, Transport } from '../types.ts';

/**
 * The dry-run transport: each send becomes `<key>.html`, `<key>.txt` and `<key>.eml` under `dir`.
 * Files are named by the idempotency key and written atomically (a temporary file renamed into
 * place), so a send made twice (a crash after writing and before recording) leaves one complete
 * set of files, never a torn or a second one: this transport is idempotent, and says so.
 * Temporaries live in `dir/.partial/`, named with the writing process's pid and instance: a process killed
 * mid-write leaves its partial file there, never among the output, and the next transport to
 * write into `dir` removes the partial files of processes that are gone.
 */
export class FileTransport implements Transport {
  readonly name = 'file';
  /** Writing the same key again replaces the same files with the same bytes. */
  readonly idempotent = true;
  private made = false;

  constructor(readonly dir: string) {}

  async send(message: OutgoingMessage): Promise<{ accepted: true; response: string }> {
    if (!isSendKey(message.idempotencyKey)) throw new Error(`internal: "${message.idempotencyKey}" is not an idempotency key`);
    if (!this.made) {
      mkdirSync(join(this.dir, PARTIAL), { recursive: true });
      removeStalePartials(join(this.dir, PARTIAL));
      this.made = true;
    }
    const stem = join(this.dir, message.idempotencyKey);
    // The .eml last: its presence means the other two are complete.
    writeAtomically(`${stem}.html`, message.html);
    writeAtomically(`${stem}.txt`, message.text);
    writeAtomically(`${stem}.eml`, message.mime);
    return { accepted: true, response: 'written' };
  }
}

const PARTIAL = '.partial';

function writeAtomically(path: string, content: string): void {
  const temporary = join(path, '..', PARTIAL, `${basename(path)}.${processTag()}`);
  writeFileSync(temporary, content);
  renameSync(temporary, path);
}

/** Deletes the temporaries (`<name>.<pid>@<instance>`) of processes that no longer run: what a kill left. */
function removeStalePartials(folder: string): void {
  for (const name of readdirSync(folder)) {
    const tag = tagOfFileName(name);
    if (tag !== undefined && tagStopped(tag)) rmSync(join(folder, name), { force: true });
  }
}
