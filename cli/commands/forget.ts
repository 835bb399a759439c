import type { Command } from '../command.ts';
import { EXIT_ERRORS, EXIT_OK, UsageError } from '../command.ts';
import { oneOf } from '../args.ts';
import { DB_OPTION, parseOptions, usageText, type OptionTable } from '../options.ts';
import { openWorkspace, runRuntimeCommand } from '../workspace-runtime.ts';
import { forgetCustomer } from '../../runtime/ingest/index.ts';
import { forgetFiles } from '../../runtime/delivery/forget-files.ts';
import { join, resolve } from 'node:path';

const OPTIONS = {
  db: DB_OPTION,
  out: {
    arg: 'DIR',
    description: 'where dry runs and the pipeline wrote emails; their files for the customer are deleted too',
    default: '<dir>/out',
  },
  format: { values: ['pretty', 'json'], description: 'how the result is printed', default: 'pretty' },
} as const satisfies OptionTable;

const USAGE = usageText({
  name: 'forget',
  args: '<customer> [dir]',
  options: OPTIONS,
  about: `Erases a customer: their profile and every row keyed by them (events, memberships, traits, scores,
journey state, rejected rows), with an audit row that holds no personal data.`,
  footer: `exit codes: 0 erased, 1 no such customer`,
});

/**
 * `herald forget <customer>`: the right to erasure. Deletes the customer's profile and every row
 * keyed by them (events, memberships, traits, scores, journey state, rejected rows), records an
 * audit row without the data, and keeps their rows out of later loads.
 */
export const forgetCommand: Command = {
  name: 'forget',
  summary: "erase a customer's personal data and events",
  usage: USAGE,
  options: OPTIONS,
  async run(argv, io) {
    const { values, positionals } = parseOptions(argv, OPTIONS);
    const [customer, dir, ...extra] = positionals;
    if (customer === undefined || customer.trim() === '')
      throw new UsageError('name the customer id to forget: herald forget <customer> [dir]');
    if (extra.length > 0) throw new UsageError(`expected a customer id and at most one workspace dir, got ${positionals.length} arguments`);
    const format = oneOf('format', values.format, ['pretty', 'json'] as const, 'pretty');
    return runRuntimeCommand('forget', io, async () => {
      const opened = await openWorkspace({ dir: dir ?? '.', db: values.db, io });
      if (typeof opened === 'number') return opened;
      try {
        const result = await forgetCustomer(opened.db, customer.trim());
        if (!result) {
          // The id is what the user typed; echoing it back reveals nothing new.
          io.stderr.write(`herald forget: no customer "${customer}" in ${opened.db.description}\n`);
          return EXIT_ERRORS;
        }
        // Files written about the customer (dry-run sends, sample emails) go too: erasure reaches everything Herald wrote.
        const outDir = values.out !== undefined ? resolve(io.cwd, values.out) : join(resolve(io.cwd, opened.dir), 'out');
        const files = forgetFiles(outDir, result.customerIds, result.sendKeys);
        if (files.length > 0) result.deleted.files = files.length;
        if (format === 'json') {
          io.stdout.write(
            `${JSON.stringify({ version: 1, customer_hash: result.customerHash, ids: result.ids, deleted: result.deleted }, null, 2)}\n`,
          );
        } else {
          const counts = Object.entries(result.deleted)
            .map(([t, n]) => `${t} ${n}`)
            .join(', ');
          io.stdout.write(
            `forgot customer (${result.ids} id${result.ids === 1 ? '' : 's'}): deleted ${counts}\naudit: herald_forget_log ${result.customerHash.slice(0, 16)}…\n`,
          );
        }
        return EXIT_OK;
      } finally {
        await opened.db.close();
      }
    });
  },
};
