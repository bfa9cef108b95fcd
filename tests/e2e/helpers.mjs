// Shared by the end-to-end tests: the browser, the page's address, and a record of every request.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { readFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// playwright-core lives in the project-local .tools/ (scripts/setup.sh installs it).
const require = createRequire(join(ROOT, '.tools', 'package.json'));
const { chromium } = require('playwright-core');

// Without the background-networking flags Chromium keeps trying to reach the outside.
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export function launch() {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/// The release build's address: E2E_BASE_URL (scripts/test.sh sets it), else a server of our own on dist/.
export async function startServer() {
  if (process.env.E2E_BASE_URL) return { url: process.env.E2E_BASE_URL, stop: async () => {} };
  const child = spawn(process.execPath, [join(ROOT, 'scripts', 'static-server.mjs'), join(ROOT, 'dist'), '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      const m = /listening on (http:\/\/\S+)/.exec(String(d));
      if (m) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`static server exited with ${code}`)));
  });
  return { url, stop: async () => { child.kill('SIGTERM'); } };
}

/// A fresh page (own context: own storage) that records every request it makes.
export async function openPage(browser, url) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  await page.locator('textarea#paste').waitFor();
  return { context, page, requests, errors };
}

/// Our own MSI verbose log fixture as Windows writes it: UTF-16LE with a BOM, CR LF line ends.
export function msiLogUtf16() {
  const text = readFileSync(join(ROOT, 'tests', 'fixtures', 'msi-1935.log'), 'utf8');
  return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
}

/// A big MSI log (about 60 MB of UTF-16, written at `path`, never committed): the fixture's lines first (its
/// cause is line 18), then ordinary file copies.
export function writeBigMsiLog(path) {
  const fd = openSync(path, 'w');
  writeSync(fd, msiLogUtf16());
  const line = Buffer.from('MSI (s) (A4:B0) [10:21:09:114]: Executing op: FileCopy(SourceName=widgets.dll,DestName=widgets.dll,FileSize=40960)\r\n', 'utf16le');
  const block = Buffer.alloc(line.length * 10000, line);
  for (let i = 0; i < 27; i++) writeSync(fd, block);
  closeSync(fd);
}

export const KB979906 =
  'Security Update for Microsoft .NET Framework 3.5 SP1 (KB979906) failed with Windows Update error 0x643';
// The .NET guide starts with its safe steps (issue 20): the restart, then the update's own log.
export const FIRST_DOTNET_STEP = 'Restart, then try again';

// axe-core lives in .tools/ too (scripts/setup.sh installs it). It is handed to the page through the DevTools
// protocol (page.evaluate), which the page's Content-Security-Policy does not govern: the page itself still
// loads nothing from elsewhere.
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/// The WCAG 2.2 A and AA violations axe-core finds on the page as it is now, one line each (empty when none).
export async function axeViolations(page) {
  const has = await page.evaluate(() => typeof window.axe !== 'undefined');
  if (!has) await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return r.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ') + ' :: ' + (n.failureSummary || '').split('\n').slice(0, 2).join(' ')) }));
  });
  return result.map((v) => `${v.id}: ${v.help}\n    ${v.nodes.slice(0, 4).join('\n    ')}`);
}

/// The widest element of the page beyond the viewport: an empty list when nothing scrolls sideways.
export async function sidewaysOverflow(page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const out = [];
    if (document.documentElement.scrollWidth > width) out.push(`document ${document.documentElement.scrollWidth} > ${width}`);
    for (const e of document.querySelectorAll('body *')) {
      const r = e.getBoundingClientRect();
      if (r.width > 0 && r.right > width + 1 && e.checkVisibility() && getComputedStyle(e).position !== 'absolute') {
        out.push(`${e.tagName.toLowerCase()}.${e.className} right=${Math.round(r.right)}`);
      }
    }
    return out.slice(0, 8);
  });
}

/// The id (or tag and text) of the element that has keyboard focus.
export async function focused(page) {
  return page.evaluate(() => {
    const e = document.activeElement;
    if (!e || e === document.body) return 'body';
    return e.id ? `#${e.id}` : `${e.tagName.toLowerCase()}:${(e.textContent || '').trim().slice(0, 40)}`;
  });
}

/// A tiny MSI log built into the test: a file with a very long name to check that nothing widens the page.
export const LONG_FILE_NAME =
  'MSI_a_very_long_log_file_name_that_has_no_spaces_at_all_and_goes_on_and_on_Contoso_Widgets_Setup_20261206.log';
