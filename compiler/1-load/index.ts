import { existsSync, statSync } from 'node:fs';
import { resolve, join } from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import { diagnostic } from '../diagnostics/make.ts';
import { discoverWorkspace } from './discover.ts';
import { isRefused, readWorkspaceBytes } from '../files/workspace-files.ts';
import { fileTooLarge, MAX_FILE_BYTES, parseFileBytes, type LoadedDocument, type ParsedFile } from './parse-file.ts';
import type { SourceFile } from './source-file.ts';
import { parseRules, type ParsedRules, type RuleSite } from './rules.ts';
import { append } from '../util/append.ts';

export type { LoadedDocument } from './parse-file.ts';
export type { SourceFile } from './source-file.ts';
export type { RuleSite } from './rules.ts';

/** What phase 1 hands on: every file and document of the workspace, parsed with positions. */
export interface LoadResult {
  root: string;
  files: SourceFile[];
  documents: LoadedDocument[];
  /** Every rule-DSL string in the documents, parsed with positions in its file. */
  rules: RuleSite[];
  diagnostics: Diagnostic[];
}

export const WORKSPACE_FILE = 'herald.yaml';

/**
 * The two pure steps of loading, replaceable so an incremental build (compiler/incremental) can
 * return an earlier result for a file whose bytes did not change. A replacement must return what
 * the default would.
 */
export interface LoadHooks {
  /** Decodes and parses one file (default: parseFileBytes). */
  parseFile?: (path: string, absPath: string, bytes: Uint8Array) => ParsedFile;
  /** Finds and parses the rule strings of documents, in order (default: parseRules). */
  parseRules?: (documents: readonly LoadedDocument[]) => ParsedRules;
}

/** Phase 1 entry. Reads from disk; never throws for bad input. */
export function load(workspaceDir: string, hooks: LoadHooks = {}): LoadResult {
  const root = resolve(workspaceDir);
  const result: LoadResult = { root, files: [], documents: [], rules: [], diagnostics: [] };
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    result.diagnostics.push(
      diagnostic(
        'HL101',
        { dir: workspaceDir },
        {
          help: 'pass the folder that holds herald.yaml',
        },
      ),
    );
    return result;
  }
  if (!existsSync(join(root, WORKSPACE_FILE))) {
    result.diagnostics.push(
      diagnostic(
        'HL102',
        { file: WORKSPACE_FILE, dir: workspaceDir },
        {
          help: existsSync(join(root, 'herald.yml')) ? 'rename herald.yml to herald.yaml' : 'create one with `herald init`',
        },
      ),
    );
    return result;
  }
  const discovered = discoverWorkspace(root);
  for (const skipped of discovered.skipped) {
    result.diagnostics.push(
      diagnostic(
        'HL112',
        { reason: skipped.message },
        { file: skipped.path, help: 'a workspace is read from inside its folder only; replace the link with the files it should hold' },
      ),
    );
  }
  for (const rel of discovered.files) {
    const abs = join(root, rel);
    // An oversized file is reported without reading it: no point holding 50 MB to say no.
    const read = readWorkspaceBytes(root, rel, { maxBytes: MAX_FILE_BYTES });
    if (isRefused(read)) {
      if (read.refusal === 'too-large') {
        let size = 0;
        try {
          size = statSync(abs).size;
        } catch {
          // Vanished meanwhile; the size is only for the message.
        }
        result.diagnostics.push(fileTooLarge(rel, size));
      } else {
        const why = read.refusal === 'missing' ? 'it is a broken link or vanished while loading' : read.why;
        result.diagnostics.push(diagnostic('HL110', { file: rel, why }, { file: rel }));
      }
      continue;
    }
    const bytes: Uint8Array = read.value;
    const parsed = (hooks.parseFile ?? parseFileBytes)(rel, abs, bytes);
    if (parsed.file) result.files.push(parsed.file);
    append(result.documents, parsed.documents);
    append(result.diagnostics, parsed.diagnostics);
  }
  const rules = (hooks.parseRules ?? parseRules)(result.documents);
  result.rules = rules.rules;
  append(result.diagnostics, rules.diagnostics);
  return result;
}
