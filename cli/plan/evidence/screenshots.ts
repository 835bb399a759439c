import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Screenshot } from '../document.ts';
import { firstLine } from '../errors.ts';
import { launchChromium } from '../../browser.ts';

export const DEVICES = [
  { device: 'desktop', width: 800, height: 900 },
  { device: 'mobile', width: 375, height: 812 },
] as const;

export interface ShotRequest {
  template: string;
  customer: string;
  side: 'base' | 'head';
  html: string;
}

export interface ShotResult {
  screenshots: Map<ShotRequest, Screenshot[]>;
  /** Why screenshots were not taken (no browser, it failed to start). */
  skipped?: string;
}

/**
 * Screenshots of rendered emails at a desktop and a phone width, written as PNG files under
 * `outDir/screenshots/`, in headless Chromium (playwright-core drives the installed browser; none
 * is downloaded). Emails are shown offline: remote images and fonts fail fast instead of being
 * fetched, as in a mail client that blocks them. Without a browser the plan says so and goes on.
 */
export async function takeScreenshots(requests: readonly ShotRequest[], outDir: string, executablePath: string): Promise<ShotResult> {
  const result: ShotResult = { screenshots: new Map() };
  if (requests.length === 0) return result;
  if (!existsSync(executablePath))
    return { ...result, skipped: `no browser at ${executablePath} (install chromium, or set HERALD_CHROMIUM)` };
  let browser;
  try {
    browser = await launchChromium(executablePath);
  } catch (e) {
    return { ...result, skipped: `the browser did not start (${firstLine(e)})` };
  }
  try {
    for (const r of requests) {
      const shots: Screenshot[] = [];
      for (const d of DEVICES) {
        const path = `screenshots/${fileSafe(r.template)}.${r.side}.${d.device}.png`;
        const page = await browser.newPage({ viewport: { width: d.width, height: d.height } });
        try {
          await page.route('**/*', (route) => (route.request().url().startsWith('data:') ? route.continue() : route.abort()));
          await page.setContent(r.html, { waitUntil: 'load' });
          mkdirSync(dirname(join(outDir, path)), { recursive: true });
          await page.screenshot({ path: join(outDir, path), fullPage: true });
        } finally {
          await page.close();
        }
        shots.push({ customer: r.customer, side: r.side, device: d.device, width: d.width, path });
      }
      result.screenshots.set(r, shots);
    }
  } finally {
    await browser.close();
  }
  return result;
}

function fileSafe(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, '_');
}
