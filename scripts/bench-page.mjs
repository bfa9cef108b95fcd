// The page's half of the benchmark: scripts/bench.sh calls it; alone:
//   node scripts/bench-page.mjs [--native FILE=SECONDS]... [--big FILE] [--several FILE,FILE...]... [LOG...]
// A log of real content for it: node scripts/real-content-log.mjs CORPUS_LOG OUT (see that script).
// Needs a release build in dist/ (trunk build --release) and playwright-core in .tools/ (scripts/setup.sh).
//
// In headless Chromium (/usr/bin/chromium) against dist/ served on 127.0.0.1, it measures and prints:
// - the page weight: every file the first view loads (before any file is chosen), raw and brotli, and the
//   worker's files, which load on the first diagnosis: its SIMD build or the one without SIMD, never both;
// - the first render: milliseconds from navigation to the first paint with the app on screen;
// - for each LOG: the time from choosing it (Diagnose) to the guide, once with a cold worker and once warm,
//   with the worker's SIMD build and with the build without SIMD (WebAssembly.validate made to refuse SIMD, as
//   a browser without it does);
// - for each --several set: the files chosen together, read by one worker (?workers=1) and by one worker per
//   core (navigator.hardwareConcurrency), warm, best of two;
//   the longest main-thread task while scanning and while showing the result (PerformanceObserver
//   'longtask', which reports tasks over 50 ms) and the longest a 10 ms timer waited; the page's JS heap growth (performance.memory, precise),
//   and the renderer process's resident memory growth (page and worker together, from /proc);
// - with --big FILE (1 GB): the bar moving, Stop, and a full run to the guide.
// The figures go to bench-out/page-figures.md. These are measurements: nothing here fails on a timing.
import { createRequire } from 'node:module';
import { spawn, execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, dirname, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants } from 'node:zlib';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(ROOT, '.tools', 'package.json'));
const { chromium } = require('playwright-core');

const args = process.argv.slice(2);
const native = {};
const logs = [];
const several = [];
let big = null;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--native') {
    const [f, s] = args[++i].split('=');
    native[basename(f)] = Number(s);
  } else if (args[i] === '--big') big = args[++i];
  else if (args[i] === '--several') several.push(args[++i].split(','));
  else logs.push(args[i]);
}

const DIST = join(ROOT, 'dist');
const brotli = (b) => brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const kb = (n) => (n / 1000).toFixed(1); // KB = 1000 bytes, as the targets are stated
const mb = (n) => (n / 1048576).toFixed(1);

function startServer() {
  const child = spawn(process.execPath, [join(ROOT, 'scripts', 'static-server.mjs'), DIST, '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      const m = /listening on (http:\/\/\S+)/.exec(String(d));
      if (m) resolve({ url: m[1], stop: () => child.kill('SIGTERM') });
    });
    child.on('exit', (code) => reject(new Error(`static server exited with ${code}`)));
  });
}

// Resident memory (KB) of Chromium's renderer processes: the page and its worker live in one.
function rendererRssKb() {
  let total = 0;
  for (const pid of readdirSync('/proc').filter((p) => /^[0-9]+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmd.includes('chromium') || !cmd.includes('--type=renderer')) continue;
      const m = /VmRSS:\s+([0-9]+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) total = Math.max(total, Number(m[1]));
    } catch {}
  }
  return total;
}

// Installed before the page's own scripts: long tasks, timer lateness, the app's first paint.
const PROBE = () => {
  window.__longTasks = [];
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__longTasks.push([e.startTime, e.duration]); })
    .observe({ type: 'longtask', buffered: true });
  window.__lag = 0;
  let expected = performance.now() + 10;
  setInterval(() => {
    const now = performance.now();
    window.__lag = Math.max(window.__lag, now - expected);
    expected = now + 10;
  }, 10);
  // When the bar last changed: tasks starting before it are the scan's, after it the result's.
  window.__lastBar = 0;
  new MutationObserver(() => {
    if (document.querySelector('progress#read-progress')) window.__lastBar = performance.now();
  }).observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['value'] });
  new MutationObserver((_, obs) => {
    if (document.getElementById('paste')) {
      obs.disconnect();
      requestAnimationFrame(() => setTimeout(() => { window.__appPaint = performance.now(); }, 0));
    }
  }).observe(document, { childList: true, subtree: true });
};

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--enable-precise-memory-info'],
});
const server = await startServer();
const out = [];
const say = (line = '') => { console.log(line); out.push(line); };

// A browser without WebAssembly SIMD refuses every module that uses it, the page's probe among them.
const REFUSE_SIMD = () => {
  const validate = WebAssembly.validate;
  WebAssembly.validate = (bytes) => (new Uint8Array(bytes.buffer ?? bytes).includes(0xfd) ? false : validate(bytes));
};

async function freshPage({ simd = true, query = '' } = {}) {
  const context = await browser.newContext();
  await context.addInitScript(PROBE);
  if (!simd) await context.addInitScript(REFUSE_SIMD);
  const page = await context.newPage();
  const loaded = [];
  page.on('requestfinished', (r) => loaded.push(new URL(r.url()).pathname));
  await page.goto(server.url + query);
  await page.locator('textarea#paste').waitFor();
  await page.waitForFunction(() => window.__appPaint !== undefined);
  await page.waitForLoadState('networkidle');
  return { context, page, loaded };
}

try {
  // --- Page weight and first render ------------------------------------------------------------------------
  const { context, page, loaded } = await freshPage();
  const paint = await page.evaluate(() => ({
    app: window.__appPaint,
    fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime,
    wasm: performance.getEntriesByType('resource').filter((e) => e.name.endsWith('.wasm')).map((e) => e.responseEnd)[0],
  }));
  const first = [...new Set(loaded)].map((p) => decodeURIComponent(p.replace(/^\//, '')) || 'index.html');
  const worker = readdirSync(DIST).filter((f) => f.startsWith('worker'));
  const row = (f) => { const b = readFileSync(join(DIST, f)); return [f, b.length, brotli(b)]; };
  const firstRows = first.map(row);
  // A browser loads one of the worker's two builds: with SIMD (worker_simd*) or without (the rest).
  const simdRows = worker.filter((f) => f.startsWith('worker_simd')).map(row);
  const plainRows = worker.filter((f) => !f.startsWith('worker_simd')).map(row);
  const sum = (rows, i) => rows.reduce((a, r) => a + r[i], 0);
  say('## Page weight');
  say();
  say('| file | loaded | raw KB | brotli KB |');
  say('|---|---|---:|---:|');
  for (const [f, raw, br] of firstRows) say(`| ${f} | first view | ${kb(raw)} | ${kb(br)} |`);
  say(`| **first view, total** | | **${kb(sum(firstRows, 1))}** | **${kb(sum(firstRows, 2))}** |`);
  for (const [f, raw, br] of simdRows) say(`| ${f} | first diagnosis, SIMD | ${kb(raw)} | ${kb(br)} |`);
  say(`| **worker with SIMD, total** | | **${kb(sum(simdRows, 1))}** | **${kb(sum(simdRows, 2))}** |`);
  for (const [f, raw, br] of plainRows) say(`| ${f} | first diagnosis, no SIMD | ${kb(raw)} | ${kb(br)} |`);
  say(`| **worker without SIMD, total** | | **${kb(sum(plainRows, 1))}** | **${kb(sum(plainRows, 2))}** |`);
  say();
  say('Targets: first view at most 200 KB brotli; the worker (either build) at most 200 KB brotli.');
  say();
  await context.close();
  // The first page of a fresh browser pays for starting its renderer and compiler too: a visitor's browser is
  // already running. Three more pages in fresh contexts (nothing cached) give the usual figure.
  const again = [];
  for (let i = 0; i < 3; i++) {
    const fresh = await freshPage();
    again.push(await fresh.page.evaluate(() => window.__appPaint));
    await fresh.context.close();
  }
  again.sort((a, b) => a - b);
  say(`First render (localhost): the app painted ${again[1].toFixed(0)} ms after navigation (median of 3 fresh ` +
      `pages in a running browser; the browser's very first page: ${paint.app.toFixed(0)} ms, with the loading ` +
      `message at ${paint.fcp?.toFixed(0)} ms and the wasm fetched at ${paint.wasm?.toFixed(0)} ms). Target: 100 ms.`);
  say();

  // --- Scanning --------------------------------------------------------------------------------------------
  // Chooses FILE (or several), presses Diagnose, waits for the guide; returns the figures of that run.
  async function diagnose(page, file) {
    const files = [file].flat();
    await page.setInputFiles('#file-input', files);
    await page.evaluate(() => { window.__longTasks = []; window.__lag = 0; });
    const heap0 = await page.evaluate(() => performance.memory.usedJSHeapSize);
    const rss0 = rendererRssKb();
    let heapPeak = heap0, rssPeak = rss0;
    const t0 = Date.now();
    await page.click('button[type=submit]');
    // The guide of this run: the bar came and went, and a result is shown.
    const done = page.locator('progress#read-progress').waitFor({ timeout: 5000 }).catch(() => {})
      .then(() => page.waitForFunction(() => !document.querySelector('progress#read-progress') && document.getElementById('result-title'),
        null, { timeout: 600000, polling: 20 }));
    let finished = false;
    done.then(() => { finished = true; }, () => { finished = true; });
    while (!finished) {
      heapPeak = Math.max(heapPeak, await page.evaluate(() => performance.memory.usedJSHeapSize).catch(() => 0));
      rssPeak = Math.max(rssPeak, rendererRssKb());
      await new Promise((r) => setTimeout(r, 100));
    }
    await done;
    const seconds = (Date.now() - t0) / 1000;
    const { longest, result, lag } = await page.evaluate(() => ({
      longest: window.__longTasks.filter(([t]) => t < window.__lastBar).reduce((a, [, d]) => Math.max(a, d), 0),
      result: window.__longTasks.filter(([t]) => t >= window.__lastBar).reduce((a, [, d]) => Math.max(a, d), 0),
      lag: window.__lag,
    }));
    // Clear the chosen files for the next run.
    for (let i = 0; i < files.length; i++) await page.click('.file-list button:has-text("Remove") >> nth=0');
    return { seconds, longest, result, lag, heap: (heapPeak - heap0), rss: (rssPeak - rss0) * 1024 };
  }

  if (logs.length) {
    say('## Diagnosing in the page');
    say();
    say('Warm: the best of two runs with the worker already loaded.');
    say();
    say('| file | MB | worker build | to the guide, cold worker s | warm s | native CLI s | page ÷ native (warm) | longest main-thread task while scanning ms | longest task showing the result ms | longest timer wait ms | page JS heap growth MB | renderer RSS growth MB |');
    say('|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const file of logs) {
      for (const simd of [true, false]) {
        const { context, page } = await freshPage({ simd });
        const cold = await diagnose(page, file);
        const warm1 = await diagnose(page, file);
        const warm2 = await diagnose(page, file);
        const warm = warm1.seconds <= warm2.seconds ? warm1 : warm2;
        const n = native[basename(file)];
        const runs = [cold, warm1, warm2];
        const most = (k) => Math.max(...runs.map((r) => r[k]));
        say(`| ${basename(file)} | ${mb(statSync(file).size)} | ${simd ? 'SIMD' : 'no SIMD'} | ${cold.seconds.toFixed(2)} | ${warm.seconds.toFixed(2)} | ${n ? n.toFixed(2) : 'n/a'} | ` +
            `${n ? (warm.seconds / n).toFixed(1) + '×' : 'n/a'} | ${most('longest') ? most('longest').toFixed(0) : 'none over 50'} | ` +
            `${most('result') ? most('result').toFixed(0) : 'none over 50'} | ${most('lag').toFixed(0)} | ` +
            `${mb(most('heap'))} | ${mb(most('rss'))} |`);
        await context.close();
      }
    }
    say();
    say('Targets: at most 2× the native CLI (issue 19); no main-thread task over 50 ms while scanning; heap growth under 64 MB for 1 GB.');
    say();
  }

  // --- Several files: one worker against one per core --------------------------------------------------------
  if (several.length) {
    say('## Several files at once: one worker, or one per core');
    say();
    say('Warm: the best of two runs with the workers already loaded; SIMD build.');
    say();
    say('| files | MB | workers | warm s | longest main-thread task while scanning ms |');
    say('|---|---:|---:|---:|---:|');
    for (const set of several) {
      const total = set.reduce((a, f) => a + statSync(f).size, 0);
      for (const query of ['?workers=1', '']) {
        const { context, page } = await freshPage({ query });
        const cores = await page.evaluate(() => navigator.hardwareConcurrency);
        await diagnose(page, set);
        const a = await diagnose(page, set);
        const b = await diagnose(page, set);
        const best = a.seconds <= b.seconds ? a : b;
        const workers = query ? 1 : Math.min(cores, set.length, 8);
        say(`| ${set.map((f) => basename(f)).join(', ')} | ${mb(total)} | ${workers}${query ? '' : ` (${cores} cores)`} | ` +
            `${best.seconds.toFixed(2)} | ${Math.max(a.longest, b.longest) ? Math.max(a.longest, b.longest).toFixed(0) : 'none over 50'} |`);
        await context.close();
      }
    }
    say();
  }

  // --- 1 GB: moving bar, Stop, and to the end --------------------------------------------------------------
  if (big) {
    const { context, page } = await freshPage();
    await page.setInputFiles('#file-input', big);
    await page.click('button[type=submit]');
    const values = [];
    const t0 = Date.now();
    // The label as last seen: a fast run may end before the last look.
    let label = '';
    for (let i = 0; i < 6; i++) {
      await new Promise((r) => setTimeout(r, 500));
      values.push(await page.evaluate(() => Number(document.querySelector('progress#read-progress')?.value ?? -1)));
      label = (await page.evaluate(() => document.querySelector('.progress label')?.textContent ?? '')) || label;
    }
    let stopped = null;
    if (await page.locator('.progress button:has-text("Stop")').count()) {
      await page.click('.progress button:has-text("Stop")');
      await page.locator('.error', { hasText: 'Stopped' }).waitFor();
      stopped = (Date.now() - t0) / 1000;
    }
    await page.click('.file-list button:has-text("Remove")');
    const full = await diagnose(page, big);
    say(`## ${mb(statSync(big).size)} MB log in the page`);
    say();
    say(`Bar while reading (every 0.5 s, percent): ${values.join(', ')}; label: "${label.trim()}"; ${stopped === null ? 'the run had ended before Stop could be pressed at 3 s' : `Stop pressed after ${stopped.toFixed(1)} s, stopped`}.`);
    say(`Then the whole file to the guide: ${full.seconds.toFixed(1)} s; longest main-thread task while scanning ${full.longest ? full.longest.toFixed(0) + ' ms' : 'none over 50 ms'}, ` +
        `showing the result ${full.result ? full.result.toFixed(0) + ' ms' : 'none over 50 ms'}; ` +
        `longest timer wait ${full.lag.toFixed(0)} ms; page JS heap growth ${mb(full.heap)} MB; renderer RSS growth ${mb(full.rss)} MB (target: under 64 MB).`);
    say();
    await context.close();
  }
} finally {
  await browser.close();
  server.stop();
}

mkdirSync(join(ROOT, 'bench-out'), { recursive: true });
writeFileSync(join(ROOT, 'bench-out', 'page-figures.md'),
  `# The page's figures\n\nCommand: \`node scripts/bench-page.mjs ${args.join(' ')}\` (${new Date().toISOString().slice(0, 10)}), headless Chromium ${execFileSync('/usr/bin/chromium', ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim()}.\n\n${out.join('\n')}\n`);
