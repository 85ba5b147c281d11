// Page load of `scopelens explain --format html` pages in Chromium, for docs/performance.md:
//   node tests/html/page-load.mjs PAGE.html [PAGE.html …]
// For each page: the median of 3 loads of the moments the page's script finished (`ready`) and
// its first frame was drawn (`interactive`), counted by the page from the navigation's start.
import { chromium } from 'playwright-core';
import { pathToFileURL } from 'node:url';

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu'],
});
const median = xs => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const file of process.argv.slice(2)) {
  const ready = [], interactive = [];
  for (let run = 0; run < 3; run++) {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    await page.goto(pathToFileURL(file).href, { timeout: 300000 });
    await page.waitForSelector('body[data-interactive-at]', { timeout: 300000 });
    const t = await page.evaluate(() => [Number(document.body.dataset.readyAt), Number(document.body.dataset.interactiveAt)]);
    ready.push(t[0]); interactive.push(t[1]);
    await context.close();
  }
  console.log(`${file}: ready ${median(ready)} ms, interactive ${median(interactive)} ms (median of 3)`);
}
await browser.close();
