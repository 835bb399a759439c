import type { Manifest } from '../compiler/contract/manifest.ts';
import type { CompiledWorkspace } from '../compiler/contract/workspace-settings.ts';
import { ManifestError } from '../compiler/contract/read-manifest.ts';

/**
 * The Workspace's compiled settings: time zone, delivery, server, topics, all normalized by the
 * compiler. The runtime reads them here and never the written spec.
 */
export function workspaceSettings(manifest: Manifest): CompiledWorkspace {
  const workspace = Object.values(manifest.definitions).find((d) => d.kind === 'Workspace');
  const compiled = workspace?.compiled as CompiledWorkspace | undefined;
  if (!compiled) throw new ManifestError('the manifest has no compiled Workspace settings; run `herald compile` again');
  return compiled;
}

/** The Workspace's compiled time zone, or none when the manifest has no Workspace (previews, samples). */
export function workspaceTimeZone(manifest: Manifest): string | undefined {
  const workspace = Object.values(manifest.definitions).find((d) => d.kind === 'Workspace');
  return (workspace?.compiled as CompiledWorkspace | undefined)?.timezone;
}
