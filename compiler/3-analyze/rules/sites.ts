import { findRuleSites, type RuleSite } from '../../1-load/rules.ts';
import type { LoadedDocument } from '../../1-load/parse-file.ts';
import type { Definition } from '../../1-load/definition.ts';
import type { DocPath } from '../context.ts';

const byDocument = new WeakMap<LoadedDocument, RuleSite[]>();

/**
 * Hands phase 1's parsed rules to the analyzers, so phase 3 checks the very sites phase 1 parsed
 * (call once per analyze run with LoadResult.rules). Without it sites are re-derived per document.
 */
export function primeRuleSites(sites: readonly RuleSite[]): void {
  const grouped = new Map<LoadedDocument, RuleSite[]>();
  for (const site of sites) {
    const list = grouped.get(site.doc) ?? [];
    list.push(site);
    grouped.set(site.doc, list);
  }
  for (const [doc, list] of grouped) byDocument.set(doc, list);
}

/** Every rule site of a definition's document. */
export function ruleSitesOf(def: Definition): RuleSite[] {
  let sites = byDocument.get(def.doc);
  if (!sites) {
    sites = findRuleSites(def.doc);
    byDocument.set(def.doc, sites);
  }
  return sites;
}

/** The rule site at `path` (e.g. ['spec', 'where']), if that field holds a rule. */
export function ruleSiteAt(def: Definition, path: DocPath): RuleSite | undefined {
  return ruleSitesOf(def).find((s) => s.path.length === path.length && s.path.every((p, i) => p === path[i]));
}
