import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from '../command.ts';
import { EXIT_ERRORS, EXIT_OK, UsageError } from '../command.ts';
import { oneOf } from '../args.ts';
import { DB_OPTION, parseOptions, usageText, type OptionTable } from '../options.ts';
import { openWorkspace, runRuntimeCommand } from '../workspace-runtime.ts';
import { ingestEngagementFile, ingestProviderFile } from '../../runtime/delivery/engagement.ts';
import { isProvider, PROVIDERS } from '../../runtime/webhooks/providers.ts';
import { printDiagnostics } from '../print-diagnostics.ts';

const FORMATS = ['pretty', 'json'] as const;
const OPTIONS = {
  provider: {
    values: PROVIDERS,
    arg: 'NAME',
    description:
      "read the file in a provider's own webhook format instead (what herald serve takes at POST /webhooks/NAME): ses (SES notifications, bare or in SNS envelopes), sendgrid (Event Webhook batches), postmark, mailgun; one JSON document or one per line",
  },
  db: DB_OPTION,
  format: { values: FORMATS, description: 'how the summary is printed', default: 'pretty' },
} as const satisfies OptionTable;

const USAGE = usageText({
  name: 'engagement',
  args: '<file> [dir]',
  options: OPTIONS,
  about: `Imports a mail provider's engagement log: one JSON object per line with "event" (delivered,
opened, clicked, bounced, unsubscribed or complained), "message_id" (the Message-ID Herald sent)
and "at" (an ISO timestamp with a zone), plus "url" for clicks and "bounce_type" (hard or soft)
for bounces. Each becomes an email_<event> event of the customer the message went to, with its
template, journey and variant; unsubscribes, complaints and hard bounces also suppress the
customer from then on. Importing the same log again changes nothing.`,
});

export const engagementCommand: Command = {
  name: 'engagement',
  summary: 'import email engagement (opens, clicks, bounces, unsubscribes)',
  usage: USAGE,
  options: OPTIONS,
  async run(argv, io) {
    const { values, positionals } = parseOptions(argv, OPTIONS);
    const provider = values.provider;
    if (provider !== undefined && !isProvider(provider))
      throw new UsageError(`--provider must be one of ${PROVIDERS.join(', ')} (got "${provider}")`);
    const [file, dir, ...extra] = positionals;
    if (!file) throw new UsageError('name the engagement log to import, e.g. `herald engagement webhooks.jsonl`');
    if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
    const format = oneOf('format', values.format, FORMATS, 'pretty');
    const path = resolve(io.cwd, file);
    if (!existsSync(path)) throw new UsageError(`${file} does not exist`);
    const st = statSync(path);
    if (!st.isFile())
      throw new UsageError(`${file} is ${st.isDirectory() ? 'a folder' : 'not a regular file'}; name an engagement log (JSON lines)`);
    return runRuntimeCommand('engagement', io, async () => {
      const opened = await openWorkspace({ dir: dir ?? '.', db: values.db, io });
      if (typeof opened === 'number') return opened;
      try {
        const result =
          provider !== undefined && isProvider(provider)
            ? await ingestProviderFile(opened.db, opened.manifest, provider, path, file)
            : await ingestEngagementFile(opened.db, opened.manifest, path, file);
        if (format === 'json') {
          io.stdout.write(`${JSON.stringify({ version: 1, file, ...result }, null, 2)}\n`);
        } else {
          printDiagnostics(result.problems, { format: 'lines', io, to: 'stderr' });
          io.stdout.write(
            `${file}: ${result.loaded} event${result.loaded === 1 ? '' : 's'} loaded, ${result.duplicates} already loaded, ${result.skipped} skipped; ${result.suppressed} customer${result.suppressed === 1 ? '' : 's'} newly suppressed\n`,
          );
        }
        return result.problems.some((p) => p.severity === 'error') ? EXIT_ERRORS : EXIT_OK;
      } finally {
        await opened.db.close();
      }
    });
  },
};
