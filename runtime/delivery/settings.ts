import { isAbsolute, resolve } from 'node:path';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import type { DeliverySettings } from '../../compiler/contract/workspace-settings.ts';
import { mailboxAddress } from '../../compiler/contract/mailbox.ts';
import { workspaceSettings } from '../workspace-settings.ts';

export type { DeliverySettings, ReportSettings, TransportSettings } from '../../compiler/contract/workspace-settings.ts';

/** The address part of `Name <addr@domain>` or `addr@domain`; undefined when it is neither. */
export const addressOf = mailboxAddress;

/**
 * The delivery settings of a compiled workspace (normalized by the compiler), with a relative file
 * transport `dir` anchored to `baseDir` (the workspace folder).
 */
export function deliverySettingsOf(manifest: Manifest, baseDir = process.cwd()): DeliverySettings {
  return anchorDelivery(workspaceSettings(manifest).delivery, baseDir);
}

/** The settings with a relative file transport `dir` resolved against `baseDir`. */
export function anchorDelivery(settings: DeliverySettings, baseDir: string): DeliverySettings {
  const t = settings.transport;
  if (t.type !== 'file' || isAbsolute(t.dir)) return settings;
  return { ...settings, transport: { type: 'file', dir: resolve(baseDir, t.dir) } };
}
