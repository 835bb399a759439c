import { DELIVERY_CODES, DeliveryError } from '../problems.ts';
import type { DeliverySettings } from '../settings.ts';
import type { Transport } from '../types.ts';
import { FileTransport } from './file.ts';
import { SmtpTransport } from './smtp.ts';
import { deliveryRunMessages } from '../../../compiler/contract/messages/delivery-run.ts';

export { FileTransport } from './file.ts';
export { SmtpTransport, type SmtpOptions } from './smtp.ts';

/**
 * The transport the settings name. SMTP credentials come from the environment variables the
 * settings name (never from YAML); a variable that is not set stops the run before anything is
 * claimed, naming the variable (not its value).
 */
export function createTransport(
  settings: DeliverySettings,
  env: NodeJS.ProcessEnv = process.env,
  options: { dryRunDir?: string } = {},
): Transport {
  const t = settings.transport;
  if (options.dryRunDir !== undefined) return new FileTransport(options.dryRunDir);
  if (t.type === 'file') return new FileTransport(t.dir);
  let auth: { user: string; pass: string } | undefined;
  if (t.auth) {
    const missing = [t.auth.userEnv, t.auth.passEnv].filter((name) => !env[name]);
    if (missing.length > 0) {
      throw new DeliveryError({
        code: DELIVERY_CODES.settings,
        severity: 'error',
        message: deliveryRunMessages.HL530({ smtpCredentialsUnset: missing }),
        help: `set ${missing.join(' and ')} in the environment of the process that sends, or run with --dry-run to write files instead`,
      });
    }
    auth = { user: env[t.auth.userEnv]!, pass: env[t.auth.passEnv]! };
  }
  return new SmtpTransport({ host: t.host, port: t.port, secure: t.secure, timeoutMs: t.timeoutMs, ...(auth ? { auth } : {}) });
}
