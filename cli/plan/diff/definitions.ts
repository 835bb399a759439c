import { hashJson } from '../../../compiler/4-emit/canonical-json.ts';
import type { DefinitionKey, Manifest, ManifestDefinition } from '../../../compiler/contract/manifest.ts';
import type { DefinitionChange } from '../document.ts';
import { differingPaths } from './paths.ts';
import { downstreamOf } from './downstream.ts';

export interface DiffOptions {
  /** Whether a workspace file (an .mjml template, a partial) differs between base and head. */
  fileChanged?: (path: string) => boolean;
}

/**
 * The semantic diff of two manifests, by content hash: the manifest hashes the normalized
 * definition, so reformatting, comments and key order are no change.
 * - `changed`: the definition's hash differs (details: the spec paths that differ);
 * - `added` / `removed`: only in the head / the base;
 * - `renamed`: a removed and an added definition of one kind that are the same but for the name;
 * - `moved`: the same definition in another file (no change in behaviour);
 * - `affected`: unchanged, but it uses (directly or through others) something changed, added,
 *   removed or renamed. A definition whose YAML is the same but whose compiled result changed
 *   for a reason of its own (an edited .mjml file) is `changed`.
 * Sorted by kind, then name.
 */
export function diffManifests(base: Manifest, head: Manifest, options: DiffOptions = {}): DefinitionChange[] {
  const out: DefinitionChange[] = [];
  const added: ManifestDefinition[] = [];
  const removed: ManifestDefinition[] = [];
  const compiledOnly: ManifestDefinition[] = [];
  const keys = [...new Set([...Object.keys(base.definitions), ...Object.keys(head.definitions)])].sort() as DefinitionKey[];
  for (const key of keys) {
    const b = base.definitions[key];
    const h = head.definitions[key];
    if (b && h) {
      if (b.hash !== h.hash) {
        out.push(
          withFiles(
            entry(
              h,
              'changed',
              differingPaths({ metadata: b.metadata, spec: b.spec }, { metadata: h.metadata, spec: h.spec }, '').map((p) => p.slice(1)),
            ),
            b,
          ),
        );
      } else if (b.compiledHash !== h.compiledHash) compiledOnly.push(h);
      else if (b.file !== h.file) out.push(withFiles(entry(h, 'moved', [`moved from ${b.file}`]), b));
    } else if (h) added.push(h);
    else if (b) removed.push(b);
  }

  const unmatched = new Map<string, ManifestDefinition[]>();
  for (const b of removed) unmatched.set(identity(b), [...(unmatched.get(identity(b)) ?? []), b]);
  const renamedFrom = new Set<string>();
  for (const h of added) {
    const match = unmatched.get(identity(h))?.shift();
    if (match) {
      renamedFrom.add(`${match.kind}/${match.name}`);
      out.push(withFiles({ ...entry(h, 'renamed', [`renamed from ${match.name}`]), renamed_from: match.name }, match));
    } else out.push(entry(h, 'added', []));
  }
  for (const b of removed) if (!renamedFrom.has(`${b.kind}/${b.name}`)) out.push(entry(b, 'removed', []));

  // What uses a change: the head's dependents of changed, added and renamed definitions, and the
  // base's dependents of removed (or renamed-away) ones that still exist in the head.
  const seeds = out.filter((c) => c.change !== 'moved' && c.change !== 'removed').map((c) => c.key);
  const baseSeeds = out
    .filter((c) => c.change === 'removed' || c.change === 'renamed')
    .map((c) => (c.change === 'renamed' ? `${c.kind}/${c.renamed_from}` : c.key));
  // A definition whose compiled result changed though its YAML did not is `affected` when a change
  // reaches it (a segment it includes), else changed for a reason of its own (an edited .mjml file),
  // and then it is a seed as well.
  const reached = downstreamOf(head, seeds, base, baseSeeds);
  const ownChange = compiledOnly.filter((h) => !reached.has(`${h.kind}/${h.name}`));
  const downstream =
    ownChange.length === 0 ? reached : downstreamOf(head, [...seeds, ...ownChange.map((h) => `${h.kind}/${h.name}`)], base, baseSeeds);
  for (const h of compiledOnly) {
    const via = reached.get(`${h.kind}/${h.name}`);
    out.push(via ? { ...entry(h, 'affected', []), via } : entry(h, 'changed', compiledReasons(h, options)));
  }
  const direct = new Set(out.map((c) => c.key));
  for (const [key, via] of downstream) {
    if (direct.has(key)) continue;
    const h = head.definitions[key as DefinitionKey];
    if (h) out.push({ ...entry(h, 'affected', []), via });
  }
  return out.sort((a, b) => (a.kind !== b.kind ? (a.kind < b.kind ? -1 : 1) : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function entry(d: ManifestDefinition, change: DefinitionChange['change'], details: string[]): DefinitionChange {
  return { key: `${d.kind}/${d.name}`, kind: d.kind, name: d.name, change, file: d.file, details };
}

function withFiles(change: DefinitionChange, base: ManifestDefinition): DefinitionChange {
  return base.file !== change.file ? { ...change, base_file: base.file } : change;
}

/** A definition's hash without its name: equal for a definition renamed and otherwise untouched. */
function identity(d: ManifestDefinition): string {
  const { name: _name, ...metadata } = d.metadata;
  return hashJson({ apiVersion: d.apiVersion, kind: d.kind, metadata, spec: d.spec });
}

/** Why the compiled result changed when the YAML did not: the files it is built from. */
function compiledReasons(d: ManifestDefinition, options: DiffOptions): string[] {
  const files = (d.compiled as { files?: unknown } | undefined)?.files;
  const changed =
    Array.isArray(files) && options.fileChanged
      ? files.filter((f): f is string => typeof f === 'string' && f !== d.file && options.fileChanged!(f))
      : [];
  return changed.length > 0 ? changed.map((f) => `${f} changed`) : ['what it compiles to changed'];
}
