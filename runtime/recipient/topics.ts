import type { Manifest } from '../../compiler/contract/manifest.ts';
import type { Topic } from '../../compiler/contract/workspace-settings.ts';
import { workspaceSettings } from '../workspace-settings.ts';

export type { Topic } from '../../compiler/contract/workspace-settings.ts';

/** The Workspace's subscription topics (`topics:` in herald.yaml), by name. */
export function workspaceTopics(manifest: Manifest): Topic[] {
  return workspaceSettings(manifest).topics;
}
