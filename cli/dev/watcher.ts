import { join, relative, sep } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { ALWAYS_IGNORED } from '../../compiler/1-load/ignore.ts';
import { ChangeBatcher } from './debounce.ts';
import { messageOf } from '../../compiler/diagnostics/catalogue/index.ts';

export interface WorkspaceWatcher {
  /** Whether the operating system's file events are used (false: polling, after running out of watches). */
  readonly native: boolean;
  close(): Promise<void>;
}

export interface WatchOptions {
  /** Called with the workspace-relative paths (forward slashes) that changed, once per quiet period. */
  onChange(paths: string[]): void;
  /** A problem worth telling the user about; watching goes on. */
  onProblem(message: string, code?: string): void;
  quietMs?: number;
  /** chokidar's `watch` (tests pass one that fails the way a system out of watches does). */
  watch?: typeof watch;
}

/**
 * Watches every file of the workspace except the folders the compiler never reads (build output,
 * dependencies, runtime state): YAML, MJML, layouts, partials and sample data all affect the
 * preview. New files, changes, deletions and renames (an unlink and an add) are all changes.
 * When the system runs out of file watches, it falls back to polling and says so (HL562).
 */
export async function watchWorkspace(root: string, options: WatchOptions): Promise<WorkspaceWatcher> {
  const toRelative = (abs: string) => relative(root, abs).split(sep).join('/');
  const ignored = (abs: string) =>
    toRelative(abs)
      .split('/')
      .some((part) => ALWAYS_IGNORED.has(part));
  const batcher = new ChangeBatcher(options.onChange, options.quietMs);
  let watcher: FSWatcher | undefined;
  let native = true;

  const start = (polling: boolean) =>
    new Promise<FSWatcher>((resolveReady) => {
      const w = (options.watch ?? watch)(root, { ignoreInitial: true, ignored, usePolling: polling, interval: 250, persistent: true });
      const note = (abs: string) => {
        const rel = toRelative(abs);
        if (rel !== '' && !rel.startsWith('..') && !ignored(abs)) batcher.add(rel);
      };
      w.on('all', (_event, path) => note(path));
      // The operating system's own events too: chokidar folds quick sequences (a temporary file
      // renamed over the original) into one event or, now and then, none; a rebuild reads every
      // file again anyway, so any sign of a change is enough.
      w.on('raw', (_event, path, details) => {
        const watched = (details as { watchedPath?: string } | undefined)?.watchedPath;
        if (typeof watched !== 'string' || typeof path !== 'string' || path === '') return;
        note(watched.endsWith(`${sep}${path}`) ? watched : join(watched, path));
      });
      w.on('error', (error) => {
        const code = (error as NodeJS.ErrnoException).code;
        if (!polling && (code === 'ENOSPC' || code === 'EMFILE')) {
          native = false;
          options.onProblem(messageOf('HL562', { limit: code }), 'HL562');
          void w
            .close()
            .then(() => start(true))
            .then((p) => (watcher = p));
          return;
        }
        options.onProblem(`file watcher: ${(error as Error).message}`);
      });
      w.on('ready', () => resolveReady(w));
    });

  watcher = await start(false);
  return {
    get native() {
      return native;
    },
    async close() {
      batcher.cancel();
      await watcher?.close();
    },
  };
}
