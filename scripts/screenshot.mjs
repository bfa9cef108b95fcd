// Saves the README's screenshots under docs/: the start page, a diagnosis with its evidence, and a guide
// mid-way, each at phone (360 px) and desktop (1280 px) width, taken from the release build.
// usage: node scripts/screenshot.mjs [OUT_DIR]   (needs dist/: scripts/serve.sh or `trunk build --release`)
// The end-to-end suite takes the same pictures (tests/e2e/screenshots.test.mjs) into a temporary folder, or
// into docs/ with UPDATE_SCREENSHOTS=1.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT, launch, startServer, openPage, msiLogUtf16 } from '../tests/e2e/helpers.mjs';

export const WIDTHS = { phone: 360, desktop: 1280 };

/// Takes every screenshot into `out` with `browser` against `url`; returns the files written.
export async function takeScreenshots(browser, url, out) {
  mkdirSync(out, { recursive: true });
  const written = [];
  for (const [size, width] of Object.entries(WIDTHS)) {
    const height = size === 'phone' ? 780 : 900;
    const { context, page } = await openPage(browser, url);
    await page.setViewportSize({ width, height });
    const shot = async (name, fullPage = false) => {
      const path = join(out, `${name}-${size}.png`);
      await page.screenshot({ path, fullPage });
      written.push(path);
    };
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot('start');
    // A diagnosis with its evidence: the MSI log's cause line among its neighbours.
    await page.setInputFiles('#file-input', { name: 'MSI1935.LOG', mimeType: 'text/plain', buffer: msiLogUtf16() });
    await page.locator('.file-list', { hasText: 'MSI1935.LOG' }).waitFor();
    await page.click('button[type=submit]');
    await page.locator('.evidence .cause-line').waitFor();
    await page.locator('#result-title').scrollIntoViewIfNeeded();
    await page.evaluate(() => document.getElementById('result-title').scrollIntoView({ block: 'start' }));
    await shot('diagnosis');
    // A guide mid-way: one step tried, the next one open with its "Did that fix it?".
    await page.click('li.step.current button:has-text("No, next step")');
    await page.evaluate(() => document.querySelector('li.step.tried').scrollIntoView({ block: 'start' }));
    await shot('guide');
    await context.close();
  }
  return written;
}

// Run as a script: into docs/ (or the folder given).
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = process.argv[2] ?? join(ROOT, 'docs');
  const server = await startServer();
  const browser = await launch();
  try {
    for (const f of await takeScreenshots(browser, server.url, out)) console.log(`saved ${f}`);
  } finally {
    await browser.close();
    await server.stop();
  }
}
