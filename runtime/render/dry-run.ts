import type { RenderInput } from './context.ts';
import { writeEmailFiles, type WrittenEmail } from './files.ts';
import { composeTemplateMime, HeaderError } from './mime.ts';
import { renderEmail, type LoadedTemplate, type RenderedEmail } from './renderer.ts';

/**
 * One recipient rendered and written as `<name>.html`, `.txt` and `.eml`: what `herald run
 * --dry-run` (the `file` transport) does per send. A recipient whose data cannot fill the
 * template is not written; the reason comes back for the run's record.
 */
export interface DryRunOptions {
  dir: string;
  /** File stem, e.g. `<journey>.<step>.<customer>` (letters, digits, `.`, `_`, `-`). */
  name: string;
  from: string;
  /** The send's instant (the simulated clock in dry runs), for the Date header. */
  date: Date;
  /** Fixed MIME boundary, for byte-identical files across runs. */
  boundary?: string;
  /** Fallback time zone (the workspace's). */
  timeZone?: string;
}

export type DryRunOutcome = { ok: true; files: WrittenEmail; email: RenderedEmail } | { ok: false; reason: string };

export async function writeRecipientEmail(template: LoadedTemplate, input: RenderInput, options: DryRunOptions): Promise<DryRunOutcome> {
  const outcome = renderEmail(template, input, {
    asOf: options.date.getTime(),
    ...(options.timeZone ? { timeZone: options.timeZone } : {}),
  });
  if (!outcome.ok) return outcome;
  const compiled = template.compiled;
  const to = typeof input.customer.email === 'string' ? input.customer.email : undefined;
  if (!to) return { ok: false, reason: 'the customer has no email address' };
  let mime: string;
  try {
    mime = composeTemplateMime(outcome.email, compiled, input, {
      from: options.from,
      to,
      date: options.date,
      ...(options.boundary ? { boundary: options.boundary } : {}),
    });
  } catch (e) {
    if (e instanceof HeaderError) return { ok: false, reason: e.message };
    throw e;
  }
  return { ok: true, files: writeEmailFiles(options.dir, options.name, outcome.email, mime), email: outcome.email };
}
