import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import { diagnostic } from '../diagnostics/make.ts';
import type { Definition } from '../1-load/definition.ts';
import { rangeOfPath } from '../1-load/positions.ts';

export const MANIFEST_FILE = 'manifest.json';

/** Relative, forward slashes, no `.`/`..`/empty segments, portable characters only. */
const SAFE_PATH = /^(?!.*(?:^|\/)\.{1,2}(?:\/|$))[A-Za-z0-9._@+-]+(?:\/[A-Za-z0-9._@+-]+)*$/;

/**
 * The files of build/ other than the manifest, as the kind emitters add them. A path is checked
 * (HL402) and may be written twice only with the same content (HL403), so no emitter can
 * silently overwrite another's output.
 */
export class BuildFiles {
  readonly files = new Map<string, string>();
  private readonly owners = new Map<string, string>();

  constructor(private readonly diagnostics: Diagnostic[]) {}

  write(owner: Definition, ownerName: string, path: string, content: string): void {
    if (!SAFE_PATH.test(path) || path === MANIFEST_FILE) {
      this.diagnostics.push(diagnostic('HL402', { owner: ownerName, path }, problemAt(owner)));
      return;
    }
    const existing = this.files.get(path);
    if (existing !== undefined && existing !== content) {
      this.diagnostics.push(
        diagnostic(
          'HL403',
          { owner: ownerName, other: String(this.owners.get(path)), path },
          {
            ...problemAt(owner),
            help: 'rename one of the definitions',
          },
        ),
      );
      return;
    }
    this.files.set(path, content);
    if (!this.owners.has(path)) this.owners.set(path, ownerName);
  }
}

/** Where a problem with a definition's build files is reported: its name. Worked out only when there is one. */
function problemAt(owner: Definition): { file: string; range: ReturnType<typeof rangeOfPath> } {
  return { file: owner.doc.file.path, range: rangeOfPath(owner.doc, ['metadata', 'name']) };
}
