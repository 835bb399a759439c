import type { CodeEntry, MessageTable } from './types.ts';

/**
 * Codes of `herald plan`: HL39x reading and compiling the two sides, HL45x the plan's output and
 * rendered evidence, HL55x the data and the risks the plan flags.
 */
export const planCodes: CodeEntry[] = [
  {
    code: 'HL390',
    title: 'base ref does not exist',
    severity: 'error',
    explanation:
      "`herald plan --base REF` compares the working tree with the commit REF names, and git knows no such commit. In CI this is usually a shallow clone: `actions/checkout` fetches only the pull request's head commit unless asked for more, so `origin/main` is missing. Check out with `fetch-depth: 0`, or fetch the base first (`git fetch origin main`), and pass the base branch as `origin/<branch>`. Locally, check the spelling with `git rev-parse --verify REF`.",
  },
  {
    code: 'HL391',
    title: 'base does not compile',
    severity: 'warning',
    explanation:
      "The workspace at the base commit has errors, so it has no manifest to compare with. The plan still shows the head: definitions are compared by their parsed YAML documents instead of their compiled hashes (formatting and comments still make no difference, but writing out a schema default counts as a change), renames are not detected, and audiences are counted for the head only. The plan lists the base's first errors; fixing the base (or choosing a base that compiles) gives the full comparison.",
  },
  {
    code: 'HL392',
    title: 'workspace moved between base and head',
    severity: 'info',
    explanation:
      "The folder that holds herald.yaml in the working tree held no workspace at the base commit, and the plan found the workspace elsewhere there: the herald.yaml whose Workspace has the same name, or else the only herald.yaml in the base. Definitions are compared by kind and name with paths relative to each side's workspace folder, so moving or renaming the folder is no change by itself; only what changed inside it is reported.",
  },
  {
    code: 'HL393',
    title: 'base has no workspace',
    severity: 'info',
    explanation:
      "The base commit has no herald.yaml that could be the head's workspace (the workspace is new in this change, or the base holds several unrelated workspaces, none of them with the head's name). Everything in the head is reported as added.",
  },
  {
    code: 'HL394',
    title: 'working tree does not compile',
    severity: 'error',
    explanation:
      'A plan shows what the working tree would do, so it needs the working tree to compile. Its errors are printed above in the same form `herald validate` prints them; fix them and run `herald plan` again. The command exits 1, which CI reads as a failed check.',
  },
  {
    code: 'HL395',
    title: 'git cannot be read',
    severity: 'error',
    explanation:
      'The plan reads the base from git (`git ls-tree` and `git cat-file`, never touching the working tree, the index or HEAD), so the workspace must be inside a git repository and git must be installed. The message says what git reported. In CI, check the repository out before running the plan.',
  },
  {
    code: 'HL450',
    title: 'no screenshots',
    severity: 'info',
    explanation:
      "Screenshots of the changed templates (desktop and mobile, before and after) are written only with `--out DIR`, as PNG files under DIR/screenshots/ for a CI artifact, and need Chromium: Debian's `/usr/bin/chromium`, or the browser HERALD_CHROMIUM names. Without either the plan still has the rendered subjects and the text diff, and says why the screenshots are missing.",
  },
  {
    code: 'HL451',
    title: 'some templates not rendered',
    severity: 'info',
    explanation:
      'A change touching many templates (a shared layout or partial edited) would make a plan too slow and too long to review, so the plan renders a limited number of changed templates (direct changes first) and lists the others as changed without rendered evidence. Render any of them with `herald render <template> --customer ID`.',
  },
  {
    code: 'HL550',
    title: 'audience changes by more than the threshold',
    severity: 'warning',
    explanation:
      "A segment in the change grows or shrinks, between the base's and the head's definition on the same data as of the same instant, by more than `--max-audience-change` percent (default 20). That may be the intent (a threshold raised on purpose), but it also is what a typo in a rule looks like, and everything that uses the segment (journeys, campaigns, other segments) changes with it. Check the entering and leaving customers in the plan, or a few of them with `herald explain`.",
  },
  {
    code: 'HL551',
    title: 'first day sends exceed the limit',
    severity: 'warning',
    explanation:
      "A journey or campaign in the change would email more customers on its first day than `--max-first-day-sends` (default 10,000): from the send forecast when there is one, else, for a campaign, its whole reachable audience. A launch that large can hurt the sending domain's reputation and overwhelm support; throttle the campaign, rate-limit the journey, or raise the limit for this review.",
  },
  {
    code: 'HL552',
    title: 'unsubscribe link removed',
    severity: 'error',
    explanation:
      "A template's emails carried the unsubscribe link at the base and do not in the head: the link was removed, or moved into a condition that is false for the sample customers, or the template became transactional (which also means it is sent without marketing consent). Every marketing email must let the recipient unsubscribe; check the rendered evidence in the plan and the template's category.",
  },
  {
    code: 'HL553',
    title: 'new model version scores worse',
    severity: 'warning',
    explanation:
      "A model in the change has a stored version trained for its new spec (by `herald train` on the branch or in CI), and that version scores worse on the model type's primary metric (AUC for propensity, RMSE for regression, silhouette for clusters, precision@k for recommendations) than the active version. It would be used only if it passes its evaluation bar, but a worse score is a reason to look at the new features or label before merging.",
  },
  {
    code: 'HL554',
    title: 'no data to count audiences on',
    severity: 'warning',
    explanation:
      "The plan counts audiences on the configured database (`--db`, HERALD_DATABASE_URL, or herald.yaml's `database`). When that database does not exist yet or holds no customers, `--data auto` uses the workspace's sample data instead: its Sources loaded from the files in the workspace into a throwaway SQLite file. When the database cannot be reached (or there is no sample data either), the plan shows the definitions only, without audience numbers, and says why; it never silently counts on other data than the one configured. Pass `--data sample` to count on the sample data on purpose.",
  },
  {
    code: 'HL555',
    title: 'template cannot be rendered for a sample customer',
    severity: 'warning',
    explanation:
      "The head's version of a changed template failed to render for one of the customers the plan renders it for: a value it reads is missing and has no `default`, or a filter failed on the value. Sending would fail the same way for customers like this one. The message says which part and which expression; add a `| default('…')` or guard it with `{% if %}`.",
  },
  {
    code: 'HL556',
    title: 'database differs from the data model',
    severity: 'info',
    explanation:
      "The plan brings the database's schema up to date for both sides' data models inside a session that is rolled back. A field the head adds has no data yet, so rules read it as empty; a field whose type changed in a way the stored column cannot hold, or consent and suppression data that cannot be read, make some counts unavailable, and the plan says which.",
  },
  {
    code: 'HL557',
    title: 'as of the sample data',
    severity: 'info',
    explanation:
      'Sample data is fixed in time, so without `--as-of` the plan evaluates it as of its latest event (counting "as of now" would leave every recent-activity segment empty). Pass `--as-of` to evaluate another instant; on a live database the default is now.',
  },
  {
    code: 'HL558',
    title: 'send forecast missing or incomplete',
    severity: 'info',
    explanation:
      "The send forecast simulates a week (`--forecast-days`) of the journeys and campaigns in the change, as the head defines them, on the plan's data: the real entries, steps, outbox and delivery gates (consent, suppressions, frequency caps, quiet hours) on a simulated clock, inside the plan's session that is rolled back, so nothing is sent and nothing stays. It is missing when there is no data to simulate on or the simulation failed (the message says why); the simulated run's own problems are passed on under this code too, such as a campaign whose send time lies before the window (it would not be sent; rename it to send it again).",
  },
  {
    code: 'HL559',
    title: 'sample data incomplete',
    severity: 'warning',
    explanation:
      "Loading the workspace's sample data for the plan (its Sources, from the files in the workspace) failed for some files, or its segments could not be materialized. The counts cover what loaded. `herald ingest --db sqlite:/tmp/check.db` shows the same problems in full.",
  },
];

/** Messages of the plan codes about git and the base workspace (HL390–HL395). */
export const planGitMessages = {
  HL390: (p: { notARef: string } | { missingRef: string; shallow: boolean }) =>
    'notARef' in p
      ? `"${p.notARef}" is not a git ref`
      : `the base ref "${p.missingRef}" does not exist in this repository${p.shallow ? ' (the clone is shallow)' : ''}`,
  /** `base`: the ref as given; `prefix`: the workspace folder inside the repository ('' at its root). */
  HL391: (p: { base: string; errors: number }) =>
    `the base (${p.base}) does not compile (${p.errors} error${p.errors === 1 ? '' : 's'}): changes are found by comparing the documents, and audiences are counted for the head only`,
  HL392: (p: { basePrefix: string; headPrefix: string }) =>
    `the workspace moved: ${shownPrefix(p.basePrefix)} at the base, ${shownPrefix(p.headPrefix)} now; definitions are compared by kind and name`,
  HL393: (p: { base: string }) => `the base (${p.base}) has no Herald workspace: everything in the head is new`,
  /** `gitSays`: git's own message (or its exit status) when it failed. */
  HL395: (p: { gitMissing: true } | { gitCouldNotRun: string } | { doing: string; gitSays: string } | { notARepository: string }) =>
    'gitMissing' in p
      ? 'git is not installed (plan reads the base from git)'
      : 'gitCouldNotRun' in p
        ? `git could not run: ${p.gitCouldNotRun}`
        : 'doing' in p
          ? `${p.doing}: ${p.gitSays}`
          : `${p.notARepository} is not inside a git repository: plan compares the working tree with a commit`,
} satisfies MessageTable;

/** A repository-relative folder as the plan shows it: `.` for the root. */
export function shownPrefix(prefix: string): string {
  return prefix === '' ? '.' : prefix;
}

const plural = (n: number, one: string, many: string) => (n === 1 ? one : many);
const WITHOUT_DATA = ': the plan shows the definitions only, without audience numbers';

/** Messages of the plan's notes about rendering, data and the send forecast (HL450–HL451, HL554–HL559). */
export const planNoteMessages = {
  HL450: (p: { noOutDir: true } | { skipped: string }) =>
    'noOutDir' in p
      ? 'no screenshots: pass --out DIR to write them (desktop and mobile, before and after)'
      : `no screenshots: ${p.skipped}`,
  HL451: (p: { skipped: number; limit: number }) =>
    `${p.skipped} more changed template${plural(p.skipped, ' was', 's were')} not rendered (the plan renders at most ${p.limit})`,
  /** `why`: why the plan has no data (no database configured, an unreachable one, no Source …). */
  HL554: (p: { why: string }) => `${p.why}${WITHOUT_DATA}`,
  /** `customer`: the sample customer's masked label. */
  HL555: (p: { template: string; customer: string; language?: string; error: string }) =>
    `${p.template} cannot be rendered for ${p.customer}${p.language ? ` in ${p.language}` : ''}: ${p.error}`,
  HL556: (p: { newColumns: readonly string[] } | { cannotHoldModel: string } | { consentNotCounted: string }) => {
    if ('newColumns' in p) {
      const them = plural(p.newColumns.length, 'it', 'them');
      return `the database has no column yet for ${p.newColumns.join(', ')}: no data was loaded for ${them}, so rules read ${them} as empty`;
    }
    return 'cannotHoldModel' in p
      ? `the database cannot hold the head's data model (${p.cannotHoldModel}); queries reading it may fail`
      : `consent and suppressions could not be counted: ${p.consentNotCounted}`;
  },
  HL557: (p: { latestEvent: number }) =>
    `as of the sample data's latest event (${new Date(p.latestEvent).toISOString()}); pass --as-of to choose another instant`,
  HL558: (p: { noData: true } | { simulationFailed: string } | { runSays: string } | { moreProblems: number }) =>
    'noData' in p
      ? 'no send forecast: there is no data to simulate the journeys and campaigns on'
      : 'simulationFailed' in p
        ? `the send forecast could not be simulated: ${p.simulationFailed}`
        : 'runSays' in p
          ? `send forecast: ${p.runSays}`
          : `send forecast: ${p.moreProblems} more problem${plural(p.moreProblems, '', 's')} of the same run`,
  /** `withoutData`: why the plan has no data, the sample data having failed to load. */
  HL559: (
    p: { segmentsFailed: string } | { withoutData: string } | { incomplete: readonly { path: string; status: string; message?: string }[] },
  ) =>
    'segmentsFailed' in p
      ? `the sample data's segments could not be materialized (${p.segmentsFailed}): overlaps are not shown`
      : 'withoutData' in p
        ? `${p.withoutData}${WITHOUT_DATA}`
        : `sample data incomplete: ${p.incomplete.map((f) => `${f.path} ${f.status}${f.message ? ` (${f.message})` : ''}`).join('; ')}`,
} satisfies MessageTable;

/**
 * Messages of the plan's risks (HL550–HL553). Figures arrive formatted (`before`, `by`, `limit`):
 * the plan formats numbers and percentages one way for all its output.
 */
export const planRiskMessages = {
  /** `by`: "by 40%" or "from none". */
  HL550: (p: { segment: string; grows: boolean; by: string; before: string; after: string; threshold: string }) =>
    `${p.segment} ${p.grows ? 'grows' : 'shrinks'} ${p.by} (${p.before} → ${p.after} customers), more than the ${p.threshold} threshold`,
  HL551: (p: { name: string; sends: string; limit: string }) =>
    `${p.name} would email ${p.sends} customers on its first day, more than the limit of ${p.limit}`,
  HL552: (p: { template: string; lostLink: true; nowTransactional: boolean } | { template: string; nowTransactional: true }) =>
    'lostLink' in p
      ? `${p.template} no longer renders an unsubscribe link${p.nowTransactional ? ' (it is now transactional)' : ''}`
      : `${p.template} changed from marketing to transactional: it no longer needs an unsubscribe link and is sent without consent`,
  HL553: (p: { model: string; note: string }) =>
    `${p.model}: the version trained for the new spec scores worse than the active one (${p.note})`,
} satisfies MessageTable;

const points = (share: number) => `${(share * 100).toFixed(1)} points`;
const percent = (share: number) => `${(share * 100).toFixed(1)}%`;

/** Messages of HL397, an experiment too small to detect its minimum effect, or one that cannot be planned. */
export const experimentPlanMessages = {
  /** `definition`: `kind name` of the split, when the plan names it; `missing`: what planning lacks. */
  HL397: (
    p:
      | { experiment: string; definition: string; missing: 'audience' | 'base rate' }
      | { experiment: string; definition?: string; detectable: number; audience: number; baseRate: number; minimumEffect: number },
  ) => {
    const named = `experiment "${p.experiment}"${p.definition === undefined ? '' : ` (${p.definition})`}`;
    if ('missing' in p) {
      const declare =
        p.missing === 'audience' ? 'no audience (declare expected_audience on the split' : 'no base rate (declare base_rate on the split';
      return `${named} is not planned: ${declare}, or plan with data)`;
    }
    const mde = Number.isFinite(p.detectable)
      ? points(p.detectable)
      : p.definition === undefined
        ? 'no effect at all (an arm is empty)'
        : 'nothing';
    return `${named} can detect ${mde} at 80% power with ${p.audience.toLocaleString('en-GB')} customers at a base rate of ${percent(p.baseRate)}, not the ${points(p.minimumEffect)} of minimum_effect`;
  },
} satisfies MessageTable;
