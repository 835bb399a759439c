import { confirm, input, select } from '@inquirer/prompts';
import { UsageError, type CliIO } from '../command.ts';

/** Checks an answer: true when fine, else what is wrong (shown under the prompt, or as a usage error for a flag). */
export type Check = (value: string) => true | string;

interface Question<T> {
  /** The flag that answers it without asking, e.g. `name` for --name. */
  flag: string;
  message: string;
  /** The flag's value as parsed (undefined: not given). */
  given: string | undefined;
  /** What --yes (and Enter at the prompt) takes. Without one, a non-interactive run must pass the flag. */
  default?: T;
  /** Without a terminal, take the default without --yes (details with a sensible default). */
  optional?: boolean;
  /** How a missing answer is named when it is a positional argument (`<name>`) rather than --flag. */
  argument?: string;
}

/**
 * Asks the questions of a wizard (`herald init`, `herald new`) with @inquirer/prompts, where every
 * question has a flag. A flag given answers its question without asking. Without a terminal (CI,
 * a pipe) nothing is ever asked: flags and, with --yes, defaults answer; what is still missing is
 * collected and reported in one usage error (exit 2) naming every missing flag.
 */
export class Prompter {
  readonly interactive: boolean;
  /** What a run without a terminal lacked, and whether --yes would have answered it. */
  private readonly missing = new Map<string, boolean>();

  constructor(
    private readonly io: CliIO,
    private readonly acceptDefaults: boolean,
  ) {
    this.interactive = io.stdin?.isTTY === true && io.stdout.isTTY === true;
  }

  async text(q: Question<string> & { check?: Check }): Promise<string> {
    if (q.given !== undefined) return this.checked(q.argument ?? `--${q.flag}`, q.given, q.check);
    const fallback = this.fallback(q);
    if (fallback !== undefined) return fallback;
    return input(
      { message: q.message, ...(q.default !== undefined ? { default: q.default } : {}), ...(q.check ? { validate: q.check } : {}) },
      this.context(),
    );
  }

  async choose<T extends string>(
    q: Question<T> & { choices: ReadonlyArray<{ value: T; name: string; description?: string }> },
  ): Promise<T> {
    const values = q.choices.map((c) => c.value);
    if (q.given !== undefined) {
      if (!(values as string[]).includes(q.given))
        throw new UsageError(`--${q.flag} must be one of ${values.join(', ')} (got "${q.given}")`);
      return q.given as T;
    }
    const fallback = this.fallback(q);
    if (fallback !== undefined) return fallback;
    return select(
      { message: q.message, choices: q.choices.map((c) => ({ ...c })), ...(q.default !== undefined ? { default: q.default } : {}) },
      this.context(),
    );
  }

  async yesNo(q: Omit<Question<boolean>, 'given'> & { given: boolean | undefined }): Promise<boolean> {
    if (q.given !== undefined) return q.given;
    if (!this.interactive) {
      if (this.acceptDefaults && q.default !== undefined) return q.default;
      this.missing.set(`--${q.flag}`, q.default !== undefined);
      return q.default ?? false;
    }
    return confirm({ message: q.message, ...(q.default !== undefined ? { default: q.default } : {}) }, this.context());
  }

  /** Throws the usage error naming every flag a non-interactive run lacked (call before writing anything). */
  finish(): void {
    if (this.missing.size === 0) return;
    const names = [...this.missing.keys()];
    const defaulted = names.filter((n) => this.missing.get(n));
    const yes =
      defaulted.length === 0
        ? ''
        : defaulted.length === names.length
          ? ', or --yes to take the defaults'
          : `, or --yes to take the defaults for ${defaulted.join(', ')}`;
    throw new UsageError(
      `missing ${names.join(', ')}: there is no terminal to ask on (stdin is not a TTY), so give ${names.length === 1 ? 'it' : 'them'}${yes}`,
    );
  }

  private fallback<T>(q: Question<T>): T | undefined {
    if (this.interactive) return undefined;
    if ((this.acceptDefaults || q.optional) && q.default !== undefined) return q.default;
    this.missing.set(q.argument ?? `--${q.flag}`, q.default !== undefined);
    // A stand-in so the remaining questions are still visited (and their missing flags named).
    return (q.default ?? '') as T;
  }

  private checked(label: string, value: string, check: Check | undefined): string {
    const verdict = check ? check(value) : true;
    if (verdict !== true) throw new UsageError(`${label}: ${verdict}`);
    return value;
  }

  private context() {
    return { input: this.io.stdin!, output: this.io.stdout };
  }
}

/** Ctrl-C at a prompt: @inquirer/prompts rejects with this. */
export function isPromptCancelled(e: unknown): boolean {
  return e instanceof Error && (e.name === 'ExitPromptError' || e.name === 'AbortPromptError');
}
