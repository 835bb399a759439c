import { defaultWorkerId } from '../../runtime/delivery/liveness.ts';
import { resolve, join } from 'node:path';
import type { CliIO, Command } from '../command.ts';
import { EXIT_ERRORS, EXIT_OK, UsageError } from '../command.ts';
import { oneOf } from '../args.ts';
import { DB_OPTION, parseOptions, usageText, type OptionTable } from '../options.ts';
import { CommandFailure, openWorkspace, parseAsOf, runRuntimeCommand } from '../workspace-runtime.ts';
import { parseDurationFlag } from '../journeys/flags.ts';
import { printRunSummary, runDocument } from '../journeys/run-output.ts';
import { runJourneys, RunBackInTimeError } from '../../runtime/journeys/index.ts';
import { deliverySettingsOf } from '../../runtime/delivery/settings.ts';
import { createTransport } from '../../runtime/delivery/transports/index.ts';
import { DeliveryError } from '../../runtime/delivery/problems.ts';
import { LinkSigner } from '../../runtime/recipient/tokens.ts';
import { previewSecret, SECRET_ENV, SecretError, secretFromEnv, type LinkSecret } from '../../runtime/recipient/secret.ts';

const FORMATS = ['pretty', 'json'] as const;
const OPTIONS = {
  until: { arg: 'TIME', description: 'run up to this instant: 2011-12-09, 2011-12-09T12:00Z or now', required: true },
  from: {
    arg: 'TIME',
    description: 'where the clock starts on a database that has never run journeys',
    default: '--until, so history is not replayed',
  },
  'dry-run': { description: 'send through the file transport: .eml, .html and .txt under <dir>/out/' },
  db: DB_OPTION,
  'worker-id': {
    arg: 'ID',
    description:
      "this worker's name (parallel workers on PostgreSQL): a run restarted on the same machine resumes a stopped run's claims at once; with a chosen name, reuse it after a restart to do the same",
    default: '<host>:<pid>@<start>',
  },
  resolution: { arg: 'DURATION', description: 'the shortest slice of the clock; 0s: every instant exactly', default: '1m' },
  'segment-refresh': { arg: 'DURATION', description: 'how often segments are re-materialized on the clock', default: '1d' },
  'skip-delivery': { description: 'leave due messages queued in the outbox for separate delivery workers' },
  format: { values: FORMATS, description: 'how the summary is printed', default: 'pretty' },
} as const satisfies OptionTable;

const USAGE = usageText({
  name: 'run',
  args: '[dir]',
  options: OPTIONS,
  about: `Runs journeys and campaigns from where the database's run clock stands up to --until: entries
from events and segment entries in time order, then every step that is due, then the delivery
worker for the messages that are due. Re-running a window sends nothing twice; a run killed at any
point and started again finishes what the uninterrupted run would have sent.`,
});

/** `herald run`: advances journeys and campaigns up to a time. */
export const runCommand: Command = {
  name: 'run',
  summary: 'execute journeys and campaigns up to a time',
  usage: USAGE,
  options: OPTIONS,
  async run(argv, io) {
    const { values, positionals } = parseOptions(argv, OPTIONS);
    if (positionals.length > 1) throw new UsageError(`expected at most one workspace dir, got ${positionals.length}`);
    if (values.until === undefined) throw new UsageError('--until TIME is required, e.g. --until 2011-12-09 or --until now');
    const until = parseAsOf(values.until, Date.now, 'until');
    const from = values.from !== undefined ? parseAsOf(values.from, Date.now, 'from') : undefined;
    if (from !== undefined && from > until) throw new UsageError('--from must not be after --until');
    const format = oneOf('format', values.format, FORMATS, 'pretty');
    const resolutionMs = values.resolution !== undefined ? parseDurationFlag('resolution', values.resolution, { zero: true }) : undefined;
    const segmentRefreshMs =
      values['segment-refresh'] !== undefined ? parseDurationFlag('segment-refresh', values['segment-refresh']) : undefined;
    return runRuntimeCommand('run', io, async () => {
      const opened = await openWorkspace({ dir: positionals[0] ?? '.', db: values.db, io });
      if (typeof opened === 'number') return opened;
      try {
        const settings = deliverySettingsOf(opened.manifest, opened.dir);
        const signer = runSigner(io, settings.transport.type === 'smtp' && !values['dry-run']);
        let transport;
        try {
          transport = createTransport(settings, io.env, values['dry-run'] ? { dryRunDir: join(resolve(opened.dir), 'out') } : {});
        } catch (e) {
          if (e instanceof DeliveryError)
            throw new CommandFailure(`${e.message}${e.problem.help ? `\n  help: ${e.problem.help}` : ''}`, EXIT_ERRORS);
          throw e;
        }
        const tty = io.stderr.isTTY === true && format === 'pretty';
        try {
          const summary = await runJourneys(opened.db, opened.manifest, {
            until,
            transport,
            signer,
            workerId: values['worker-id'] ?? defaultWorkerId(),
            ...(from !== undefined ? { from } : {}),
            ...(resolutionMs !== undefined ? { resolutionMs } : {}),
            ...(segmentRefreshMs !== undefined ? { segmentRefreshMs } : {}),
            ...(values['skip-delivery'] ? { deliver: false } : {}),
            ...(tty ? { onSlice: ({ at }) => io.stderr.write(`\r  running… ${new Date(at).toISOString()}`) } : {}),
          });
          if (tty) io.stderr.write('\r\x1b[K');
          if (format === 'json')
            io.stdout.write(`${JSON.stringify(runDocument(summary, opened.db.description, values['dry-run'] === true), null, 2)}\n`);
          else
            printRunSummary(
              io,
              summary,
              opened.db.description,
              values['dry-run'] ? join(resolve(opened.dir), 'out') : undefined,
              opened.manifest,
            );
          return summary.problems.some((p) => p.severity === 'error') ? EXIT_ERRORS : EXIT_OK;
        } catch (e) {
          if (e instanceof RunBackInTimeError) throw new CommandFailure(`${e.message} [${e.code}]`, EXIT_ERRORS);
          throw e;
        } finally {
          await transport.close?.();
        }
      } finally {
        await opened.db.close();
      }
    });
  },
};

/**
 * The key the run signs its links with: HERALD_SECRET. Real sending refuses to start without it
 * (links nobody can verify would leave recipients unable to unsubscribe); a dry run or the file
 * transport uses a throwaway key for the process (its files are for reading, not for serving).
 */
function runSigner(io: CliIO, sending: boolean): LinkSigner {
  let secret: LinkSecret | undefined;
  try {
    secret = secretFromEnv(io.env);
  } catch (e) {
    if (e instanceof SecretError) throw new CommandFailure(`${e.message}\n  help: ${e.help}`, EXIT_ERRORS);
    throw e;
  }
  if (!secret && sending) {
    throw new CommandFailure(
      `${SECRET_ENV} is not set: every email's unsubscribe and preferences links are signed with it, and herald serve checks them with it\n  help: set ${SECRET_ENV} to a random value of at least 32 characters (the same one herald serve runs with), or use --dry-run`,
      EXIT_ERRORS,
    );
  }
  return new LinkSigner(secret ?? previewSecret(io.env));
}
