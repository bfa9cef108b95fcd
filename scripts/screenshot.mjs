// Saves docs/screenshot.png: the release page after pasting the KB979906 error.
// usage: node scripts/screenshot.mjs [WIDTH]   (needs dist/: scripts/serve.sh or `trunk build --release`)
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, launch, startServer, openPage, KB979906 } from '../tests/e2e/helpers.mjs';

const width = Number(process.argv[2] ?? 900);
const out = process.argv[3] ?? join(ROOT, 'docs', 'screenshot.png');
const server = await startServer();
const browser = await launch();
try {
  const { page } = await openPage(browser, server.url);
  await page.setViewportSize({ width, height: 900 });
  await page.fill('textarea#paste', KB979906);
  await page.click('button[type=submit]');
  await page.locator('ol.steps > li.step').first().waitFor();
  mkdirSync(join(out, '..'), { recursive: true });
  // The input, the cause and the first steps; the full page is several screens long.
  await page.setViewportSize({ width, height: 2600 });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: out });
  console.log(`saved ${out}`);
} finally {
  await browser.close();
  await server.stop();
}
