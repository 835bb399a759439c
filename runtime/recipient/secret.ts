import { randomBytes } from 'node:crypto';

/**
 * The secret that keys every per-message link token (runtime/recipient/tokens.ts). It comes from
 * the environment, never from herald.yaml: `HERALD_SECRET` holds one key or several separated by
 * commas or white space, for rotation (the first signs, every one verifies, so links already in
 * inboxes keep working while a new key is rolled out).
 */
export const SECRET_ENV = 'HERALD_SECRET';

/** Fewer characters than this is a password, not a key: refused. */
export const MIN_SECRET_LENGTH = 32;

export class SecretError extends Error {
  constructor(
    message: string,
    readonly help: string,
  ) {
    super(message);
    this.name = 'SecretError';
  }
}

export interface LinkSecret {
  /** The keys, the signing one first. */
  keys: Buffer[];
  /** True when the keys were made up for this process (`--dry-run`): links die with it. */
  throwaway: boolean;
}

/** The keys of `HERALD_SECRET`, or undefined when it is not set; an unusable value throws, naming the variable (never its value). */
export function secretFromEnv(env: NodeJS.ProcessEnv = process.env): LinkSecret | undefined {
  const raw = env[SECRET_ENV];
  if (raw === undefined || raw.trim() === '') return undefined;
  const parts = raw.split(/[\s,]+/).filter((p) => p !== '');
  const short = parts.findIndex((p) => p.length < MIN_SECRET_LENGTH);
  if (short !== -1) {
    throw new SecretError(
      `${SECRET_ENV} key ${short + 1} of ${parts.length} is shorter than ${MIN_SECRET_LENGTH} characters`,
      `generate one with: node -e "console.log(require('crypto').randomBytes(32).toString('base64url'))"`,
    );
  }
  return { keys: parts.map((p) => Buffer.from(p, 'utf8')), throwaway: false };
}

/** A random key for one process: dry runs and previews without a configured secret. */
export function throwawaySecret(): LinkSecret {
  return { keys: [randomBytes(32)], throwaway: true };
}

/**
 * The secret `herald serve` runs with: `HERALD_SECRET`, or under `--dry-run` a throwaway one
 * (with a warning to print loudly: links in the emails of this run stop working when it ends).
 * Without either it refuses to start.
 */
export function serveSecret(env: NodeJS.ProcessEnv, dryRun: boolean): { secret: LinkSecret; warning?: string } {
  const configured = secretFromEnv(env);
  if (configured) return { secret: configured };
  if (dryRun) {
    return {
      secret: processThrowaway(),
      warning: `${SECRET_ENV} is not set: this dry run signs links with a throwaway secret, so the links in its emails stop working when the server stops`,
    };
  }
  throw new SecretError(
    `${SECRET_ENV} is not set: herald serve signs and checks every unsubscribe, preferences and tracking link with it, and will not start without it`,
    `set ${SECRET_ENV} to a random value of at least ${MIN_SECRET_LENGTH} characters (several, comma-separated, while rotating keys), or use --dry-run`,
  );
}

let processSecret: LinkSecret | undefined;
let throwaway: LinkSecret | undefined;

/** One throwaway key per process: a dry-run server and its delivery worker sign and check with the same one. */
function processThrowaway(): LinkSecret {
  throwaway ??= throwawaySecret();
  return throwaway;
}

/**
 * The secret previews sign their links with: `HERALD_SECRET` when it is set, else one throwaway
 * key for the life of the process. Preview links never reach a customer; they are signed with
 * the same code as sent ones so a preview shows what a send carries.
 */
export function previewSecret(env: NodeJS.ProcessEnv = process.env): LinkSecret {
  if (processSecret) return processSecret;
  let configured: LinkSecret | undefined;
  try {
    configured = secretFromEnv(env);
  } catch {
    configured = undefined;
  }
  processSecret = configured ?? processThrowaway();
  return processSecret;
}
