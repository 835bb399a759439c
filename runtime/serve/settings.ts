import type { Manifest } from '../../compiler/contract/manifest.ts';
import type { ServerSettings } from '../../compiler/contract/workspace-settings.ts';
import { workspaceSettings } from '../workspace-settings.ts';

export type { ServerSettings } from '../../compiler/contract/workspace-settings.ts';

/** The Workspace's `server` block as `herald serve` uses it, normalized by the compiler. */
export function serverSettingsOf(manifest: Manifest): ServerSettings {
  return workspaceSettings(manifest).server;
}
