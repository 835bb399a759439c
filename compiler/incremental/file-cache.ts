import type { LoadHooks } from '../1-load/index.ts';
import { parseFileBytes, type LoadedDocument, type ParsedFile } from '../1-load/parse-file.ts';
import { parseRules, type ParsedRules } from '../1-load/rules.ts';
import type { SourceFile } from '../1-load/source-file.ts';
import type { BuildStats } from './stats.ts';
import { append } from '../util/append.ts';

interface CachedFile {
  bytes: Uint8Array;
  parsed: ParsedFile;
}

/**
 * Phase 1's results per file, by content: a file whose bytes did not change keeps its parsed
 * documents (the very objects, which is what lets later phases recognize them) and its parsed
 * rules. Files that disappeared are forgotten at the end of each build.
 */
export class FileCache {
  private readonly files = new Map<string, CachedFile>();
  private readonly rules = new WeakMap<SourceFile, ParsedRules>();

  /** Load hooks for one build; call `finish` with the same set after the load. */
  hooks(stats: BuildStats, seen: Set<string>): LoadHooks {
    return {
      parseFile: (path, absPath, bytes) => {
        seen.add(path);
        const cached = this.files.get(path);
        if (cached && sameBytes(cached.bytes, bytes)) {
          stats.files.reused++;
          return cached.parsed;
        }
        const parsed = parseFileBytes(path, absPath, bytes);
        this.files.set(path, { bytes, parsed });
        stats.files.parsed++;
        return parsed;
      },
      parseRules: (documents) => this.parseRulesByFile(documents),
    };
  }

  finish(seen: ReadonlySet<string>): void {
    for (const path of [...this.files.keys()]) if (!seen.has(path)) this.files.delete(path);
  }

  /** parseRules is a fold over documents in order, so it can be run file by file and concatenated. */
  private parseRulesByFile(documents: readonly LoadedDocument[]): ParsedRules {
    const out: ParsedRules = { rules: [], diagnostics: [] };
    let start = 0;
    while (start < documents.length) {
      const file = documents[start]!.file;
      let end = start + 1;
      while (end < documents.length && documents[end]!.file === file) end++;
      let parsed = this.rules.get(file);
      if (!parsed) {
        parsed = parseRules(documents.slice(start, end));
        this.rules.set(file, parsed);
      }
      append(out.rules, parsed.rules);
      append(out.diagnostics, parsed.diagnostics);
      start = end;
    }
    return out;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return (
    a.byteLength === b.byteLength &&
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))
  );
}
