// End to end: the page's workers. Several files are read by several workers at once and give exactly the
// diagnosis one worker gives; the worker's SIMD build loads where the browser validates SIMD, and the build
// without SIMD where it does not (here: WebAssembly.validate made to refuse the SIMD probe).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launch, startServer, ROOT, msiLogUtf16, KB979906 } from './helpers.mjs';

let browser, server;
before(async () => {
  server = await startServer();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

const fixture = (path) => ({ name: path.replace(/.*\//, ''), mimeType: 'text/plain', buffer: readFileSync(join(ROOT, 'tests', 'fixtures', path)) });
// A case of several logs: a .NET setup log and the MSI logs it fails in, a log that succeeds, Windows Update's.
const FILES = [
  fixture('dotnet/netfx4_1935.log'),
  fixture('msi/verbose_1935_decoys.log'),
  { name: 'MSI1935.LOG', mimeType: 'text/plain', buffer: msiLogUtf16() },
  // The same in UTF-16BE: both byte orders of the SIMD build's decoding, against the build without SIMD.
  { name: 'MSI1935-BE.LOG', mimeType: 'text/plain', buffer: msiLogUtf16().swap16() },
  fixture('msi/success_with_decoys.log'),
  fixture('windows_update/win10_install_failed.log'),
];

/// Opens the page at `query`, diagnoses the pasted text and FILES, and returns what the result shows, the
/// workers started and the worker files requested.
async function diagnose(query, { refuseSimd = false } = {}) {
  const context = await browser.newContext();
  if (refuseSimd) {
    // A browser without WebAssembly SIMD: it refuses any module that uses it, the page's probe among them.
    await context.addInitScript(() => {
      const validate = WebAssembly.validate;
      WebAssembly.validate = (bytes) => {
        const b = new Uint8Array(bytes.buffer ?? bytes);
        return b.includes(0xfd) ? false : validate(bytes);
      };
    });
  }
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const requests = [];
  page.on('request', (r) => requests.push(new URL(r.url()).pathname.replace(/.*\//, '')));
  let workers = 0;
  page.on('worker', () => { workers += 1; });
  try {
    await page.goto(server.url + query);
    await page.locator('textarea#paste').waitFor();
    await page.fill('textarea#paste', KB979906);
    await page.setInputFiles('#file-input', FILES);
    await page.click('button[type=submit]');
    await page.locator('#result-title').waitFor({ timeout: 60000 });
    await page.locator('ol.steps > li.step').first().waitFor();
    const result = await page.locator('main').innerText();
    assert.deepEqual(errors, []);
    return { result, workers, requests: [...new Set(requests.filter((r) => r.startsWith('worker')))] };
  } finally {
    await context.close();
  }
}

test('several files in several workers give the diagnosis one worker gives', async () => {
  const one = await diagnose('?workers=1');
  const three = await diagnose('?workers=3');
  const each = await diagnose('?workers=8');
  assert.equal(one.workers, 1);
  assert.equal(three.workers, 3);
  // One worker per file at most.
  assert.equal(each.workers, FILES.length);
  assert.match(one.result, /netfx4_1935\.log/);
  assert.equal(three.result, one.result);
  assert.equal(each.result, one.result);
});

test('the SIMD build where SIMD validates, the build without it where it does not; both diagnose alike', async () => {
  const simd = await diagnose('?workers=2');
  const plain = await diagnose('?workers=2', { refuseSimd: true });
  assert.deepEqual(simd.requests, ['worker_simd_loader.js', 'worker_simd.js', 'worker_simd_bg.wasm']);
  assert.deepEqual(plain.requests, ['worker_loader.js', 'worker.js', 'worker_bg.wasm']);
  assert.equal(plain.result, simd.result);
});
