import type { Command } from '../command.ts';

/** A row of the command table: the name, and how to load the command's module when it runs. */
export interface CommandEntry {
  name: string;
  load: () => Promise<Command>;
}

/**
 * The command table. Each command lives in its own module under `cli/commands/` and is loaded
 * only when it runs, so `herald --version` or `herald validate` never pay for TensorFlow.js,
 * MJML, chokidar or a browser that other commands use.
 */
export const commands: readonly CommandEntry[] = [
  { name: 'validate', load: async () => (await import('./validate.ts')).validateCommand },
  { name: 'compile', load: async () => (await import('./compile.ts')).compileCommand },
  { name: 'ingest', load: async () => (await import('./ingest.ts')).ingestCommand },
  { name: 'segments', load: async () => (await import('./segments.ts')).segmentsCommand },
  { name: 'explain', load: async () => (await import('./explain.ts')).explainCommand },
  { name: 'forget', load: async () => (await import('./forget.ts')).forgetCommand },
  { name: 'train', load: async () => (await import('./train.ts')).trainCommand },
  { name: 'score', load: async () => (await import('./score.ts')).scoreCommand },
  { name: 'render', load: async () => (await import('./render.ts')).renderCommand },
  { name: 'run', load: async () => (await import('./run.ts')).runCommand },
  { name: 'serve', load: async () => (await import('./serve.ts')).serveCommand },
  { name: 'report', load: async () => (await import('./report.ts')).reportCommand },
  { name: 'engagement', load: async () => (await import('./engagement.ts')).engagementCommand },
  { name: 'test', load: async () => (await import('./test.ts')).testCommand },
  { name: 'plan', load: async () => (await import('./plan.ts')).planCommand },
  { name: 'dev', load: async () => (await import('./dev.ts')).devCommand },
  { name: 'init', load: async () => (await import('./init.ts')).initCommand },
  { name: 'new', load: async () => (await import('./new.ts')).newCommand },
  { name: 'explain-code', load: async () => (await import('./explain-code.ts')).explainCodeCommand },
  { name: 'pipeline', load: async () => (await import('./pipeline.ts')).pipelineCommand },
];

export function findCommand(name: string): CommandEntry | undefined {
  return commands.find((c) => c.name === name);
}

/** Loads every command (for `herald --help`, which lists them all). */
export function loadAllCommands(): Promise<Command[]> {
  return Promise.all(commands.map((c) => c.load()));
}
