import type { Manifest } from '../compiler/contract/manifest.ts';
import { databaseSetting, type CompiledWorkspace } from '../compiler/contract/workspace-settings.ts';

/**
 * Which database a command uses: `--db`, else HERALD_DATABASE_URL, else the workspace's compiled
 * `database` setting. A module of its own, without the database drivers, so `herald validate` can
 * ask it cheaply.
 */
export interface DatabaseChoice {
  url: string;
  /** Where the URL came from, for messages: `--db`, `HERALD_DATABASE_URL` or `herald.yaml`. */
  origin: '--db' | 'HERALD_DATABASE_URL' | 'herald.yaml' | 'default';
}

/** From a compiled manifest (a manifest without a Workspace gets the default file). */
export function chooseDatabase(flag: string | undefined, env: NodeJS.ProcessEnv, manifest: Manifest): DatabaseChoice {
  const workspace = Object.values(manifest.definitions).find((d) => d.kind === 'Workspace');
  const compiled = workspace?.compiled as CompiledWorkspace | undefined;
  return choose(flag, env, compiled ?? databaseSetting(undefined, manifest.metadata.workspace));
}

/** As chooseDatabase, from the Workspace's written `database` value and name (before a manifest exists). */
export function chooseDatabaseOf(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
  written: unknown,
  workspaceName: string,
): DatabaseChoice {
  return choose(flag, env, databaseSetting(written, workspaceName));
}

function choose(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
  setting: Pick<CompiledWorkspace, 'database' | 'databaseWritten'>,
): DatabaseChoice {
  if (flag !== undefined && flag !== '') return { url: flag, origin: '--db' };
  const fromEnv = env.HERALD_DATABASE_URL;
  if (fromEnv) return { url: fromEnv, origin: 'HERALD_DATABASE_URL' };
  return { url: setting.database, origin: setting.databaseWritten ? 'herald.yaml' : 'default' };
}
