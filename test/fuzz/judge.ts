/**
 * What every mutant's run must look like: exit 0, 1 or 2; no internal error, no stack trace and
 * no internal-error diagnostic code; exit 1 with diagnostics that name a file and a position;
 * exit 2 with a message. Returns what is wrong (empty: the run is fine).
 */
export interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
  /** `json`: `validate --format json`; `pretty`: `compile`'s text output. */
  format: 'json' | 'pretty';
}

/** Diagnostic codes that mean the compiler itself failed (an analyzer or emitter crashed). */
const INTERNAL_CODES = ['HL305', 'HL401'];
/** Diagnostics about a file as a whole (it cannot be read at all): a file name is their location. */
const WHOLE_FILE_CODES = ['HL110'];
const STACK_FRAME = /^\s+at .+(:\d+:\d+\)?|\(native\)|<anonymous>\)?)$/m;

export function judge(o: Outcome): string[] {
  const problems: string[] = [];
  const all = `${o.stdout}\n${o.stderr}`;
  if (![0, 1, 2].includes(o.code)) problems.push(`exit code ${o.code}`);
  if (/internal error/i.test(all)) problems.push(`internal error: ${excerpt(all, /internal error/i)}`);
  if (STACK_FRAME.test(all)) problems.push(`stack trace: ${excerpt(all, STACK_FRAME)}`);
  for (const code of INTERNAL_CODES)
    if (all.includes(code)) problems.push(`internal diagnostic ${code}: ${excerpt(all, new RegExp(code))}`);
  if (o.code === 2 && all.trim() === '') problems.push('exit 2 without a message');
  if (o.code === 1) problems.push(...unlocated(o));
  return problems;
}

function unlocated(o: Outcome): string[] {
  if (o.format === 'pretty') return unlocatedPretty(`${o.stdout}\n${o.stderr}`);
  let doc: {
    diagnostics?: Array<{ code: string; severity: string; message: string; file?: string; range?: { start?: { line?: number } } }>;
  };
  try {
    doc = JSON.parse(o.stdout);
  } catch {
    return [`exit 1 without a JSON document: ${o.stdout.slice(0, 200)} ${o.stderr.slice(0, 200)}`];
  }
  const errors = (doc.diagnostics ?? []).filter((d) => d.severity === 'error');
  if (errors.length === 0) return ['exit 1 without an error diagnostic'];
  // Every error names its file, and a position in it, unless it is about the file as a whole.
  return errors
    .filter((d) => !d.file || (!WHOLE_FILE_CODES.includes(d.code) && !(Number(d.range?.start?.line) >= 1)))
    .map((d) => `diagnostic without a position: ${d.code} ${d.file ?? '(no file)'} ${d.message.slice(0, 120)}`);
}

/** The pretty printer's errors: each `error[HLnnn]: …` line is followed by ` --> file:line:col`. */
function unlocatedPretty(text: string): string[] {
  const lines = text.split('\n');
  const problems: string[] = [];
  let errors = 0;
  for (const [i, line] of lines.entries()) {
    const m = /^error\[(HL\d+)\]: (.*)$/.exec(line);
    if (!m) continue;
    errors++;
    const at = /^\s*--> (\S+?)(:\d+:\d+)?$/.exec(lines[i + 1] ?? '');
    if (!at || (!at[2] && !WHOLE_FILE_CODES.includes(m[1]!)))
      problems.push(`diagnostic without a position: ${m[1]} ${m[2]!.slice(0, 120)}`);
  }
  return errors === 0 ? [`exit 1 without an error diagnostic: ${text.slice(0, 300)}`] : problems;
}

function excerpt(text: string, pattern: RegExp): string {
  const m = pattern.exec(text);
  if (!m) return '';
  return text.slice(Math.max(0, m.index - 120), m.index + 200).replace(/\s+/g, ' ');
}
