import { basename } from 'node:path';
import { UsageError } from '../command.ts';
import { checkName, checkPostgresUrl, checkTimeZone, systemTimeZone, toSnakeCase } from './checks.ts';
import { STARTER_PACKS, type StarterPack, type WorkspaceAnswers } from './packs.ts';
import type { Prompter } from './prompter.ts';

export interface InitFlags {
  name?: string;
  database?: string;
  timezone?: string;
  starter?: string;
}

export interface InitAnswers extends WorkspaceAnswers {
  pack: StarterPack;
  /** Set when a password was taken out of the PostgreSQL URL. */
  passwordRemoved?: boolean;
}

/**
 * The questions of `herald init`, each with its flag: --name, --database (`sqlite`, or a
 * PostgreSQL URL), --timezone and --starter.
 */
export async function askInit(prompter: Prompter, dir: string, flags: InitFlags): Promise<InitAnswers> {
  const name = await prompter.text({
    flag: 'name',
    message: 'Workspace name (snake_case)',
    given: flags.name,
    default: toSnakeCase(basename(dir)) || 'shop',
    check: checkName,
  });
  const given = flags.database;
  const kind = await prompter.choose({
    flag: 'database',
    message: 'Database',
    given: given === undefined ? undefined : given === 'sqlite' ? 'sqlite' : 'postgres',
    default: 'sqlite',
    choices: [
      {
        value: 'sqlite',
        name: 'Embedded SQLite',
        description: `a file in the workspace: .herald/${name || 'shop'}.db; nothing to install`,
      },
      { value: 'postgres', name: 'PostgreSQL', description: 'a server you give the URL of (postgres://user@host:5432/db)' },
    ],
  });
  let database = `sqlite:.herald/${name}.db`;
  let passwordRemoved = false;
  if (kind === 'postgres') {
    if (given === 'postgres') throw new UsageError('--database postgres needs the URL: --database postgres://user@host:5432/db');
    const url = await prompter.text({ flag: 'database', message: 'PostgreSQL URL', given, check: checkPostgresUrl });
    ({ url: database, removed: passwordRemoved } = withoutPassword(url));
  }
  const timezone = await prompter.text({
    flag: 'timezone',
    message: 'Time zone (IANA, for schedules and dates without a zone)',
    given: flags.timezone,
    default: systemTimeZone(),
    check: checkTimeZone,
  });
  const packId = await prompter.choose({
    flag: 'starter',
    message: 'Starter pack',
    given: flags.starter,
    default: 'ecommerce',
    choices: STARTER_PACKS.map((p) => ({ value: p.id, name: p.title, description: p.description })),
  });
  const answers: InitAnswers = { name, database, timezone, pack: STARTER_PACKS.find((p) => p.id === packId)! };
  if (passwordRemoved) answers.passwordRemoved = true;
  return answers;
}

/** herald.yaml is committed: a password in the URL stays out of it (PGPASSWORD or HERALD_DATABASE_URL carry it). */
function withoutPassword(url: string): { url: string; removed: boolean } {
  try {
    const parsed = new URL(url);
    if (parsed.password === '') return { url, removed: false };
    parsed.password = '';
    return { url: parsed.toString(), removed: true };
  } catch {
    return { url, removed: false };
  }
}
