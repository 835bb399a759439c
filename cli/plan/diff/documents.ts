import { canonicalJson } from '../../../compiler/4-emit/canonical-json.ts';
import type { LoadResult } from '../../../compiler/1-load/index.ts';
import type { Kind, Manifest } from '../../../compiler/contract/manifest.ts';
import type { DefinitionChange } from '../document.ts';
import { differingPaths } from './paths.ts';
import { downstreamOf } from './downstream.ts';

interface RawDefinition {
  key: string;
  kind: Kind;
  name: string;
  file: string;
  value: Record<string, unknown>;
}

/**
 * The diff when the base does not compile, so it has no manifest: the base's documents as parsed
 * (phase 1 still reads every file) against the head's, by their parsed values. Formatting and
 * comments still make no difference; schema defaults are not applied, so writing out a default
 * counts as a change here. Renames are not detected; downstream effects follow the head's graph.
 */
export function diffDocuments(base: LoadResult, headLoaded: LoadResult, head: Manifest): DefinitionChange[] {
  const before = rawDefinitions(base);
  const after = rawDefinitions(headLoaded);
  const out: DefinitionChange[] = [];
  for (const [key, h] of after) {
    if (!head.definitions[key as keyof Manifest['definitions']]) continue;
    const b = before.get(key);
    const change = (kind: DefinitionChange['change'], details: string[]): DefinitionChange => ({
      key,
      kind: h.kind,
      name: h.name,
      change: kind,
      file: h.file,
      details,
    });
    if (!b) out.push(change('added', []));
    else if (canonicalJson(b.value) !== canonicalJson(h.value)) {
      const c = change(
        'changed',
        differingPaths(pick(b.value), pick(h.value), '').map((p) => p.slice(1)),
      );
      out.push(b.file !== h.file ? { ...c, base_file: b.file } : c);
    } else if (b.file !== h.file) out.push({ ...change('moved', [`moved from ${b.file}`]), base_file: b.file });
  }
  for (const [key, b] of before)
    if (!after.has(key)) out.push({ key, kind: b.kind, name: b.name, change: 'removed', file: b.file, details: [] });
  const seeds = out.filter((c) => c.change === 'changed' || c.change === 'added').map((c) => c.key);
  const direct = new Set(out.map((c) => c.key));
  for (const [key, via] of downstreamOf(head, seeds)) {
    const d = head.definitions[key as keyof Manifest['definitions']];
    if (d && !direct.has(key)) out.push({ key, kind: d.kind, name: d.name, change: 'affected', file: d.file, details: [], via });
  }
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function pick(value: Record<string, unknown>) {
  return { metadata: value.metadata, spec: value.spec };
}

function rawDefinitions(loaded: LoadResult): Map<string, RawDefinition> {
  const out = new Map<string, RawDefinition>();
  for (const doc of loaded.documents) {
    const v = doc.value as { kind?: unknown; metadata?: { name?: unknown } } | null;
    if (!v || typeof v.kind !== 'string' || typeof v.metadata?.name !== 'string') continue;
    const key = `${v.kind}/${v.metadata.name}`;
    if (!out.has(key))
      out.set(key, { key, kind: v.kind as Kind, name: v.metadata.name, file: doc.file.path, value: v as Record<string, unknown> });
  }
  return out;
}
