// Renders the Free Data Port report (English and Chinese) in headless Debian Chromium and checks
// what a reader and a printer get:
//
//   1. no console errors, no page errors, and no network request besides the page itself
//      (the report must be self-contained);
//   2. every section present, in filing order, with text;
//   3. no missing glyph: no U+FFFD in the text, and every distinct character of the page, drawn
//      with each font stack the page uses, differs from what that stack draws for a code point
//      no font has (U+10FFFD, plane-16 private use) — i.e. from the stack's "tofu" — and is not
//      blank. Canvas text goes through the same font fallback as the page, so this tests exactly
//      what the reader sees; `document.fonts.check()` cannot, because it answers `true` for any
//      system font that is not a loaded web font. Chromium's own account of the fonts it used
//      (CDP `CSS.getPlatformFontsForNode`) must show a CJK font for the Chinese page;
//   4. no horizontal overflow at 1280 px (screen) and at A4 print width (210 mm − 2 × 14 mm page
//      margins = 182 mm ≈ 688 CSS px, print media): neither the document nor any element reaches
//      past the viewport, and no table, cell or preformatted block scrolls sideways;
//   5. page.pdf() in A4 with the print stylesheet: a PDF with at least one page per section.
//
// Usage: node check-report.mjs DIR   (DIR holds en.html and zh.html; PDFs are written there)

import { chromium } from 'playwright-core';
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const SECTIONS = ['cover', 'decision', 'inventory', 'minimisation', 'recipient', 'risks', 'rights', 'evidence', 'signoff'];
const A4_PRINT_WIDTH = Math.floor(((210 - 2 * 14) / 25.4) * 96); // 687 px at 96 px/in
const dir = resolve(process.argv[2] ?? 'target/report-sample');
const failures = [];
const fail = (lang, what) => failures.push(`[${lang}] ${what}`);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  // Containers often run as root without a user namespace sandbox.
  args: ['--no-sandbox', '--font-render-hinting=none'],
});

try {
  // Both languages of the China → US fixture, and of a US → China transfer.
  for (const [name, lang] of [['en', 'en'], ['zh', 'zh'], ['us-cn.en', 'en'], ['us-cn.zh', 'zh']]) {
    const file = join(dir, `${name}.html`);
    const url = pathToFileURL(file).href;
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`console ${msg.type()}: ${msg.text()}`);
    });
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('request', (req) => {
      if (req.url() !== url) problems.push(`external request: ${req.url()}`);
    });
    await page.goto(url, { waitUntil: 'load' });
    await page.evaluate(() => document.fonts.ready);

    // 2. Sections.
    const found = await page.evaluate(() =>
      [...document.querySelectorAll('section[data-section]')].map((s) => ({ id: s.id, text: s.innerText.trim().length })),
    );
    const ids = found.map((s) => s.id);
    if (JSON.stringify(ids) !== JSON.stringify(SECTIONS)) fail(name, `sections ${ids.join(',')} != ${SECTIONS.join(',')}`);
    for (const s of found) if (s.text < 20) fail(name, `section ${s.id} is nearly empty`);

    // 3a. Replacement characters.
    const text = await page.evaluate(() => document.title + '\n' + document.body.innerText);
    if (text.includes('\uFFFD')) fail(name, 'U+FFFD replacement character in the text');

    // 3b. Tofu: every character against each font stack's missing-glyph drawing.
    const glyphs = await page.evaluate(() => {
      const families = new Set();
      const chars = new Set();
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const el = node.parentElement;
        if (!el || !node.data.trim()) continue;
        const family = getComputedStyle(el).fontFamily;
        families.add(family);
        for (const ch of node.data) chars.add(JSON.stringify([family, ch]));
      }
      for (const ch of document.title) chars.add(JSON.stringify([getComputedStyle(document.body).fontFamily, ch]));
      const canvas = document.createElement('canvas');
      canvas.width = 64;
      canvas.height = 64;
      const ctx = canvas.getContext('2d', { willReadFrequently: true });
      const draw = (family, ch) => {
        ctx.clearRect(0, 0, 64, 64);
        ctx.font = `40px ${family}`;
        ctx.textBaseline = 'top';
        ctx.fillStyle = '#000';
        ctx.fillText(ch, 4, 4);
        const data = ctx.getImageData(0, 0, 64, 64).data;
        let ink = 0;
        let hash = 0;
        for (let i = 3; i < data.length; i += 4) {
          ink += data[i];
          hash = (hash * 31 + data[i]) | 0;
        }
        return { ink, hash, width: ctx.measureText(ch).width };
      };
      const tofu = {};
      for (const family of families) tofu[family] = draw(family, '\u{10FFFD}');
      const missing = [];
      let checked = 0;
      for (const key of chars) {
        const [family, ch] = JSON.parse(key);
        // Spaces, controls and format characters draw nothing by design.
        if (/[\p{Z}\p{Cc}\p{Cf}]/u.test(ch)) continue;
        checked += 1;
        const g = draw(family, ch);
        const t = tofu[family];
        if (g.ink === 0) missing.push(`${ch} U+${ch.codePointAt(0).toString(16).toUpperCase()} blank in ${family}`);
        else if (g.hash === t.hash && g.ink === t.ink && g.width === t.width)
          missing.push(`${ch} U+${ch.codePointAt(0).toString(16).toUpperCase()} drawn as missing glyph in ${family}`);
      }
      return { checked, families: [...families], missing };
    });
    if (glyphs.checked < 50) fail(name, `only ${glyphs.checked} characters checked`);
    for (const m of glyphs.missing) fail(name, `missing glyph: ${m}`);

    // 3c. Which platform fonts Chromium actually used (CDP), over every element with text.
    const cdp = await context.newCDPSession(page);
    await cdp.send('DOM.enable');
    await cdp.send('CSS.enable');
    const { root } = await cdp.send('DOM.getDocument', { depth: -1 });
    const withText = [];
    const walk = (node) => {
      if ((node.children ?? []).some((c) => c.nodeType === 3 && c.nodeValue.trim())) withText.push(node.nodeId);
      for (const c of node.children ?? []) walk(c);
    };
    walk(root);
    const used = {};
    for (const nodeId of withText) {
      const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
      for (const f of fonts) used[f.familyName] = (used[f.familyName] ?? 0) + f.glyphCount;
    }
    const cjkGlyphs = Object.entries(used)
      .filter(([name]) => /CJK|Source Han|WenQuanYi|PingFang|YaHei/i.test(name))
      .reduce((n, [, count]) => n + count, 0);
    if (lang === 'zh' && cjkGlyphs < 1000) fail(name, `only ${cjkGlyphs} glyphs from a CJK font: ${JSON.stringify(used)}`);

    // 4. Overflow, at 1280 px on screen and at A4 width in print.
    const overflow = () =>
      page.evaluate(() => {
        const width = document.documentElement.clientWidth;
        const out = [];
        if (document.documentElement.scrollWidth > width) out.push(`document ${document.documentElement.scrollWidth} > ${width}`);
        for (const el of document.body.querySelectorAll('*')) {
          const r = el.getBoundingClientRect();
          if (r.width === 0 && r.height === 0) continue;
          if (r.right > width + 0.5) out.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} right edge ${Math.round(r.right)} > ${width}`);
          if (['TABLE', 'TD', 'TH', 'PRE', 'CODE', 'DD'].includes(el.tagName) && el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).display !== 'inline')
            out.push(`${el.tagName.toLowerCase()} scrolls sideways (${el.scrollWidth} > ${el.clientWidth})`);
        }
        return out.slice(0, 10);
      });
    for (const o of await overflow()) fail(name, `1280 px: ${o}`);
    await page.emulateMedia({ media: 'print' });
    await page.setViewportSize({ width: A4_PRINT_WIDTH, height: 1123 });
    for (const o of await overflow()) fail(name, `A4 print width ${A4_PRINT_WIDTH} px: ${o}`);

    // 5. PDF with the print stylesheet.
    const pdfPath = join(dir, `${name}.pdf`);
    await page.pdf({ path: pdfPath, format: 'A4', printBackground: true, preferCSSPageSize: true });
    const pdf = readFileSync(pdfPath);
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page(?!s)/g) ?? []).length;
    if (pdf.subarray(0, 5).toString() !== '%PDF-') fail(name, 'page.pdf() did not write a PDF');
    if (pages < SECTIONS.length) fail(name, `PDF has ${pages} pages, fewer than the ${SECTIONS.length} sections`);

    for (const p of problems) fail(name, p);
    console.log(
      `${name}: ${ids.length} sections, ${glyphs.checked} characters checked in ${glyphs.families.length} font stacks, ` +
        `${cjkGlyphs} CJK-font glyphs, fonts used ${JSON.stringify(used)}, PDF ${pages} pages (${statSync(pdfPath).size} bytes)`,
    );
    await context.close();
  }
} finally {
  await browser.close();
}

if (failures.length) {
  console.error(`browser test failed:\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
console.log('browser test passed');
