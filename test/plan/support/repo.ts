import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The plan tests' workspace: a small shop with Sources, segments, a trait, templates and campaigns. */
export const SHOP = join(import.meta.dirname, '..', 'fixtures', 'shop');

/**
 * A throwaway git repository for scripting a history of changes: the fixture workspace copied into
 * `<root>/<folder>`, committed, then edited and committed step by step.
 */
export interface TestRepo {
  root: string;
  /** The workspace folder inside the repository. */
  dir: string;
  git(...args: string[]): string;
  read(path: string): string;
  write(path: string, text: string): void;
  edit(path: string, change: (text: string) => string): void;
  commit(message: string): string;
  remove(): void;
}

export function createRepo(options: { folder?: string; from?: string } = {}): TestRepo {
  const root = mkdtempSync(join(tmpdir(), 'herald-plan-repo-'));
  const folder = options.folder ?? 'shop';
  const dir = join(root, folder);
  cpSync(options.from ?? SHOP, dir, { recursive: true, filter: (src) => !/[\\/]\.herald([\\/]|$)/.test(src) });
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: root,
      encoding: 'utf8',
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'Plan Test',
        GIT_AUTHOR_EMAIL: 'plan@example.test',
        GIT_COMMITTER_NAME: 'Plan Test',
        GIT_COMMITTER_EMAIL: 'plan@example.test',
        GIT_CONFIG_NOSYSTEM: '1',
        HOME: root,
      },
    });
  git('init', '-q', '-b', 'main');
  const repo: TestRepo = {
    root,
    dir,
    git,
    read: (path) => readFileSync(join(dir, path), 'utf8'),
    write: (path, text) => writeFileSync(join(dir, path), text),
    edit: (path, change) => writeFileSync(join(dir, path), change(readFileSync(join(dir, path), 'utf8'))),
    commit(message) {
      git('add', '-A');
      git('commit', '-q', '--allow-empty', '-m', message);
      return git('rev-parse', 'HEAD').trim();
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
  repo.commit('the shop as it is');
  return repo;
}

/** `old` replaced by `replacement` in a text, failing loudly when `old` is not there (a fixture drifted). */
export function replaceOnce(text: string, old: string, replacement: string): string {
  if (!text.includes(old)) throw new Error(`fixture text not found: ${old}`);
  return text.replace(old, replacement);
}
