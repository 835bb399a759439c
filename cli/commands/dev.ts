import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { WORKSPACE_FILE } from '../../compiler/1-load/index.ts';
import { parseDatabaseUrl, DatabaseUrlError } from '../../runtime/db/url.ts';
import { parseOptions, usageText, type OptionTable } from '../options.ts';
import { EXIT_OK, EXIT_USAGE, UsageError, type Command } from '../command.ts';
import { PortsInUseError } from '../dev/listen.ts';
import { startDev } from '../dev/start.ts';
import { parseAsOf } from '../workspace-runtime.ts';

export const DEFAULT_PORT = 4400;

const OPTIONS = {
  port: { arg: 'N', description: 'port to serve on; the next free one when it is taken', default: String(DEFAULT_PORT) },
  host: { arg: 'ADDRESS', description: 'address to listen on', default: '127.0.0.1: this machine only' },
  db: {
    arg: 'URL',
    description: 'preview database for live counts, explanations and real customers',
    default: "HERALD_DATABASE_URL, else herald.yaml's database when it exists",
  },
  'as-of': {
    arg: 'TIME',
    description: 'compute counts and previews as of this instant',
    default: 'the last `herald segments` run, else now',
  },
} as const satisfies OptionTable;

const USAGE = usageText({
  name: 'dev',
  args: '[dir]',
  options: OPTIONS,
  about: `Watches the workspace and serves a live preview at http://127.0.0.1:${DEFAULT_PORT}/: every template
for its sample customers (desktop, phone and dark mode, HTML and plain text), every segment with
its live count and members, every journey as a diagram, and the diagnostics of a broken save as
an overlay. Each save rebuilds only what it affects; open pages update without a reload.`,
  footer: `Stops on Ctrl-C.`,
});

export const devCommand: Command = {
  name: 'dev',
  summary: 'watch mode with a live preview server',
  usage: USAGE,
  options: OPTIONS,
  async run(argv, io) {
    const { values, positionals } = parseOptions(argv, OPTIONS);
    if (positionals.length > 1) throw new UsageError(`expected at most one workspace dir, got ${positionals.length}`);
    const dir = resolve(io.cwd, positionals[0] ?? '.');
    if (!existsSync(dir) || !statSync(dir).isDirectory())
      throw new UsageError(`workspace ${positionals[0] ?? '.'} does not exist or is not a folder`);
    if (!existsSync(join(dir, WORKSPACE_FILE)))
      throw new UsageError(`no ${WORKSPACE_FILE} in ${positionals[0] ?? '.'}; create a workspace with \`herald init\``);
    const port = parsePort(values.port);
    const host = values.host ?? '127.0.0.1';
    if (values.db !== undefined) {
      try {
        parseDatabaseUrl(values.db, dir);
      } catch (e) {
        if (e instanceof DatabaseUrlError) throw new UsageError(`--db: ${e.message}`);
        throw e;
      }
    }
    const asOf = values['as-of'] === undefined ? undefined : parseAsOf(values['as-of']);
    const log = (line: string) => io.stdout.write(`${line}\n`);
    let handle;
    try {
      handle = await startDev({
        dir,
        host,
        port,
        env: io.env,
        log,
        ...(values.db !== undefined ? { db: values.db } : {}),
        ...(asOf !== undefined ? { asOf } : {}),
      });
    } catch (e) {
      if (e instanceof PortsInUseError) {
        io.stderr.write(`herald dev: ${e.message}\n`);
        return EXIT_USAGE;
      }
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EADDRNOTAVAIL' || code === 'EACCES' || code === 'ENOTFOUND') {
        io.stderr.write(`herald dev: cannot listen on ${host}:${port} (${code})\n`);
        return EXIT_USAGE;
      }
      throw e;
    }
    log(`preview at ${handle.startUrl}${handle.database ? ` (database ${handle.database.description})` : ''}`);
    log(`watching ${dir} for changes; Ctrl-C stops`);
    await untilStopped();
    await handle.close();
    return EXIT_OK;
  },
};

function parsePort(value: string | undefined): number {
  if (value === undefined) return DEFAULT_PORT;
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new UsageError(`--port must be a whole number from 0 to 65535 (got "${value}")`);
  return Number(value);
}

function untilStopped(): Promise<void> {
  return new Promise((resolveStop) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolveStop();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
