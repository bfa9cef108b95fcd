// The README's screenshots (issue 16), taken by the suite so that they cannot drift from the page: into a
// temporary folder on every run (the pictures are made and checked to be PNG files), into docs/ with
// UPDATE_SCREENSHOTS=1.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, launch, startServer } from './helpers.mjs';
import { takeScreenshots } from '../../scripts/screenshot.mjs';

let browser, server;
before(async () => {
  server = await startServer();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

test('screenshots of the start page, a diagnosis with evidence and a guide mid-way, at 360 and 1280 px', async () => {
  const update = process.env.UPDATE_SCREENSHOTS === '1';
  const out = update ? join(ROOT, 'docs') : mkdtempSync(join(tmpdir(), 'triage-shots-'));
  try {
    const files = await takeScreenshots(browser, server.url, out);
    assert.equal(files.length, 6);
    for (const f of files) {
      const png = readFileSync(f);
      assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG', f);
      assert.ok(png.length > 5000, `${f} is ${png.length} bytes`);
    }
  } finally {
    if (!update) rmSync(out, { recursive: true, force: true });
  }
});
