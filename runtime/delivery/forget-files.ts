import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isSendKey } from './keys.ts';

/**
 * The files Herald wrote about a customer, for `herald forget`: the dry-run transport's
 * `<key>.html/.txt/.eml` (and any temporary left in `.partial/`) for each of their sends, and the
 * pipeline's sample emails `samples/<template>.<customer id>.*`. Each holds their address and
 * rendered personal data, so erasure must reach them as it reaches the database's rows.
 * Returns the paths removed, relative to `outDir`.
 */
export function forgetFiles(outDir: string, customerIds: readonly string[], sendKeys: readonly string[]): string[] {
  const removed: string[] = [];
  const keys = new Set(sendKeys.filter(isSendKey));
  const stems = new Set(customerIds.map((id) => `.${id.replace(/[^A-Za-z0-9._-]/g, '_')}`));
  const sweep = (rel: string, matches: (name: string) => boolean) => {
    let names: string[];
    try {
      names = readdirSync(join(outDir, rel));
    } catch {
      return; // nothing written there
    }
    for (const name of names) {
      if (!matches(name)) continue;
      const path = rel === '' ? name : `${rel}/${name}`;
      rmSync(join(outDir, path), { force: true });
      removed.push(path);
    }
  };
  const stemOf = (name: string) => name.replace(/\.(html|txt|eml)(\.\d+)?$/, '');
  sweep('', (name) => /\.(html|txt|eml)$/.test(name) && keys.has(stemOf(name)));
  sweep('.partial', (name) => keys.has(stemOf(name)));
  sweep('samples', (name) => /\.(html|txt|eml)$/.test(name) && [...stems].some((s) => stemOf(name).endsWith(s)));
  return removed.sort();
}
