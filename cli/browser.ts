import type { Browser } from 'playwright-core';

/** Debian's Chromium; HERALD_CHROMIUM points elsewhere. */
export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/**
 * Headless Chromium through playwright-core, which drives the installed browser and downloads
 * none. Started without a sandbox (CI containers run as root), GPU or background traffic.
 */
export async function launchChromium(executablePath: string = DEFAULT_CHROMIUM): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}
