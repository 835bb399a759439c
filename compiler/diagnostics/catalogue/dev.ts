import type { CodeEntry, MessageTable } from './types.ts';

/** Codes HL560–HL569: `herald dev`, the watcher and its preview site. */
export const devCodes: CodeEntry[] = [
  {
    code: 'HL560',
    title: 'preview database unavailable',
    severity: 'warning',
    explanation:
      'herald dev could not open, migrate or bring up to date the database it previews with (--db, ' +
      "HERALD_DATABASE_URL or the Workspace's `database`). The preview site keeps working from each " +
      "template's sample data, but shows no live segment counts, members, explanations or journey " +
      'counts. The message says what failed; fix the URL or start the server, then save any file to retry.',
  },
  {
    code: 'HL561',
    title: 'template cannot be previewed for a customer',
    severity: 'warning',
    explanation:
      'A template compiled, but rendering it for one preview customer failed: the email reads a value ' +
      "the customer does not have and gives no `default`, or the customer is neither in the template's " +
      'sample data nor in the preview database. Real sends of such an email are suppressed with the same ' +
      'reason; add a `default(...)` filter or complete the sample data.',
  },
  {
    code: 'HL562',
    title: 'file watcher fell back to polling',
    severity: 'warning',
    explanation:
      'The operating system refused more file watches (ENOSPC or EMFILE: the inotify limit on Linux), so ' +
      'herald dev now polls the workspace for changes. Rebuilds still happen, a little later. Raise the ' +
      'limit (sysctl fs.inotify.max_user_watches=524288) or add large folders to .heraldignore.',
  },
  {
    code: 'HL563',
    title: 'internal error while rebuilding',
    severity: 'error',
    explanation:
      'The compiler failed unexpectedly while rebuilding after a change. This is a bug in Herald, not in ' +
      'the workspace; the preview keeps showing the last good build and the next save retries. The note ' +
      'holds the stack trace; please report it with the file you saved.',
  },
  {
    code: 'HL564',
    title: 'live segment count failed',
    severity: 'warning',
    explanation:
      "Counting a segment's members in the preview database failed (the query ran into a database error, " +
      'for example a table or column the data model names that the database lacks). The count is left out; ' +
      "the message holds the database's own error. Running `herald ingest` first usually fixes it.",
  },
];

/** Messages of the `herald dev` codes about watching and rebuilding (HL562, HL563). */
export const devMessages = {
  /** `limit`: the error code the system answered (ENOSPC, EMFILE). */
  HL562: (p: { limit: string }) => `the system allows no more file watches (${p.limit}); polling the workspace for changes instead`,
  HL563: (p: { error: string }) => `internal error while rebuilding: ${p.error}`,
} satisfies MessageTable;
