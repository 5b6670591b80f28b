// Opens a page in headless Debian chromium (no browser download) and reports everything a
// person would notice as broken: console errors and warnings, uncaught exceptions, failed
// requests, requests leaving the file (the report must be self-contained), and pictures that
// did not decode. Prints one JSON line; exits 0 when clean, 1 when not, 77 when it cannot run.
//   node check_page.js /path/to/index.html [screenshot.png]
'use strict';
let chromium;
try {
  ({ chromium } = require('playwright-core'));
} catch (e) {
  console.log(JSON.stringify({ skip: 'playwright-core is not installed: ' + e.message }));
  process.exit(77);
}
const path = require('path');

(async () => {
  const file = path.resolve(process.argv[2]);
  const problems = [];
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
           '--disable-component-update', '--disable-sync'],
    timeout: 15000,
  });
  try {
    const page = await browser.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url().slice(0, 80)}`));
    page.on('request', (r) => {
      const url = r.url();
      if (!url.startsWith('file://') && !url.startsWith('data:')) problems.push(`outside request: ${url}`);
    });
    await page.goto('file://' + file, { waitUntil: 'load', timeout: 10000 });
    const facts = await page.evaluate(() => ({
      title: document.title,
      images: Array.from(document.images).map((i) => ({ ok: i.complete && i.naturalWidth > 0, w: i.naturalWidth })),
      tables: document.querySelectorAll('table').length,
      best: document.querySelectorAll('td.best').length,
      svgs: document.querySelectorAll('svg').length,
    }));
    for (const [i, img] of facts.images.entries()) if (!img.ok) problems.push(`picture ${i} did not decode`);
    if (process.argv[3]) await page.screenshot({ path: process.argv[3], fullPage: true });
    console.log(JSON.stringify({ ok: problems.length === 0, problems, ...facts }));
    process.exitCode = problems.length === 0 ? 0 : 1;
  } finally {
    await browser.close();
  }
})().catch((e) => {
  console.log(JSON.stringify({ ok: false, problems: ['cannot run chromium: ' + e.message] }));
  process.exit(1);
});
