import type { Command } from '../command.ts';
import { notBuilt } from '../not-built.ts';

/**
 * The command table. Each command lives in its own module under `cli/commands/`; a command that is
 * not built yet is registered with `notBuilt` so `herald --help` always shows the whole design.
 */
export const commands: Command[] = [
  notBuilt('validate', 'load, validate and analyze a workspace', 'herald validate [dir] [--format pretty|json|github|sarif]'),
  notBuilt('compile', 'compile a workspace into build/ (manifest, SQL, templates, jobs)', 'herald compile [dir] [--out build]'),
  notBuilt('ingest', 'load sources into the database', 'herald ingest [dir] [--db URL]'),
  notBuilt('segments', 'materialize segments as of a time and print counts', 'herald segments [dir] [--as-of TIME] [--format pretty|json]'),
  notBuilt('explain', 'why a customer is in or out of each segment', 'herald explain <customer> [dir] [--show-pii]'),
  notBuilt('forget', "erase a customer's personal data and events", 'herald forget <customer> [dir]'),
  notBuilt('train', 'train models and write evaluation reports', 'herald train [dir] [--model NAME]'),
  notBuilt('score', 'write scores, tiers, clusters and recommendations', 'herald score [dir] [--model NAME]'),
  notBuilt('render', 'render one personalized email', 'herald render <template> --customer ID [dir] [--part html|text|subject|mime]'),
  notBuilt('run', 'execute journeys and campaigns up to a time', 'herald run [dir] --until TIME [--dry-run]'),
  notBuilt('report', 'sends, suppressions, engagement and experiment results', 'herald report [dir]'),
  notBuilt('test', "run the workspace's Test documents on a simulated clock", 'herald test [dir]'),
  notBuilt('plan', 'what a change does, for a pull request', 'herald plan --base REF [dir] [--format markdown|json|pretty]'),
  notBuilt('dev', 'watch mode with a live preview server', 'herald dev [dir] [--port N]'),
  notBuilt('init', 'create a new workspace', 'herald init [dir]'),
  notBuilt('new', 'add one definition to a workspace', 'herald new <kind> <name> [dir]'),
  notBuilt('explain-code', 'print the long explanation of a diagnostic code', 'herald explain-code <HLnnn>'),
  notBuilt('pipeline', 'run the whole flagship job end to end (npm start)', 'herald pipeline [dir]'),
];

export function findCommand(name: string): Command | undefined {
  return commands.find((c) => c.name === name);
}
