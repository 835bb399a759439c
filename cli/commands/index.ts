import type { Command } from '../command.ts';
import { trainCommand } from './train.ts';
import { scoreCommand } from './score.ts';
import { renderCommand } from './render.ts';
import { ingestCommand } from './ingest.ts';
import { forgetCommand } from './forget.ts';
import { validateCommand } from './validate.ts';
import { explainCodeCommand } from './explain-code.ts';
import { compileCommand } from './compile.ts';
import { segmentsCommand } from './segments.ts';
import { explainCommand } from './explain.ts';
import { reportCommand } from './report.ts';
import { engagementCommand } from './engagement.ts';
import { runCommand } from './run.ts';
import { serveCommand } from './serve.ts';
import { testCommand } from './test.ts';
import { pipelineCommand } from './pipeline.ts';
import { planCommand } from './plan.ts';
import { devCommand } from './dev.ts';
import { initCommand } from './init.ts';
import { newCommand } from './new.ts';

/**
 * The command table. Each command lives in its own module under `cli/commands/`.
 */
export const commands: Command[] = [
  validateCommand,
  compileCommand,
  ingestCommand,
  segmentsCommand,
  explainCommand,
  forgetCommand,
  trainCommand,
  scoreCommand,
  renderCommand,
  runCommand,
  serveCommand,
  reportCommand,
  engagementCommand,
  testCommand,
  planCommand,
  devCommand,
  initCommand,
  newCommand,
  explainCodeCommand,
  pipelineCommand,
];

export function findCommand(name: string): Command | undefined {
  return commands.find((c) => c.name === name);
}
