import { existsSync } from 'node:fs';
import { Browser, chromium } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`); CI installs it before the tests. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * The browser suites fail, rather than skip, without Chromium: a skipped suite would let a machine without it pass
 * `npm test` while testing none of the pages.
 */
export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`No Chromium at ${CHROMIUM}: install Debian's (apt-get install chromium) or set CHROMIUM_PATH`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

export interface PhoneLayout {
  /** document.documentElement.scrollWidth: more than the viewport means something runs off the screen. */
  scrollWidth: number;
  /** Elements whose right edge passes the viewport, for the failure message. */
  overflowing: string[];
}

/** Lays `html` out at `width` CSS pixels, as a phone mail app would, with nothing fetched from the network. */
export async function phoneLayout(browser: Browser, html: string, width = 390): Promise<PhoneLayout> {
  const page = await browser.newPage({ viewport: { width, height: 844 }, javaScriptEnabled: true });
  try {
    await page.route('**/*', (route) => route.abort());
    await page.setContent(html, { waitUntil: 'domcontentloaded' });
    // A string, run in the page: the project's types do not include the DOM.
    return await page.evaluate<PhoneLayout>(`(() => {
      const overflowing = [];
      for (const element of document.body.querySelectorAll('*')) {
        const box = element.getBoundingClientRect();
        if (box.right > ${width} + 0.5) overflowing.push(element.tagName + ' ' + Math.round(box.right) + 'px');
      }
      return { scrollWidth: document.documentElement.scrollWidth, overflowing: overflowing.slice(0, 10) };
    })()`);
  } finally {
    await page.close();
  }
}
