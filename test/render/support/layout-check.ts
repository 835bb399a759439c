import type { Page } from 'playwright-core';

/** The few browser APIs the page check uses (the project's TypeScript setup has no DOM types). */
interface PageElement {
  getAttribute(name: string): string | null;
  getBoundingClientRect(): { width: number; height: number; left: number; right: number };
  textContent: string | null;
}
interface PageWindow {
  document: {
    documentElement: { scrollWidth: number };
    body: { scrollWidth: number };
    images: ArrayLike<PageElement>;
    querySelectorAll(selector: string): ArrayLike<PageElement>;
  };
  getComputedStyle(element: PageElement): { display: string; visibility: string; opacity: string };
}

/** Viewport widths an email is checked at: a desktop client's and a phone's. */
export const WIDTHS = [600, 375] as const;
const PHONE = 375;

/**
 * What is wrong with an email's layout in a real browser, at each width: horizontal overflow on a
 * phone, images without alt text, and an unsubscribe link that is missing, not named as one, or
 * not visible on the screen. An empty list means it passed. `page` must not load remote content.
 */
export async function layoutProblems(page: Page, html: string, unsubscribeUrl: string): Promise<string[]> {
  const problems: string[] = [];
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    await page.setContent(html, { waitUntil: 'load' });
    const facts = await page.evaluate((unsubscribe) => {
      const w = globalThis as unknown as PageWindow;
      const doc = w.document.documentElement;
      const images = Array.from(w.document.images).map((img) => img.getAttribute('alt'));
      const link = Array.from(w.document.querySelectorAll('a')).find((a) => a.getAttribute('href') === unsubscribe);
      const box = link?.getBoundingClientRect();
      const style = link ? w.getComputedStyle(link) : undefined;
      return {
        scrollWidth: Math.max(doc.scrollWidth, w.document.body.scrollWidth),
        images,
        unsubscribe: link
          ? {
              width: box!.width,
              height: box!.height,
              left: box!.left,
              right: box!.right,
              display: style!.display,
              visibility: style!.visibility,
              opacity: Number(style!.opacity),
              text: link.textContent?.trim() ?? '',
            }
          : undefined,
      };
    }, unsubscribeUrl);
    const at = `at ${width} px`;
    if (width === PHONE && facts.scrollWidth > PHONE)
      problems.push(`${at}: the page is ${facts.scrollWidth} px wide (horizontal overflow)`);
    const noAlt = facts.images.filter((alt) => !alt?.trim()).length;
    if (noAlt > 0) problems.push(`${at}: ${noAlt} image(s) without alt text`);
    const u = facts.unsubscribe;
    if (!u) problems.push(`${at}: no link to the unsubscribe URL`);
    else {
      // The word in the languages templates here are written in (English, German, French).
      if (!/unsubscribe|abmelden|désabonner/i.test(u.text)) problems.push(`${at}: the unsubscribe link reads "${u.text}"`);
      if (u.width <= 0 || u.height <= 0 || u.visibility !== 'visible' || u.display === 'none' || u.opacity <= 0)
        problems.push(`${at}: the unsubscribe link is not visible`);
      if (u.left < 0 || u.right > width) problems.push(`${at}: the unsubscribe link is off the screen`);
    }
  }
  return problems;
}
