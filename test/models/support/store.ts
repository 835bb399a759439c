import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { FileModelStore } from '../../../runtime/models/store/fs-store.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A model store in a throwaway directory, removed after the test. */
export function tempStore(): FileModelStore {
  const dir = mkdtempSync(join(tmpdir(), 'herald-models-'));
  dirs.push(dir);
  return new FileModelStore(dir);
}
