import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { watch, type ChokidarOptions } from 'chokidar';
import { describe, expect, it } from 'vitest';
import { watchWorkspace } from '../../cli/dev/watcher.ts';
import { copyShop } from './support/workspace.ts';

describe('workspace watcher', () => {
  it('falls back to polling when the system runs out of file watches (HL562), and still sees changes', async () => {
    const shop = copyShop('herald-dev-watch-');
    const problems: Array<{ message: string; code?: string }> = [];
    const batches: string[][] = [];
    // The first (native) watcher fails like inotify at its limit; the polling one is real.
    const failing = (path: string | string[], opts: ChokidarOptions = {}) => {
      const w = watch(path, opts);
      if (!opts.usePolling)
        w.once('ready', () =>
          w.emit('error', Object.assign(new Error('ENOSPC: System limit for number of file watchers reached'), { code: 'ENOSPC' })),
        );
      return w;
    };
    const watcher = await watchWorkspace(shop.dir, {
      onChange: (paths) => batches.push(paths),
      onProblem: (message, code) => problems.push({ message, ...(code ? { code } : {}) }),
      watch: failing,
    });
    try {
      for (let i = 0; i < 100 && watcher.native; i++) await new Promise((r) => setTimeout(r, 20));
      expect(watcher.native).toBe(false);
      expect(problems).toEqual([
        { code: 'HL562', message: 'the system allows no more file watches (ENOSPC); polling the workspace for changes instead' },
      ]);
      await new Promise((r) => setTimeout(r, 600)); // the polling watcher's first scan
      writeFileSync(
        join(shop.dir, 'segments.yaml'),
        `${'# edited\n'}apiVersion: herald/v1\nkind: Segment\nmetadata: { name: reachable }\nspec: { where: email_consent }\n`,
      );
      for (let i = 0; i < 150 && batches.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(batches.flat()).toContain('segments.yaml');
    } finally {
      await watcher.close();
      shop.dispose();
    }
  });

  it('ignores build output and runtime state', async () => {
    const shop = copyShop('herald-dev-watch-');
    const batches: string[][] = [];
    const watcher = await watchWorkspace(shop.dir, { onChange: (paths) => batches.push(paths), onProblem: () => undefined });
    try {
      mkdirSync(join(shop.dir, 'build'));
      mkdirSync(join(shop.dir, '.herald'));
      writeFileSync(join(shop.dir, 'build', 'manifest.json'), '{}');
      writeFileSync(join(shop.dir, '.herald', 'shop.db'), 'x');
      writeFileSync(join(shop.dir, 'templates', 'welcome.mjml'), '<mjml></mjml>\n');
      for (let i = 0; i < 150 && batches.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 200));
      expect(batches.flat()).toEqual(['templates/welcome.mjml']);
    } finally {
      await watcher.close();
      shop.dispose();
    }
  });
});
