// End to end against the release build (dist/) in headless Chromium: paste, answer, files, privacy.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, rmSync, mkdtempSync, mkdirSync, symlinkSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, launch, startServer, openPage, msiLogUtf16, KB979906, FIRST_DOTNET_STEP } from './helpers.mjs';

let browser, server;
before(async () => {
  server = await startServer();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

/// Every request must go to the page's own origin: the page makes none elsewhere, before or after loading.
function assertSameOrigin(requests, url) {
  const origin = new URL(url).origin;
  assert.ok(requests.length > 0, 'no requests were recorded');
  const foreign = requests.filter((r) => new URL(r).origin !== origin);
  assert.deepEqual(foreign, [], `requests left ${origin}`);
}

test('pasting Error 0x80070643 asks what was installed, and the .NET answer gives the .NET guide', async () => {
  const { context, page, requests, errors } = await openPage(browser, server.url);
  await page.fill('textarea#paste', 'Error 0x80070643');
  await page.press('textarea#paste', 'Control+Enter');
  const question = page.locator('fieldset.question', { hasText: 'What were you installing' });
  await question.waitFor();
  await question.locator('button', { hasText: '.NET Framework' }).click();
  const steps = page.locator('ol.steps > li.step');
  await assert.doesNotReject(steps.first().waitFor());
  assert.equal(await steps.first().locator('h3').textContent(), FIRST_DOTNET_STEP);
  assert.ok((await steps.count()) >= 4, 'the .NET guide has its steps');
  assert.equal(await page.locator('#boot').count(), 0, 'the loading message is gone');
  // Commands come with a Copy button; sources are links that do not leak the page.
  assert.ok((await page.locator('.command button.copy').count()) > 0);
  for (const rel of await page.locator('.sources a').evaluateAll((as) => as.map((a) => a.rel))) {
    assert.equal(rel, 'noopener noreferrer');
  }
  // What was typed is still there.
  assert.equal(await page.inputValue('textarea#paste'), 'Error 0x80070643');
  assert.deepEqual(errors, []);
  assertSameOrigin(requests, server.url);
  await context.close();
});

test('the KB979906 message gives the .NET guide directly, and the fix loop walks the steps', async () => {
  const { context, page, requests, errors } = await openPage(browser, server.url);
  await page.waitForLoadState('networkidle');
  const loaded = [...requests];
  await page.fill('textarea#paste', KB979906);
  await page.click('button[type=submit]');
  const first = page.locator('ol.steps > li.step').first();
  await first.waitFor();
  // The first diagnosis starts the worker (its loader, script and wasm, from the page's own origin; its SIMD
  // build, which this Chromium validates); after that, nothing more is asked of the network.
  assert.deepEqual(requests.slice(loaded.length).map((u) => new URL(u).pathname.replace(/.*\//, '')),
    ['worker_simd_loader.js', 'worker_simd.js', 'worker_simd_bg.wasm']);
  loaded.push(...requests.slice(loaded.length));
  assert.equal(await first.locator('h3').textContent(), FIRST_DOTNET_STEP);
  assert.equal(await page.locator('fieldset.question', { hasText: 'What were you installing' }).count(), 0);
  assert.match(await page.locator('.result').textContent(), /KB979906/);
  assert.match(await page.locator('.codes').textContent(), /0x80070643/);

  // "No, next step" moves the highlight on; "Yes" ends with what to check.
  assert.equal(await page.locator('li.step.current h3').textContent(), FIRST_DOTNET_STEP);
  await page.click('li.step.current button:has-text("No, next step")');
  const second = await page.locator('ol.steps > li.step').nth(1).locator('h3').textContent();
  assert.equal(await page.locator('li.step.current h3').textContent(), second);
  await page.click('li.step.current button:has-text("Yes")');
  await page.locator('.outcome-fixed').waitFor();
  assert.match(await page.locator('.outcome-fixed').textContent(), /Step 2 fixed it/);
  // Once loaded, the page asks nothing of the network: diagnosing and walking the guide happen in the page.
  assert.deepEqual(requests, loaded);
  assert.deepEqual(errors, []);
  assertSameOrigin(requests, server.url);
  await context.close();
});

test('a UTF-16LE MSI verbose log shows its cause line with its line number', async () => {
  const { context, page, requests, errors } = await openPage(browser, server.url);
  await page.setInputFiles('#file-input', { name: 'MSI1935.LOG', mimeType: 'text/plain', buffer: msiLogUtf16() });
  await page.locator('.file-list', { hasText: 'MSI1935.LOG' }).waitFor();
  await page.click('button[type=submit]');
  const cause = page.locator('.evidence .cause-line');
  await cause.waitFor();
  assert.match(await cause.locator('.line-text').textContent(), /Product: Contoso Widgets -- Error 1935\. An error occurred during the installation of assembly/);
  assert.equal(await cause.locator('.line-no').textContent(), '18');
  assert.equal(await page.locator('.evidence figcaption').textContent(), 'MSI1935.LOG, line 18');
  // Its neighbours are shown too, as text.
  assert.ok((await page.locator('.evidence .log-line').count()) > 1);
  assert.match(await page.locator('.verdict').textContent(), /failed/);
  assert.deepEqual(errors, []);
  assertSameOrigin(requests, server.url);
  await context.close();
});

test('empty input gives a clear message, and a reload keeps the text', async () => {
  const { context, page, requests, errors } = await openPage(browser, server.url);
  await page.click('button[type=submit]');
  await page.locator('.error[role=alert]').waitFor();
  assert.match(await page.locator('.error').textContent(), /nothing to diagnose/i);
  await page.fill('textarea#paste', 'Error 0x80070643 <script>alert(1)</script>');
  await page.reload();
  await page.locator('textarea#paste').waitFor();
  assert.equal(await page.inputValue('textarea#paste'), 'Error 0x80070643 <script>alert(1)</script>');
  assert.deepEqual(errors, []);
  assertSameOrigin(requests, server.url);
  await context.close();
});

test('progress through the guide survives a reload, and can be cleared', async () => {
  const { context, page, errors } = await openPage(browser, server.url);
  await page.fill('textarea#paste', KB979906);
  await page.click('button[type=submit]');
  await page.locator('li.step.current').waitFor();
  await page.click('li.step.current button:has-text("No, next step")');
  const second = await page.locator('ol.steps > li.step').nth(1).locator('h3').textContent();
  assert.equal(await page.locator('li.step.current h3').textContent(), second);

  // A restart of the computer: the tab reloads, the text is still there, the same case picks up at step 2.
  await page.reload();
  await page.locator('textarea#paste').waitFor();
  await page.click('button[type=submit]');
  await page.locator('.restored').waitFor();
  assert.equal(await page.locator('li.step.current h3').textContent(), second);
  assert.equal(await page.locator('li.step.tried').count(), 1);

  await page.click('.restored button');
  assert.equal(await page.locator('li.step.current h3').textContent(), FIRST_DOTNET_STEP);
  assert.equal(await page.locator('.restored').count(), 0);
  // Only the case's progress is stored, never the log text.
  const stored = await page.evaluate(() => JSON.stringify(Object.entries(localStorage)));
  assert.ok(!stored.includes('KB979906 failed'), stored);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the print view shows the guide without the input form and buttons', async () => {
  const { context, page, errors } = await openPage(browser, server.url);
  await page.fill('textarea#paste', KB979906);
  await page.click('button[type=submit]');
  await page.locator('ol.steps > li.step').first().waitFor();
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('form.input').isVisible(), false);
  assert.equal(await page.locator('.did-it-work').isVisible(), false);
  assert.equal(await page.locator('ol.steps > li.step').first().isVisible(), true);
  assert.equal(await page.locator('.command pre').first().isVisible(), true);
  // The share link is printed in full; the copy tools are not.
  assert.match(await page.locator('.share .print-link').textContent(), /#c=1\./);
  assert.equal(await page.locator('.share .print-link').isVisible(), true);
  assert.equal(await page.locator('.forum-copy').isVisible(), false);
  assert.equal(await page.locator('#share-link').isVisible(), false);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a file dropped anywhere on the page is taken, not opened in place of the page', async () => {
  const { context, page, requests, errors } = await openPage(browser, server.url);
  const drop = async (selector, name, text) => {
    const transfer = await page.evaluateHandle(([name, text]) => {
      const t = new DataTransfer();
      t.items.add(new File([text], name, { type: 'text/plain' }));
      return t;
    }, [name, text]);
    await page.dispatchEvent(selector, 'drop', { dataTransfer: transfer });
  };
  await drop('header.site h1', 'history.txt', KB979906);
  await drop('.drop-zone', 'second.txt', 'nothing to see');
  await page.locator('.file-list li', { hasText: 'second.txt' }).waitFor();
  assert.equal(await page.locator('.file-list li', { hasText: 'history.txt' }).count(), 1);
  await page.click('button[type=submit]');
  const first = page.locator('ol.steps > li.step').first();
  await first.waitFor();
  assert.equal(await first.locator('h3').textContent(), FIRST_DOTNET_STEP);
  assert.equal(await page.locator('.evidence figcaption').textContent(), 'history.txt, line 1');
  assert.deepEqual(errors, []);
  assertSameOrigin(requests, server.url);
  await context.close();
});

test('a big log shows reading progress and can be stopped; the input stays', async () => {
  // About 60 MB of UTF-16: read in 1 MiB pieces, it takes long enough to see the progress and press Stop.
  const dir = mkdtempSync(join(tmpdir(), 'setup-triage-e2e-'));
  const path = join(dir, 'big.log');
  const line = Buffer.from('MSI (s) (A4:B0) [10:21:09:114]: Executing op: FileCopy(SourceName=widgets.dll,DestName=widgets.dll,FileSize=40960)\r\n', 'utf16le');
  writeFileSync(path, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.alloc(line.length * 240000, line)]));
  const { context, page, errors } = await openPage(browser, server.url);
  try {
    await page.fill('textarea#paste', 'kept');
    await page.setInputFiles('#file-input', path);
    await page.click('button[type=submit]');
    await page.locator('progress#read-progress').waitFor();
    assert.match(await page.locator('.progress label').textContent(), /Reading big\.log/);
    await page.click('.progress button:has-text("Stop")');
    await page.locator('.error', { hasText: 'Stopped' }).waitFor();
    assert.equal(await page.locator('progress#read-progress').count(), 0);
    assert.equal(await page.locator('.evidence').count(), 0);
    assert.equal(await page.inputValue('textarea#paste'), 'kept');
    assert.equal(await page.locator('.file-list li', { hasText: 'big.log' }).count(), 1);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a file that cannot be read gives a clear message and keeps the input', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'setup-triage-e2e-'));
  const path = join(dir, 'gone.log');
  writeFileSync(path, 'Error 0x80070643\n');
  const { context, page, errors } = await openPage(browser, server.url);
  try {
    await page.fill('textarea#paste', 'kept');
    await page.setInputFiles('#file-input', path);
    await page.locator('.file-list li', { hasText: 'gone.log' }).waitFor();
    // The file disappears between choosing it and reading it (moved, deleted, on a drive that went away).
    rmSync(path);
    await page.click('button[type=submit]');
    const error = page.locator('.error[role=alert]');
    await error.waitFor();
    assert.match(await error.textContent(), /Could not read "gone\.log"/);
    assert.equal(await page.inputValue('textarea#paste'), 'kept');
    assert.equal(await page.locator('.evidence').count(), 0);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('dist/ works from a subfolder of a static host', async () => {
  // A host with the page at /help/triage/ and nothing at its root.
  const dir = mkdtempSync(join(tmpdir(), 'setup-triage-host-'));
  mkdirSync(join(dir, 'help'));
  symlinkSync(join(ROOT, 'dist'), join(dir, 'help', 'triage'));
  const child = spawn(process.execPath, [join(ROOT, 'scripts', 'static-server.mjs'), dir, '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const base = await new Promise((resolve) => child.stdout.on('data', (d) => {
      const m = /listening on (http:\/\/\S+)/.exec(String(d));
      if (m) resolve(m[1]);
    }));
    const { context, page, requests, errors } = await openPage(browser, `${base}help/triage/`);
    await page.fill('textarea#paste', KB979906);
    await page.click('button[type=submit]');
    await page.locator('ol.steps > li.step').first().waitFor();
    for (const r of requests) assert.ok(r.startsWith(`${base}help/triage/`), `${r} is outside the subfolder`);
    // Share links are made against the page's own address, subfolder included.
    assert.ok((await page.inputValue('#share-link')).startsWith(`${base}help/triage/#c=1.`));
    assert.deepEqual(errors, []);
    await context.close();
  } finally {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
});

test('embed mode (?embed) leaves out the title and footer, and works', async () => {
  const { context, page, errors } = await openPage(browser, `${server.url}?embed=1`);
  // The title is out of sight, but still the page's first heading for screen readers (issue 16).
  const box = await page.locator('header.site').boundingBox();
  assert.ok(box.width <= 1 && box.height <= 1, JSON.stringify(box));
  assert.equal(await page.getByRole('heading', { level: 1 }).count(), 1);
  assert.equal(await page.locator('footer.site').isVisible(), false);
  await page.fill('textarea#paste', KB979906);
  await page.click('button[type=submit]');
  await page.locator('ol.steps > li.step').first().waitFor();
  // The JS API is there, and share links open the full page (without ?embed).
  assert.equal(await page.evaluate(() => typeof window.setupTriage.diagnose), 'function');
  const link = await page.inputValue('#share-link');
  assert.ok(link.startsWith(`${server.url.replace(/\/?$/, '/')}#c=1.`), link);
  assert.deepEqual(errors, []);
  await context.close();
});

// The page's own WebAssembly carries no regex engine (ARCHITECTURE.md, invariants): redaction uses the worker's
// lexicon and the JS API the worker. The regex crates leave their source paths in a build (panic locations),
// which the worker's file shows, so the check can fail.
test("the page's wasm carries no regex engine; the worker's builds (with and without SIMD) do", async () => {
  const { readdirSync, readFileSync } = await import('node:fs');
  const dist = join(ROOT, 'dist');
  const wasm = readdirSync(dist).filter((f) => f.endsWith('.wasm'));
  const page = wasm.filter((f) => f.startsWith('web-'));
  const worker = wasm.filter((f) => f.startsWith('worker'));
  assert.equal(page.length, 1, wasm.join(','));
  assert.deepEqual(worker.sort(), ['worker_bg.wasm', 'worker_simd_bg.wasm'], wasm.join(','));
  const holds = (f) => readFileSync(join(dist, f)).includes('regex-automata');
  for (const w of worker) assert.equal(holds(w), true, `${w} should hold regex-automata`);
  assert.equal(holds(page[0]), false, `${page[0]} links the regex engine`);
});
