// End to end: a big log is read and scanned in the Web Worker: Stop really stops, the bar moves, the page
// answers while the worker works, and the same workers diagnose the file (and a second one) to the end.
// The log (about 60 MB of UTF-16, generated here, never committed): a real MSI failure, then ordinary lines.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, startServer, openPage, writeBigMsiLog } from './helpers.mjs';

let browser, server, dir, big;
before(async () => {
  server = await startServer();
  browser = await launch();
  dir = mkdtempSync(join(tmpdir(), 'setup-triage-worker-'));
  big = join(dir, 'big-MSI1935.LOG');
  writeBigMsiLog(big);
});
after(async () => {
  await browser?.close();
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/// The bar's value now (0 to 100), or -1 once it is gone.
async function barValue(page) {
  return page.evaluate(() => {
    const bar = document.querySelector('progress#read-progress');
    return bar ? Number(bar.value) : -1;
  });
}

test('a big log: Stop stops at once; then the bar moves, the page answers, and the same worker finishes it', async () => {
  const { context, page, requests, errors } = await openPage(browser, server.url);
  try {
    await page.setInputFiles('#file-input', big);
    await page.setInputFiles('#file-input', { name: 'second.log', mimeType: 'text/plain', buffer: Buffer.from('Error 0x80070643\n') });
    await page.locator('.file-list li', { hasText: 'second.log' }).waitFor();
    // Every value the bar shows, as the page renders it.
    await page.evaluate(() => {
      window.__bar = [];
      new MutationObserver(() => {
        const bar = document.querySelector('progress#read-progress');
        if (bar) window.__bar.push(Number(bar.value));
      }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['value'] });
    });

    // First run: stopped as soon as it shows.
    await page.click('button[type=submit]');
    await page.click('.progress button:has-text("Stop")');
    await page.locator('.error', { hasText: 'Stopped' }).waitFor();
    assert.equal(await barValue(page), -1);
    // The worker really stopped: no result turns up later.
    await page.waitForTimeout(1500);
    assert.equal(await page.locator('.evidence').count(), 0);

    // Second run, same workers: both files to the end (one worker reads them one after the other, two at once).
    const wasmLoads = () => requests.filter((u) => /\/worker(_simd)?_bg\.wasm$/.test(u)).length;
    const loaded = wasmLoads();
    await page.evaluate(() => { window.__bar = []; });
    await page.click('button[type=submit]');
    await page.locator('progress#read-progress').waitFor();
    assert.match(await page.locator('.progress label').textContent(), /Reading big-MSI1935\.LOG… [0-9.]+ (bytes|KB|MB) of [0-9.]+ MB/);
    // The main thread is free: a timer set now runs almost at once (a page scanning on its own thread would
    // hold it for the length of a piece or more). Generous bound: this is about freezing, not speed.
    const delay = await page.evaluate(() => new Promise((r) => { const t = performance.now(); setTimeout(() => r(performance.now() - t), 0); }));
    assert.ok(delay < 1000, `a timer waited ${delay} ms`);
    const caption = page.locator('.evidence figcaption');
    await caption.waitFor({ timeout: 120000 });
    assert.equal(await caption.textContent(), 'big-MSI1935.LOG, line 18');
    assert.equal(await barValue(page), -1);
    // The bar moved: several values on the way, rising.
    const values = await page.evaluate(() => window.__bar);
    const between = [...new Set(values.filter((v) => v > 0 && v < 100))];
    assert.ok(between.length >= 2, `bar values: ${values.join(', ')}`);
    assert.deepEqual(between, [...between].sort((a, b) => a - b));
    const files = await page.locator('details.files li').allTextContents();
    assert.equal(files.length, 2, files.join(' | '));
    assert.match(files[0], /^big-MSI1935\.LOG: /);
    assert.match(files[1], /^second\.log: /);
    // Typing works after (and during: the form is not frozen, only Diagnose is disabled while reading).
    await page.fill('textarea#paste', 'typed');
    assert.equal(await page.inputValue('textarea#paste'), 'typed');
    // The workers (one per file at most) were loaded on the first diagnosis, and not again.
    assert.ok(loaded >= 1 && loaded <= 2, `${loaded} worker loads`);
    assert.equal(wasmLoads(), loaded);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
