import type { Command, CliIO } from '../command.ts';
import { EXIT_ERRORS, EXIT_OK, UsageError } from '../command.ts';
import { oneOf } from '../args.ts';
import { DB_OPTION, parseOptions, usageText, type OptionTable } from '../options.ts';
import { openWorkspace, runRuntimeCommand } from '../workspace-runtime.ts';
import { ingestWorkspace, formatSummary, type IngestSummary, type ProgressEvent } from '../../runtime/ingest/index.ts';

const FORMATS = ['pretty', 'json'] as const;
const OPTIONS = {
  db: DB_OPTION,
  source: { arg: 'NAME', description: 'load only this Source (repeatable)', multiple: true },
  format: { values: ['pretty', 'json'], description: 'how the summary is printed (json: with flagged loads)', default: 'pretty' },
} as const satisfies OptionTable;

const USAGE = usageText({
  name: 'ingest',
  args: '[dir]',
  options: OPTIONS,
  about: `Loads every Source of the workspace. Files already loaded (same content) are skipped; changed
files are reloaded in place.`,
  footer: `exit codes: 0 loaded (rejected rows are normal and listed), 1 a file is missing or failed, or the workspace has errors`,
});

/**
 * `herald ingest`: loads every Source of the workspace. Files already loaded (same content) are
 * skipped; changed files are reloaded in place. Progress is drawn on a terminal only; in CI (no
 * TTY) one line per loaded file goes to stderr, and the summary to stdout.
 */
export const ingestCommand: Command = {
  name: 'ingest',
  summary: 'load sources into the database',
  usage: USAGE,
  options: OPTIONS,
  async run(argv, io) {
    const { values, positionals } = parseOptions(argv, OPTIONS);
    if (positionals.length > 1) throw new UsageError(`expected at most one workspace dir, got ${positionals.length}`);
    const format = oneOf('format', values.format, FORMATS, 'pretty');
    return runRuntimeCommand('ingest', io, async () => {
      const opened = await openWorkspace({ dir: positionals[0] ?? '.', db: values.db, io });
      if (typeof opened === 'number') return opened;
      try {
        const only = values.source as string[] | undefined;
        if (only) {
          const known = Object.values(opened.manifest.definitions)
            .filter((d) => d.kind === 'Source')
            .map((d) => d.name);
          const unknown = only.filter((s) => !known.includes(s));
          if (unknown.length > 0)
            throw new UsageError(`--source ${unknown.join(', ')}: no such Source (known: ${known.join(', ') || 'none'})`);
        }
        const progress = progressPrinter(io);
        const summary = await ingestWorkspace({
          db: opened.db,
          manifest: opened.manifest,
          root: opened.dir,
          ...(only ? { only } : {}),
          onProgress: progress.onEvent,
        });
        progress.done();
        if (format === 'json') io.stdout.write(`${JSON.stringify(jsonDocument(summary, opened.db.description), null, 2)}\n`);
        else io.stdout.write(`ingested into ${opened.db.description}\n${formatSummary(summary)}\n`);
        return summary.incomplete ? EXIT_ERRORS : EXIT_OK;
      } finally {
        await opened.db.close();
      }
    });
  },
};

function jsonDocument(summary: IngestSummary, database: string) {
  return { ...summary, database };
}

/**
 * On a TTY: one self-overwriting status line (file n/N, rows). Otherwise: a plain line per file
 * that was loaded, failed or is missing (skipped files stay quiet so unchanged reruns are silent).
 */
function progressPrinter(io: CliIO): { onEvent: (e: ProgressEvent) => void; done: () => void } {
  const tty = io.stderr.isTTY === true;
  let rows = 0;
  let current = '';
  let drawn = false;
  return {
    onEvent(e) {
      if (e.kind === 'file-start') {
        rows = 0;
        current = `[${e.index}/${e.total}] ${e.source} ${e.path}`;
        if (tty) {
          io.stderr.write(`\r\x1b[K${current}`);
          drawn = true;
        }
      } else if (e.kind === 'rows') {
        rows += e.rows;
        if (tty) io.stderr.write(`\r\x1b[K${current}: ${rows.toLocaleString('en-US')} rows`);
      } else if (e.kind === 'waiting') {
        io.stderr.write(`${tty && drawn ? '\r\x1b[K' : ''}waiting for another ingest of ${e.source} to finish\n`);
      } else if (!tty && e.file.status !== 'skipped') {
        const f = e.file;
        io.stderr.write(
          `${f.status} ${f.source} ${f.path}: ${f.rows} rows, ${f.accepted} loaded, ${f.rejected} rejected${f.message ? ` (${f.message})` : ''}\n`,
        );
      }
    },
    done() {
      if (tty && drawn) io.stderr.write('\r\x1b[K');
    },
  };
}
