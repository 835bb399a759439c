import { isRefused, readWorkspaceText } from '../files/workspace-files.ts';
import type { TemplateFacts } from '../3-analyze/kinds/template.ts';
import type { Definition } from '../1-load/definition.ts';

/**
 * Workspace files other than YAML that a kind analyzer read. Only templates read any (their MJML,
 * layout and partials, gathered by compiler/3-analyze/templates/assemble.ts); a kind that starts reading
 * files must be added here, or its analysis would be reused after those files change.
 */
export interface FilesRead {
  /** Workspace-relative path → the text as read (a byte order mark already dropped). */
  texts: ReadonlyArray<readonly [string, string]>;
  /**
   * The analysis must run again on every build: a file it wanted was missing or outside the
   * workspace, and creating a file anywhere could change that.
   */
  always: boolean;
}

export function filesReadBy(def: Definition, facts: unknown): FilesRead | undefined {
  if (def.kind !== 'Template') return undefined;
  const prepared = (facts as TemplateFacts | undefined)?.prepared;
  if (!prepared) return { texts: [], always: true };
  const texts: Array<[string, string]> = [];
  for (const [path, file] of prepared.sources) if (path !== def.doc.file.path) texts.push([path, file.text]);
  return { texts, always: prepared.diagnostics.length > 0 };
}

/** Reads workspace files once per build, for comparing with what earlier analyses read. */
export class FileSnapshot {
  private readonly texts = new Map<string, string | null>();

  constructor(private readonly root: string) {}

  text(path: string): string | null {
    let text = this.texts.get(path);
    if (text === undefined) {
      // As the template assembler reads it (the same reader, so the same refusals).
      const read = readWorkspaceText(this.root, path);
      text = isRefused(read) ? null : read.value;
      this.texts.set(path, text);
    }
    return text;
  }

  unchanged(read: FilesRead): boolean {
    if (read.always) return false;
    return read.texts.every(([path, text]) => this.text(path) === text);
  }
}
