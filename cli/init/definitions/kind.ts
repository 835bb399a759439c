import type { Kind } from '../../../compiler/contract/definition.ts';
import type { NewFile } from '../files.ts';
import type { Prompter } from '../prompter.ts';
import { yamlString, type WorkspaceInfo } from './workspace-info.ts';

/** The flags `herald new` takes for kind-specific details, by name (all strings). */
export type DetailFlags = Partial<Record<string, string>>;

/** How `herald new` makes one kind of definition: the questions (each with a flag) and the files. */
export interface NewDefinition {
  kind: Kind;
  /** The folder new files of this kind go in. */
  folder: string;
  /** The detail flags this kind understands, with what each sets (for --help). */
  flags: Record<string, string>;
  /** Asks for the details (a flag answers without asking); the answers by flag name. */
  ask(prompter: Prompter, info: WorkspaceInfo, flags: DetailFlags): Promise<Record<string, string>>;
  files(name: string, details: Record<string, string>, info: WorkspaceInfo): NewFile[];
  /**
   * Runs once the files are written and the workspace validates with them (a Test records what its
   * journey does now as its expectations). Returns a line for the summary.
   */
  afterWrite?(context: AfterWrite): Promise<string | undefined>;
}

export interface AfterWrite {
  root: string;
  name: string;
  details: Record<string, string>;
  info: WorkspaceInfo;
  /** Where the files' editor header points (for rewriting a file). */
  schema: string;
}

/** The envelope every generated document starts with. */
export function envelope(kind: Kind, name: string, description: string | undefined): string {
  return `apiVersion: herald/v1\nkind: ${kind}\nmetadata:\n  name: ${name}\n${description ? `  description: ${yamlString(description)}\n` : ''}spec:\n`;
}
