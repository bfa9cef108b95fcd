// End to end: share links, redaction preview, forum copies, compose mode, progress from a link, the JS API,
// and pastes and files reaching the right guide (issues 3, 4 and 7).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, launch, startServer, openPage, KB979906 } from './helpers.mjs';

let browser, server;
before(async () => {
  server = await startServer();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

const fixture = (...p) => readFileSync(join(ROOT, 'tests', 'fixtures', ...p));
// Our own MSI log of a custom action that failed, run from C:\Users\alice\AppData\Local\Temp.
const ALICE_LOG = () => fixture('e2e', 'custom_action_alice.log');

/// The bytes a share link carries (its `c=` payload, base64url-decoded): what would reach whoever gets it.
function payload(link) {
  const m = /#c=1\.([A-Za-z0-9_-]+)/.exec(link);
  assert.ok(m, `not a share link: ${link}`);
  return Buffer.from(m[1], 'base64url').toString('latin1');
}

async function diagnoseFile(page, name, buffer) {
  await page.setInputFiles('#file-input', { name, mimeType: 'text/plain', buffer });
  await page.locator('.file-list', { hasText: name }).waitFor();
  await page.click('button[type=submit]');
  await page.locator('ol.steps > li.step').first().waitFor();
}

async function diagnosePaste(page, text) {
  await page.fill('textarea#paste', text);
  await page.click('button[type=submit]');
  await page.locator('ol.steps > li.step').first().waitFor();
}

const stepTitles = (page) => page.locator('ol.steps > li.step h3').allTextContents();

test('a case shared by link opens in a fresh browser at the same step, without the log or the user name', async () => {
  const { context, page, errors } = await openPage(browser, server.url);
  await diagnoseFile(page, 'install.log', ALICE_LOG());
  const title = await page.locator('#guide-title').textContent();
  const titles = await stepTitles(page);
  assert.ok(titles.length >= 3, titles.join(' | '));
  // The person tried step 1; it did not help. Step 2 is shown.
  await page.click('li.step.current button:has-text("No, next step")');
  assert.equal(await page.locator('li.step.current h3').textContent(), titles[1]);

  // The preview marks the user name taken from the path, with its kind.
  const preview = page.locator('#share-preview');
  const mark = preview.locator('.shared-evidence mark.redaction', { hasText: 'USER1' });
  await mark.waitFor();
  assert.match(await mark.textContent(), /USER1\s*user name/);
  assert.match(await preview.locator('.replaced').textContent(), /USER1 for a user name/);
  assert.ok(!(await preview.textContent()).includes('alice'), 'the preview shows what is shared, redacted');

  const link = await page.inputValue('#share-link');
  assert.ok(link.startsWith(`${server.url.replace(/\/?$/, '/')}#c=1.`), link);
  assert.ok(link.length < 600, `a link of ${link.length} characters`);
  const sent = payload(link);
  assert.ok(!/alice/i.test(link) && !/alice/i.test(sent), 'the user name is not in the link');
  // Of the log's text only the evidence line travels: no other line of the log is in the link.
  for (const other of ['Resetting cached policy values', 'SourceDir', 'Installation operation failed', 'Downloads']) {
    assert.ok(!sent.includes(other), `"${other}" is in the link`);
  }
  assert.ok(sent.includes('drvinst'), 'the evidence line travels');

  // Forum copies: BBCode (the default) and Markdown hold every step and the link, and no user name.
  const bbcode = await page.inputValue('#forum-text');
  assert.match(bbcode, /\[url=http/);
  await page.check('#format-markdown');
  await page.waitForFunction(() => document.querySelector('#forum-text').value.includes(']('));
  const markdown = await page.inputValue('#forum-text');
  for (const t of titles) {
    assert.ok(bbcode.includes(t), `BBCode lacks step "${t}"`);
    assert.ok(markdown.includes(t), `Markdown lacks step "${t}"`);
  }
  assert.ok(!/alice/i.test(bbcode) && !/alice/i.test(markdown), 'a forum copy holds the user name');
  // "Don't replace names" warns; plain text keeps the log's words.
  await page.check('#keep-names');
  await page.locator('.forum-copy .warning').waitFor();
  await page.check('#format-text');
  assert.equal(await page.locator('#keep-names').count(), 0);
  assert.ok((await page.inputValue('#forum-text')).includes('Share link: http'));
  assert.deepEqual(errors, []);
  await context.close();

  // A fresh browser profile: same guide, same step, the evidence line and the facts, no log needed.
  const other = await openPage(browser, link);
  const p2 = other.page;
  await p2.locator('li.step.current').waitFor();
  assert.equal(await p2.locator('#guide-title').textContent(), title);
  assert.equal(await p2.locator('li.step.current h3').textContent(), titles[1]);
  assert.equal(await p2.locator('li.step.tried').count(), 1);
  assert.match(await p2.locator('.opened-from-link').textContent(), /share link/);
  const line = await p2.locator('.evidence .cause-line .line-text').textContent();
  assert.match(line, /Error 1722.*C:\\Users\\USER1\\AppData/);
  assert.equal(await p2.locator('.evidence figcaption').textContent(), 'install.log, line 9');
  assert.match(await p2.locator('.facts').textContent(), /RegisterDriver/);
  assert.equal(await p2.inputValue('textarea#paste'), '');
  assert.ok(!/alice/i.test(await p2.content()));
  assert.deepEqual(other.errors, []);
  await other.context.close();
});

test('"Link to this step" opens the guide at that step', async () => {
  const { context, page, errors } = await openPage(browser, server.url);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(server.url).origin });
  await diagnoseFile(page, 'install.log', ALICE_LOG());
  const titles = await stepTitles(page);
  // Step 3 is folded until opened (one step in focus, issue 16).
  await page.click('#step-3 summary');
  await page.click('#step-3 .step-link button');
  await page.locator('#step-3 .step-link button', { hasText: 'copied' }).waitFor();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  assert.match(link, /#c=1\.[A-Za-z0-9_-]+&s=3$/);
  assert.ok(!/alice/i.test(payload(link)));
  assert.deepEqual(errors, []);
  await context.close();

  const other = await openPage(browser, link);
  await other.page.locator('li.step.current').waitFor();
  assert.equal(await other.page.locator('li.step.current h3').textContent(), titles[2]);
  await other.context.close();
});

test('a damaged, truncated or hostile link gives a clear message and an empty, working page', async () => {
  const { context, page } = await openPage(browser, server.url);
  await diagnoseFile(page, 'install.log', ALICE_LOG());
  const link = await page.inputValue('#share-link');
  await context.close();

  const at = link.indexOf('#c=1.') + 12;
  const flipped = link.slice(0, at) + (link[at] === 'A' ? 'B' : 'A') + link.slice(at + 1);
  const cases = [
    [flipped, /damaged or incomplete/],
    [link.slice(0, link.length - 9), /damaged or incomplete/],
    [`${server.url}#c=7.AAAA`, /newer version/],
    [`${server.url}#c=1.${'A'.repeat(9000)}`, /far longer/],
    [`${server.url}#c=1.<img src=x onerror=alert(1)>`, /damaged or incomplete/],
  ];
  for (const [bad, message] of cases) {
    const { context, page, errors } = await openPage(browser, bad);
    const error = page.locator('.link-error .error[role=alert]');
    await error.waitFor();
    assert.match(await error.textContent(), message, bad);
    assert.equal(await page.locator('.diagnosis').count(), 0);
    // The message is at the top of the page, above the input, where a phone shows it.
    const top = await error.boundingBox();
    assert.ok(top.y < (await page.locator('textarea#paste').boundingBox()).y, 'the message is above the input');
    // The page still works, and the message goes once a diagnosis is shown.
    await diagnosePaste(page, KB979906);
    assert.equal(await page.locator('.link-error').count(), 0);
    assert.deepEqual(errors, []);
    await context.close();
  }
});

test('progress from a share link survives a reload (after a restart) and can be cleared', async () => {
  const first = await openPage(browser, server.url);
  await diagnoseFile(first.page, 'install.log', ALICE_LOG());
  const link = await first.page.inputValue('#share-link');
  const titles = await stepTitles(first.page);
  await first.context.close();

  const { context, page, errors } = await openPage(browser, link);
  await page.locator('li.step.current').waitFor();
  assert.equal(await page.locator('li.step.current h3').textContent(), titles[0]);
  await page.click('li.step.current button:has-text("No, next step")');
  await page.click('li.step.current button:has-text("No, next step")');
  assert.equal(await page.locator('li.step.current h3').textContent(), titles[2]);
  await page.reload();
  await page.locator('.restored').waitFor();
  assert.equal(await page.locator('li.step.current h3').textContent(), titles[2]);
  assert.equal(await page.locator('li.step.tried').count(), 2);
  // Stored: the answers and steps under a hash of the case; never the log's text.
  const stored = await page.evaluate(() => JSON.stringify(Object.entries(localStorage)));
  assert.ok(!stored.includes('drvinst') && !/alice/i.test(stored), stored);
  const saved = JSON.parse(JSON.parse(stored)[0][1]);
  assert.deepEqual(saved.steps.failed, [0, 1]);
  assert.equal(saved.steps.current, 2);
  await page.click('.restored button');
  assert.equal(await page.locator('li.step.current h3').textContent(), titles[0]);
  assert.equal(await page.evaluate(() => localStorage.length), 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test('compose mode asks every question with no logs, and the guide can be shared', async () => {
  const { context, page, errors } = await openPage(browser, server.url);
  await page.click('#compose');
  await page.locator('#result-title', { hasText: 'Composing' }).waitFor();
  const q = page.locator('fieldset.question').first();
  await q.waitFor();
  assert.match(await q.locator('legend').textContent(), /What were you installing/);
  await q.locator('button', { hasText: '.NET Framework' }).click();
  // Answer whatever else is asked with its first choice, until no question is open.
  for (let i = 0; i < 8 && (await page.locator('fieldset.question').count()) > 0; i++) {
    await page.locator('fieldset.question').first().locator('button.choice').first().click();
  }
  const titles = await stepTitles(page);
  assert.ok(titles.length > 0);
  const bbcode = await page.inputValue('#forum-text');
  for (const t of titles) assert.ok(bbcode.includes(t), `BBCode lacks "${t}"`);
  const link = await page.inputValue('#share-link');
  await context.close();

  const other = await openPage(browser, link);
  await other.page.locator('li.step.current').waitFor();
  assert.deepEqual(await stepTitles(other.page), titles);
  assert.deepEqual(errors, []);
  await other.context.close();
});

test('the JavaScript API: window.setupTriage.diagnose(input) resolves to a plain object, in the worker', async () => {
  const { context, page, errors } = await openPage(browser, server.url);
  const d = await page.evaluate(() => window.setupTriage.diagnose(
    'Security Update for Microsoft .NET Framework 3.5 SP1 (KB979906) failed with Windows Update error 0x643'));
  assert.equal(d.verdict, 'failed');
  assert.ok(d.codes.includes('0x80070643'), d.codes.join(','));
  assert.equal(typeof d.facts, 'object');
  assert.equal(d.facts.kb, 'KB979906');
  assert.ok(d.guide.steps.length > 0 && typeof d.guide.steps[0].title === 'string');
  // The page's own lexicon for redaction is not part of the JSON contract.
  assert.equal(d.personal, undefined);
  // A File, and several calls at once: each gets its own diagnosis, none stops another.
  const [a, b] = await page.evaluate(() => {
    const log = new File(['MSI (s) (A8:3C) [10:14:23:123]: Product: Contoso -- Error 1722. There is a problem with this Windows Installer package.\n'],
      'contoso.log');
    return Promise.all([window.setupTriage.diagnose([log]), window.setupTriage.diagnose('Error 0x800f081f')]);
  });
  assert.equal(a.files[0].name, 'contoso.log');
  assert.ok(a.codes.includes('1722'), a.codes.join(','));
  assert.ok(b.codes.includes('0x800f081f'), b.codes.join(','));
  const bad = await page.evaluate(() => window.setupTriage.diagnose(42).then(() => 'no error', (e) => String(e)));
  assert.match(bad, /must be a string/);
  assert.deepEqual(errors, []);
  await context.close();
});

// Issue 4: pastes reach the right guide.
const PASTES = [
  ['2024-01 Cumulative Update for .NET Framework 3.5, 4.8 and 4.8.1 for Windows 10 Version 22H2 for x64 (KB5033909) - Error 0x80070643',
    /\.NET Framework 3\.5 update KB5033909/],
  ['Security Intelligence Update for Microsoft Defender Antivirus - KB2267602 (Version 1.403.123.0) - Error 0x80070643',
    /Defender security intelligence update KB2267602/],
  ['2024-01 Security Update for Windows 10 Version 22H2 for x64-based Systems (KB5034441) - Error 0x80070643',
    /Windows Recovery Environment update KB5034441/],
  [fixture('e2e', 'dism_netfx3.txt').toString('utf8'), /Turn on the \.NET Framework 3\.5 \(0x800f081f\)/],
];
for (const [text, title] of PASTES) {
  test(`the paste "${text.split('\n').find((l) => /0x8/.test(l)).slice(0, 60)}…" reaches its guide`, async () => {
    const { context, page, errors } = await openPage(browser, server.url);
    await diagnosePaste(page, text);
    assert.match(await page.locator('#guide-title').textContent(), title);
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test('an MSI log whose cause is another installation (1618) reaches its guide', async () => {
  const { context, page, errors } = await openPage(browser, server.url);
  await diagnoseFile(page, 'MSI1618.LOG', fixture('e2e', 'another_install_1618.log'));
  assert.match(await page.locator('#guide-title').textContent(), /Another installation was in progress/);
  assert.equal(await page.locator('li.step.current h3').textContent(), 'Let the other installation finish');
  assert.equal(await page.locator('.evidence figcaption').textContent(), 'MSI1618.LOG, line 6');
  assert.deepEqual(errors, []);
  await context.close();
});

test('an MSI log whose cause is error 1935 reaches the assembly guide', async () => {
  const { context, page, errors } = await openPage(browser, server.url);
  await diagnoseFile(page, 'MSI1935.LOG', fixture('msi-1935.log'));
  assert.match(await page.locator('#guide-title').textContent(), /An assembly could not be installed \(error 1935/);
  // The installer's actions around the failure, under the evidence.
  assert.equal(await page.locator('.timeline li.action-failed .action-name').textContent(), 'InstallFinalize');
  assert.deepEqual(errors, []);
  await context.close();
});

// Issue 3: several files, and a zip of logs, give one diagnosis whose cause names the file and line.
test('several dropped files give one diagnosis naming the file and line of the cause', async () => {
  const { context, page, errors } = await openPage(browser, server.url);
  const files = [
    ['dd_dotnetfx35install.txt', fixture('dotnet', 'dd_dotnetfx35install.txt').toString('latin1')],
    ['MSI1935.LOG', fixture('msi-1935.log').toString('latin1')],
    ['WindowsUpdate.log', fixture('windows_update', 'cmtrace_clean.log').toString('latin1')],
  ];
  const transfer = await page.evaluateHandle((files) => {
    const t = new DataTransfer();
    for (const [name, text] of files) t.items.add(new File([text], name, { type: 'text/plain' }));
    return t;
  }, files);
  await page.dispatchEvent('header.site h1', 'drop', { dataTransfer: transfer });
  await page.locator('.file-list li', { hasText: 'WindowsUpdate.log' }).waitFor();
  assert.equal(await page.locator('.file-list li').count(), 3);
  await page.click('button[type=submit]');
  await page.locator('ol.steps > li.step').first().waitFor();
  assert.equal(await page.locator('.evidence').count(), 1);
  assert.equal(await page.locator('.evidence figcaption').textContent(), 'MSI1935.LOG, line 18');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a zip of logs gives one diagnosis naming the file inside and the line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'setup-triage-zip-'));
  const zip = join(dir, 'logs.zip');
  execFileSync('python3', ['-c', `
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:
    z.write(sys.argv[2], 'logs/MSI1935.log')
    z.write(sys.argv[3], 'logs/setup.log')
`, zip, join(ROOT, 'tests', 'fixtures', 'msi-1935.log'), join(ROOT, 'tests', 'fixtures', 'windows_update', 'cmtrace_clean.log')]);
  const { context, page, errors } = await openPage(browser, server.url);
  try {
    await page.setInputFiles('#file-input', zip);
    await page.click('button[type=submit]');
    await page.locator('ol.steps > li.step').first().waitFor();
    const where = await page.locator('.evidence figcaption').textContent();
    assert.match(where, /MSI1935\.log, line 18$/);
    assert.match(where, /logs\.zip/);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  }
});


test('progress made from the logs is picked up when the share link is opened on the same computer', async () => {
  const { context, page, errors } = await openPage(browser, server.url);
  await diagnoseFile(page, 'install.log', ALICE_LOG());
  const link = await page.inputValue('#share-link'); // made at step 1
  const titles = await stepTitles(page);
  await page.click('li.step.current button:has-text("No, next step")');
  await page.click('li.step.current button:has-text("No, next step")');
  // The same browser profile, a new tab, the link from before: the same case, so the saved step wins.
  const tab = await context.newPage();
  await tab.goto(link);
  await tab.locator('.restored').waitFor();
  assert.equal(await tab.locator('li.step.current h3').textContent(), titles[2]);
  assert.deepEqual(errors, []);
  await context.close();
});
