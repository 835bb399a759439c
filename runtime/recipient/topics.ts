import type { Manifest } from '../../compiler/contract/manifest.ts';

/** The Workspace's subscription topics (`topics:` in herald.yaml), in the order written. */
export interface Topic {
  name: string;
  title: string;
  description?: string;
}

export function workspaceTopics(manifest: Manifest): Topic[] {
  const spec = Object.values(manifest.definitions).find((d) => d.kind === 'Workspace')?.spec as { topics?: Record<string, { title: string; description?: string }> } | undefined;
  const topics = spec?.topics;
  if (!topics || typeof topics !== 'object') return [];
  return Object.entries(topics).map(([name, t]) => ({ name, title: t.title, ...(t.description ? { description: t.description } : {}) }));
}
