import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The dev-mode tests' workspace: a small shop with traits, segments, templates (layout, partial) and campaigns. */
export const SHOP_FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'shop');

/** A throwaway copy of the fixture shop; removed by `dispose`. */
export function copyShop(prefix = 'herald-dev-'): { dir: string; dispose(): void } {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const dir = join(root, 'shop');
  cpSync(SHOP_FIXTURE, dir, { recursive: true });
  return { dir, dispose: () => rmSync(root, { recursive: true, force: true }) };
}
