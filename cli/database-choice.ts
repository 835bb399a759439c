import type { Manifest } from '../compiler/contract/manifest.ts';

/**
 * Which database a command uses: `--db`, else HERALD_DATABASE_URL, else the workspace's `database`.
 * A module of its own, without the database drivers, so `herald validate` can ask it cheaply.
 */
export interface DatabaseChoice {
  url: string;
  /** Where the URL came from, for messages: `--db`, `HERALD_DATABASE_URL` or `herald.yaml`. */
  origin: '--db' | 'HERALD_DATABASE_URL' | 'herald.yaml' | 'default';
}

/** The workspace's `database` setting (default `sqlite:.herald/<workspace>.db`). */
export function chooseDatabase(flag: string | undefined, env: NodeJS.ProcessEnv, manifest: Manifest): DatabaseChoice {
  const workspace = Object.values(manifest.definitions).find((d) => d.kind === 'Workspace');
  return chooseDatabaseOf(flag, env, workspace?.spec.database, manifest.metadata.workspace);
}

/** As chooseDatabase, from the Workspace's `database` value and name (before a manifest exists). */
export function chooseDatabaseOf(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
  configured: unknown,
  workspaceName: string,
): DatabaseChoice {
  if (flag !== undefined && flag !== '') return { url: flag, origin: '--db' };
  const fromEnv = env.HERALD_DATABASE_URL;
  if (fromEnv) return { url: fromEnv, origin: 'HERALD_DATABASE_URL' };
  if (typeof configured === 'string' && configured !== '') return { url: configured, origin: 'herald.yaml' };
  return { url: `sqlite:.herald/${workspaceName || 'herald'}.db`, origin: 'default' };
}
