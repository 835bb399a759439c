import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { DEFAULT_CHROMIUM } from '../../cli/browser.ts';

/**
 * A program some tests need that npm cannot install. `.ci/run` installs each one, so under CI a
 * missing program fails those tests (`require()` in a beforeAll); elsewhere they are skipped, and
 * both the printed warning and the suite's title say which program is missing and how to get it.
 */
export interface OutsideProgram {
  available: boolean;
  /** Skip the tests that need it: missing, and not under CI. */
  skip: boolean;
  /** The suite title, with the reason appended when it is skipped. */
  title(name: string): string;
  /** Throws (under CI) when it is missing. */
  require(): void;
}

function outsideProgram(what: string, available: boolean, install: string): OutsideProgram {
  const ci = Boolean(process.env.CI);
  const skip = !available && !ci;
  const reason = `${what} is not installed (${install})`;
  return {
    available,
    skip,
    title(name) {
      if (!skip) return name;
      console.warn(`skipped "${name}": ${reason}`);
      return `${name} [skipped: ${reason}]`;
    },
    require() {
      if (!available) throw new Error(`${reason}: CI must install it (.ci/run does)`);
    },
  };
}

/** Headless Chromium, for the screenshot and live-preview tests. */
export const CHROMIUM = outsideProgram(DEFAULT_CHROMIUM, existsSync(DEFAULT_CHROMIUM), 'apt-get install -y chromium');

/** util-linux `script`, which runs a command on a pseudo-terminal, for the interactive prompt tests. */
export const SCRIPT = outsideProgram(
  '`script` (util-linux)',
  spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0,
  'apt-get install -y bsdutils',
);

/** Debian's SpamAssassin, for the test that scores a sample of flagship emails offline (`-t -L`). */
export const SPAMASSASSIN = outsideProgram(
  'spamassassin',
  spawnSync('spamassassin', ['--version'], { encoding: 'utf8' }).status === 0,
  'apt-get install -y spamassassin',
);
