// Trunk post-build hook (Trunk.toml): allows the page's one inline script, Trunk's loader, by its hash.
//
// www/index.html's Content-Security-Policy names the loader as 'loader-hash'; Trunk writes the loader inline
// into the built index.html, so its hash is only known here. This replaces the placeholder with
// 'sha256-<base64 of the loader's SHA-256>' for every inline script, so that no other inline script (one a log
// or a link managed to inject) can run: the policy has no 'unsafe-inline'. It fails the build when the
// placeholder or the loader is missing, rather than ship a page that cannot start.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error('csp-hash: TRUNK_STAGING_DIR is not set (run through trunk build)');
  process.exit(1);
}
const file = join(dir, 'index.html');
const html = readFileSync(file, 'utf8');
const PLACEHOLDER = "'loader-hash'";
if (!html.includes(PLACEHOLDER)) {
  console.error(`csp-hash: ${file} has no ${PLACEHOLDER} in its Content-Security-Policy`);
  process.exit(1);
}
// Inline scripts: a <script> tag without src, up to its closing tag. The hash covers the text between them,
// exactly as the browser sees it.
const hashes = [];
for (const m of html.matchAll(/<script(?![^>]*\ssrc=)[^>]*>([\s\S]*?)<\/script>/g)) {
  hashes.push(`'sha256-${createHash('sha256').update(m[1], 'utf8').digest('base64')}'`);
}
if (hashes.length === 0) {
  console.error(`csp-hash: no inline script (Trunk's loader) in ${file}`);
  process.exit(1);
}
// Only inside the policy's meta tag (a comment may name the placeholder too).
const meta = /(<meta[^>]*http-equiv="Content-Security-Policy"[^>]*content="[^"]*)'loader-hash'/;
if (!meta.test(html)) {
  console.error(`csp-hash: the Content-Security-Policy meta tag of ${file} has no ${PLACEHOLDER}`);
  process.exit(1);
}
writeFileSync(file, html.replace(meta, (_, before) => `${before}${hashes.join(' ')}`));
console.log(`csp-hash: ${file}: ${hashes.length} inline script(s) allowed by hash`);
