// End to end (issue 16): a guide that leads. One step in focus, focus after every answer, axe-core at phone
// and desktop sizes in both themes, nothing that scrolls sideways at 360 px, the keyboard alone from paste to
// "fixed", and Back and reload that keep the step.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ROOT, launch, startServer, openPage, msiLogUtf16, KB979906, FIRST_DOTNET_STEP,
  axeViolations, sidewaysOverflow, focused, LONG_FILE_NAME,
} from './helpers.mjs';

let browser, server;
before(async () => {
  server = await startServer();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

async function diagnosePaste(page, text) {
  await page.fill('textarea#paste', text);
  await page.click('button[type=submit]');
  await page.locator('li.step.current').waitFor();
}

/// Checks the page with axe-core and fails with every violation listed.
async function assertAccessible(page, where) {
  const v = await axeViolations(page);
  assert.deepEqual(v, [], `${where}:\n${v.join('\n')}`);
}

test('one step in focus: the current step is open, the others folded, and each answer moves focus and says so', async () => {
  const { context, page, errors } = await openPage(browser, server.url);
  await diagnosePaste(page, KB979906);
  const steps = page.locator('ol.steps > li.step');
  const n = await steps.count();
  assert.ok(n >= 4);
  // Every title with its risk is listed (the overview); only the current step's content is open.
  assert.equal(await steps.locator('.risk').count(), n);
  assert.equal(await page.locator('li.step.current .step-body').isVisible(), true);
  assert.equal(await steps.nth(1).locator('.step-body').isVisible(), false);
  assert.equal(await page.locator('li.step.current h3').textContent(), FIRST_DOTNET_STEP);
  // "Did that fix it?" is right under the step, on the first screen of a phone after the step's heading.
  const ask = await page.locator('li.step.current .did-it-work').boundingBox();
  const head = await page.locator('li.step.current h3').boundingBox();
  assert.ok(ask.y - head.y < 900, `the question is ${ask.y - head.y} px below the step's title`);

  await page.click('li.step.current button:has-text("No, next step")');
  assert.equal(await focused(page), '#step-2-title');
  const second = await steps.nth(1).locator('h3').textContent();
  assert.equal(await page.locator('#announcement').textContent(), `Step 2 of ${n}: ${second}`);
  // The tried step is folded, with its outcome.
  assert.match(await steps.nth(0).locator('.step-badge').textContent(), /Tried/);
  assert.equal(await steps.nth(0).locator('.step-body').isVisible(), false);

  await page.click('li.step.current button:has-text("Yes")');
  assert.equal(await focused(page), '#outcome-fixed-title');
  assert.match(await page.locator('#announcement').textContent(), /^Step 2 fixed it/);
  // The "fixed" message is next to the step that fixed it, not at the end of the guide.
  assert.equal(await steps.nth(1).locator('.outcome-fixed').count(), 1);
  assert.deepEqual(errors, []);
  await context.close();
});

test('axe-core finds no WCAG 2.2 AA violation at 360 and 1280 px, light and dark, from the start page to a fixed guide', async () => {
  for (const width of [360, 1280]) {
    for (const colorScheme of ['light', 'dark']) {
      const where = (s) => `${s} at ${width} px, ${colorScheme}`;
      const { context, page, errors } = await openPage(browser, server.url);
      await page.emulateMedia({ colorScheme });
      await page.setViewportSize({ width, height: 800 });
      await assertAccessible(page, where('the start page'));
      await page.click('summary:has-text("Where are my logs?")');
      await assertAccessible(page, where('the start page with "Where are my logs?" open'));
      await page.fill('textarea#paste', 'Error 0x80070643');
      await page.click('button[type=submit]');
      await page.locator('fieldset.question').first().waitFor();
      await assertAccessible(page, where('a result with a question'));
      await page.locator('fieldset.question button', { hasText: '.NET Framework' }).click();
      await page.locator('li.step.current').waitFor();
      await page.click('li.step.current button:has-text("No, next step")');
      await page.click('li.step.current button:has-text("No, next step")');
      await page.locator('li.step.tried').nth(1).locator('summary').click();
      await assertAccessible(page, where('mid-guide, a tried step opened'));
      await page.click('li.step.current button:has-text("Yes")');
      await page.locator('.outcome-fixed').waitFor();
      await assertAccessible(page, where('a fixed guide'));
      await page.locator('#share-title').scrollIntoViewIfNeeded();
      await page.locator('input[name=forum-format]').last().check();
      await assertAccessible(page, where('the share panel'));
      await page.click('#compose');
      await page.locator('#result-title', { hasText: 'Composing' }).waitFor();
      await assertAccessible(page, where('compose mode'));
      assert.deepEqual(errors, []);
      await context.close();
    }
  }
});

test('the keyboard alone goes from a paste to "fixed", with focus on what changed after every answer', async () => {
  const { context, page, errors } = await openPage(browser, server.url);
  await page.focus('textarea#paste');
  await page.keyboard.type('Error 0x80070643');
  await page.keyboard.press('Control+Enter');
  await page.locator('fieldset.question').first().waitFor();
  assert.equal(await focused(page), '#result-title');
  // Tab to the first choice of the question and answer it.
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    const t = await focused(page);
    if (t.includes('.NET Framework')) break;
  }
  assert.match(await focused(page), /\.NET Framework/);
  await page.keyboard.press('Enter');
  await page.locator('li.step.current').waitFor();
  // Focus is on the next open question, or on the first step when none is left.
  const afterAnswer = await focused(page);
  assert.ok(afterAnswer === '#step-1-title' || /^#q-.*-legend$/.test(afterAnswer), afterAnswer);
  while (/^#q-/.test(await focused(page))) {
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
  }
  assert.equal(await focused(page), '#step-1-title');
  // From the step's title, Tab reaches "No, next step" inside the step.
  const tabTo = async (label) => {
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      if ((await focused(page)).startsWith(`button:${label}`)) return;
    }
    assert.fail(`Tab never reached "${label}" (focus on ${await focused(page)})`);
  };
  await tabTo('No, next step');
  await page.keyboard.press('Enter');
  assert.equal(await focused(page), '#step-2-title');
  await tabTo('No, next step');
  await page.keyboard.press('Enter');
  assert.equal(await focused(page), '#step-3-title');
  await tabTo('Yes');
  await page.keyboard.press('Enter');
  assert.equal(await focused(page), '#outcome-fixed-title');
  assert.match(await page.locator('.outcome-fixed').textContent(), /Step 3 fixed it/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('at 360 px nothing scrolls sideways: long file names, long commands, the share panel', async () => {
  const { context, page, errors } = await openPage(browser, server.url);
  await page.setViewportSize({ width: 360, height: 740 });
  assert.deepEqual(await sidewaysOverflow(page), [], 'the start page');
  await page.click('summary:has-text("Where are my logs?")');
  assert.deepEqual(await sidewaysOverflow(page), [], 'the start page with the log paths');
  await page.setInputFiles('#file-input', { name: LONG_FILE_NAME, mimeType: 'text/plain', buffer: msiLogUtf16() });
  await page.locator('.file-list li').waitFor();
  assert.deepEqual(await sidewaysOverflow(page), [], 'with a long file name');
  await page.click('button[type=submit]');
  await page.locator('li.step.current').waitFor();
  // Open every folded step, so that every command is laid out.
  await page.evaluate(() => { for (const d of document.querySelectorAll('details')) d.open = true; });
  assert.ok((await page.locator('.command pre').count()) > 0, 'the guide has commands');
  assert.deepEqual(await sidewaysOverflow(page), [], 'a diagnosis with its guide and commands');
  await page.reload();
  await page.locator('textarea#paste').waitFor();
  await diagnosePaste(page, KB979906);
  await page.evaluate(() => { for (const d of document.querySelectorAll('details')) d.open = true; });
  assert.deepEqual(await sidewaysOverflow(page), [], 'the .NET guide');
  // At 200 % zoom a 720 px wide window is laid out like 360 px: the same check covers it.
  assert.deepEqual(errors, []);
  await context.close();
});

test('Back goes back one step of the guide, Forward comes back, and a reload shows the same step', async () => {
  const { context, page, errors } = await openPage(browser, server.url);
  await diagnosePaste(page, KB979906);
  const titles = await page.locator('ol.steps > li.step h3').allTextContents();
  await page.click('li.step.current button:has-text("No, next step")');
  await page.click('li.step.current button:has-text("No, next step")');
  assert.equal(await page.locator('li.step.current h3').textContent(), titles[2]);
  await page.goBack();
  await page.locator('li.step.current h3', { hasText: titles[1] }).waitFor();
  assert.equal(await focused(page), '#step-2-title');
  assert.equal(await page.locator('li.step.tried').count(), 1);
  await page.goForward();
  await page.locator('li.step.current h3', { hasText: titles[2] }).waitFor();
  await page.goBack();
  await page.locator('li.step.current h3', { hasText: titles[1] }).waitFor();

  // A reload brings the result back at the same step.
  await page.reload();
  await page.locator('li.step.current').waitFor();
  assert.equal(await page.locator('li.step.current h3').textContent(), titles[1]);
  assert.match(await page.locator('.result').textContent(), /KB979906/);
  // And Back still walks the guide after the reload.
  await page.click('li.step.current button:has-text("Yes")');
  await page.locator('.outcome-fixed').waitFor();
  await page.goBack();
  await page.locator('li.step.current h3', { hasText: titles[1] }).waitFor();
  assert.equal(await page.locator('.outcome-fixed').count(), 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test('after a reload, a result read from files names the files to choose again', async () => {
  const { context, page, errors } = await openPage(browser, server.url);
  await page.setInputFiles('#file-input', { name: 'MSI1935.LOG', mimeType: 'text/plain', buffer: msiLogUtf16() });
  await page.locator('.file-list', { hasText: 'MSI1935.LOG' }).waitFor();
  await page.click('button[type=submit]');
  await page.locator('li.step.current').waitFor();
  const step = await page.locator('li.step.current h3').textContent();
  await page.reload();
  await page.locator('li.step.current').waitFor();
  assert.equal(await page.locator('li.step.current h3').textContent(), step);
  assert.match(await page.locator('.notice').textContent(), /choose them again: MSI1935\.LOG/);
  assert.equal(await page.locator('.evidence .cause-line .line-no').textContent(), '18');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the examples diagnose without any input of ones own, and "Where are my logs?" lists the paths', async () => {
  const { context, page, errors } = await openPage(browser, server.url);
  await page.click('summary:has-text("Where are my logs?")');
  assert.match(await page.locator('.log-places').textContent(), /C:\\Windows\\Logs\\CBS\\CBS\.log/);
  assert.ok((await page.locator('.log-places button.copy').count()) >= 5);
  await page.click('#example-log');
  await page.locator('.evidence .cause-line').waitFor();
  assert.match(await page.locator('.evidence .cause-line').textContent(), /Error 1935/);
  assert.equal(await focused(page), '#result-title');
  await page.reload();
  await page.locator('li.step.current').waitFor();
  await page.locator('textarea#paste').waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test('evidence: every finding opens in its context, and next/previous error (buttons and N/P keys) walk the errors', async () => {
  const { context, page, errors } = await openPage(browser, server.url);
  await page.setInputFiles('#file-input', { name: 'MSI1935.LOG', mimeType: 'text/plain', buffer: msiLogUtf16() });
  await page.locator('.file-list', { hasText: 'MSI1935.LOG' }).waitFor();
  await page.click('button[type=submit]');
  await page.locator('li.step.current').waitFor();
  await page.click('details.findings > summary');
  // A finding opens with the lines around it.
  const first = page.locator('details.finding').first();
  await first.locator('> summary').click();
  assert.ok((await first.locator('.evidence-context .log-line').count()) > 1);
  assert.equal(await first.locator('.evidence-context .cause-line').count(), 1);
  // The errors one by one.
  await page.click('#next-error');
  await page.locator('#error-shown').waitFor();
  assert.equal(await focused(page), '#error-shown');
  const shown = page.locator('#error-shown .error-count');
  assert.match(await shown.textContent(), /^Error 1 of (\d+)$/);
  const total = Number(/of (\d+)/.exec(await shown.textContent())[1]);
  assert.ok(total >= 2, `${total} errors`);
  await page.keyboard.press('n');
  assert.equal(await shown.textContent(), `Error 2 of ${total}`);
  await page.keyboard.press('p');
  assert.equal(await shown.textContent(), `Error 1 of ${total}`);
  await page.click('#next-error');
  assert.equal(await shown.textContent(), `Error 2 of ${total}`);
  await assertAccessible(page, 'the errors walked one by one');
  assert.deepEqual(errors, []);
  await context.close();
});

test('at 200 % zoom (a 1280 px window: 640 CSS px at scale 2) the guide reads without sideways scrolling, and axe finds nothing', async () => {
  const context = await browser.newContext({ viewport: { width: 640, height: 450 }, deviceScaleFactor: 2 });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(server.url);
  await page.locator('textarea#paste').waitFor();
  await diagnosePaste(page, KB979906);
  await page.click('li.step.current button:has-text("No, next step")');
  await page.evaluate(() => { for (const d of document.querySelectorAll('details')) d.open = true; });
  assert.deepEqual(await sidewaysOverflow(page), []);
  await assertAccessible(page, 'mid-guide at 200 % zoom');
  assert.deepEqual(errors, []);
  await context.close();
});

test('steps come safest first, and the print view leaves out a question that is not answered', async () => {
  const { context, page, errors } = await openPage(browser, server.url);
  await page.fill('textarea#paste', 'Error 0x80070643');
  await page.click('button[type=submit]');
  await page.locator('fieldset.question').first().waitFor();
  const rank = { 'risk risk-safe': 0, 'risk risk-moderate': 1, 'risk risk-destructive': 2 };
  const risks = (await page.locator('ol.steps > li.step .risk').evaluateAll((es) => es.map((e) => e.className)))
    .map((c) => rank[c]);
  assert.ok(risks.length > 0);
  assert.deepEqual(risks, [...risks].sort((a, b) => a - b), 'risk order');
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('fieldset.question').first().isVisible(), false);
  // On paper every step is shown in full, folded or not.
  assert.equal(await page.locator('ol.steps > li.step').nth(1).locator('.step-body').isVisible(), true);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a phone is not offered Ctrl+Enter, a computer with a mouse is; the placeholder reads as a hint', async () => {
  const phone = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  const p = await phone.newPage();
  await p.goto(server.url);
  await p.locator('textarea#paste').waitFor();
  assert.doesNotMatch(await p.locator('#paste-help').textContent(), /Ctrl\+Enter/);
  await phone.close();
  const { context, page } = await openPage(browser, server.url);
  assert.match(await page.locator('#paste-help').textContent(), /Ctrl\+Enter/);
  // The placeholder is not in the typed text's monospace face, and starts with "For example".
  assert.match(await page.getAttribute('textarea#paste', 'placeholder'), /^For example/);
  await context.close();
});
