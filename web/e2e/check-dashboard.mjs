// Drives the port's dashboard as its users do, in headless Debian Chromium, against a real
// `freeport serve` started here with its own home (issue 18, "Browser tests"):
//
//   1. the operator makes a port and accounts; an exporter files two transfers with the
//      command line (one cleared at once, one needing China's review);
//   2. for each role (exporter, China reviewer, US reviewer, auditor) and each language, a person
//      signs in through the login form using only the keyboard, opens the role's main pages and
//      is refused a page of another role or tenant;
//   3. on every page: no console error, no request outside the port, no U+FFFD, Chromium drew the
//      Chinese pages with a CJK font, no horizontal overflow at 1280 px nor at A4 print width, and
//      axe-core finds no serious or critical violation;
//   4. a screenshot of each main page is written to the output directory;
//   5. the exporter files by uploading a facts file (a bad one refused with its line first);
//      on a third filing the exporter asks a question and a China reviewer whose key the port
//      holds decides in the browser (approve with conditions): the page then shows the decision,
//      the key that signed it (`li@port+…`) and its log entry;
//      another exporter files through the form drawn from the facts schema, in Chinese (a
//      refusal beside its field first, a table row added);
//   6. the exporter attaches a document (an empty file refused next to its field), sees its
//      SHA-256, contests a classification, and a China reviewer rejects the contest.
//
// Usage: FREEPORT=target/debug/freeport node check-dashboard.mjs [OUT_DIR]

import { chromium } from 'playwright-core';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

const root = resolve(import.meta.dirname, '../..');
const freeport = resolve(root, process.env.FREEPORT ?? 'target/debug/freeport');
const out = resolve(root, process.argv[2] ?? 'target/dashboard-sample');
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const A4_PRINT_WIDTH = Math.floor(((210 - 2 * 18) / 25.4) * 96); // the stylesheet's 18 mm margins
mkdirSync(out, { recursive: true });

const work = mkdtempSync(join(tmpdir(), 'freeport-dashboard-'));
const home = join(work, 'port');
const run = (args, env = {}) =>
  execFileSync(freeport, args, { cwd: root, env: { ...process.env, FREEPORT_HOME: home, ...env }, encoding: 'utf8' });

const failures = [];
const fail = (where, what) => failures.push(`[${where}] ${what}`);
let server;
let browser;

try {
  // 1. The port, its accounts and two filings.
  run(['init']);
  run(['log', 'keygen', '--name', 'wei.reviewer', '--out', join(work, 'wei')]);
  run(['log', 'keygen', '--name', 'sam.reviewer', '--out', join(work, 'sam')]);
  const add = (...args) => JSON.parse(run(['account', 'add', ...args, '--format', 'json'])).token;
  const tokens = {
    exporter: add('alice', '--role', 'exporter', '--organisation', 'acme', '--name', 'Alice Zhang'),
    other_exporter: add('bob', '--role', 'exporter', '--organisation', 'globex', '--name', 'Bob Li'),
    cn_reviewer: add('wei', '--role', 'cn_reviewer', '--name', 'Wei Li', '--public-key', join(work, 'wei.vkey')),
    us_reviewer: add('sam', '--role', 'us_reviewer', '--name', 'Sam Park', '--public-key', join(work, 'sam.vkey')),
    auditor: add('audrey', '--role', 'auditor', '--name', 'Audrey Chen'),
    cn_reviewer_port_key: add('li', '--role', 'cn_reviewer', '--name', 'Li Na', '--key-held-by-port'),
  };
  server = spawn(freeport, ['serve', '--listen', '127.0.0.1:0'], {
    cwd: root,
    env: { ...process.env, FREEPORT_HOME: home },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise((done, failed) => {
    createInterface({ input: server.stdout }).once('line', done);
    server.once('exit', (code) => failed(new Error(`freeport serve exited with ${code}`)));
  });
  const base = line.split(/\s+/).find((w) => w.startsWith('http://')).replace(/\/api\/v1$/, '');
  const file = (name, token) => {
    const args = ['file', `examples/port/filings/${name}.toml`, '--format', 'json'];
    const env = { FREEPORT_PORT_URL: base, FREEPORT_TOKEN: token };
    try {
      return JSON.parse(run(args, env)).id;
    } catch (e) {
      // Exit 1: filed, waiting for review.
      if (e.status === 1) return JSON.parse(e.stdout).id;
      throw e;
    }
  };
  const review = file('china-review', tokens.exporter);
  const cleared = file('cleared-at-once', tokens.other_exporter);
  const decided = file('china-review', tokens.exporter);

  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--font-render-hinting=none'],
  });

  // (role, its main pages, a page it must be refused, expected status)
  const plans = {
    exporter: { pages: ['/filings', `/filings/${review}`, '/statistics', '/chips', '/chips/screen'], refused: [`/filings/${cleared}`, 404] },
    cn_reviewer: { pages: ['/queue', `/filings/${review}`, '/statistics', '/chips'], refused: [`/filings/${cleared}`, 404] },
    us_reviewer: { pages: ['/queue'], refused: [`/filings/${review}`, 404] },
    auditor: { pages: ['/filings', `/filings/${review}`, `/filings/${cleared}`, '/statistics'], refused: ['/queue', 403] },
  };

  for (const lang of ['en', 'zh']) {
    // The public page, with no account.
    {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: lang === 'zh' ? 'zh-CN' : 'en-US', bypassCSP: true });
      const page = await context.newPage();
      const problems = watch(page, base);
      for (const path of ['/publications', '/log', '/verify']) {
        const response = await page.goto(`${base}${path}`);
        if (response.status() !== 200) fail(`${lang} public`, `${path}: HTTP ${response.status()}`);
        await checkPage(page, `${lang} public ${path}`, lang, problems);
        await page.screenshot({ path: join(out, `${lang}${path.replaceAll('/', '-')}.png`), fullPage: true });
      }
      await context.close();
    }
    for (const [role, plan] of Object.entries(plans)) {
      const where = `${lang} ${role}`;
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: lang === 'zh' ? 'zh-CN' : 'en-US', bypassCSP: true });
      const page = await context.newPage();
      const problems = watch(page, base);
      // Sign in with the keyboard only: Tab to the token field, type, Enter.
      await page.goto(`${base}/login`);
      let focused = '';
      for (let i = 0; i < 20 && focused !== 'token'; i++) {
        await page.keyboard.press('Tab');
        focused = await page.evaluate(() => document.activeElement?.id ?? '');
      }
      if (focused !== 'token') fail(where, 'the token field cannot be reached with Tab');
      await page.keyboard.type(tokens[role]);
      await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.keyboard.press('Enter')]);
      if (!new URL(page.url()).pathname.startsWith(plan.pages[0].split('/').slice(0, 2).join('/')))
        fail(where, `signed in to ${page.url()}, expected ${plan.pages[0]}`);
      for (const path of plan.pages) {
        const response = await page.goto(`${base}${path}`);
        if (response.status() !== 200) fail(where, `${path}: HTTP ${response.status()}`);
        if (response.headers()['cache-control'] !== 'no-store') fail(where, `${path} may be cached`);
        await checkPage(page, `${where} ${path}`, lang, problems);
        const name = path.replace(/^\//, '').replace(/F-\d{4}-\d+/, 'filing').replaceAll('/', '-');
        await page.screenshot({ path: join(out, `${lang}-${role}-${name}.png`), fullPage: true });
      }
      const [path, status] = plan.refused;
      const response = await page.goto(`${base}${path}`);
      if (response.status() !== status) fail(where, `${path}: HTTP ${response.status()}, expected ${status}`);
      await context.close();
    }
  }

  // 5. A question from the exporter, then a decision made in the browser (Chinese), signed by
  //    the port with the key it holds for the reviewer.
  const signIn = async (token, locale) => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale, bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`${base}/login`);
    await page.fill('#token', token);
    await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.press('#token', 'Enter')]);
    return { context, page, problems: watch(page, base) };
  };
  {
    const { context, page, problems } = await signIn(tokens.exporter, 'en-US');
    await page.goto(`${base}/filings/${decided}`);
    await page.fill('#message-body', 'The standard contract annex is attached as version 3.');
    await Promise.all([page.waitForURL((u) => u.hash === '#message-1'), page.getByRole('button', { name: 'Send' }).click()]);
    if (!(await page.locator('#message-1').innerText()).includes('annex is attached'))
      fail('en exporter question', 'the question is not shown on the case');
    await checkPage(page, 'en exporter question', 'en', problems);
    await context.close();
  }
  {
    const where = 'zh cn_reviewer decides';
    const { context, page, problems } = await signIn(tokens.cn_reviewer_port_key, 'zh-CN');
    await page.goto(`${base}/filings/${decided}`);
    await checkPage(page, `${where} (form)`, 'zh', problems);
    await page.screenshot({ path: join(out, 'zh-cn_reviewer-decide.png'), fullPage: true });
    // A refusal without reasons is refused next to its field, the choice kept.
    await page.getByLabel('不予批准').check();
    const refused = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/decision')), page.getByRole('button', { name: '签署并记录决定' }).click()]);
    if (refused[0].status() !== 422) fail(where, `a refusal without reasons: HTTP ${refused[0].status()}, expected 422`);
    if (!(await page.getByLabel('不予批准').isChecked())) fail(where, 'the refused form lost the choice made');
    if ((await page.locator('#decide-reasons').getAttribute('aria-invalid')) !== 'true') fail(where, 'the reasons field is not marked invalid');
    await checkPage(page, `${where} (refused form)`, 'zh', problems.filter((p) => !p.includes('422')));
    problems.splice(0);
    await page.getByLabel('附条件批准').check();
    await page.fill('#decide-conditions', '每年更新标准合同附件。\n境外接收方再转移前须告知。');
    await Promise.all([page.waitForURL((u) => u.pathname === `/filings/${decided}`), page.getByRole('button', { name: '签署并记录决定' }).click()]);
    const text = await page.locator('main').innerText();
    if (!text.includes('li@port+')) fail(where, 'the signing key is not shown after deciding');
    if (!text.includes('附条件批准')) fail(where, 'the decision is not shown after deciding');
    if (await page.locator('input[name="verdict"]').count()) fail(where, 'the form is still offered after deciding');
    await checkPage(page, `${where} (decided)`, 'zh', problems);
    await page.screenshot({ path: join(out, 'zh-cn_reviewer-decided.png'), fullPage: true });
    await context.close();
  }
  {
    // Filing by upload (another organisation, so the decision above was judged against the
    // volumes it saw): a facts file with an unknown category is refused with its line, then
    // the bundled file is filed and the browser lands on the new filing.
    const { context, page, problems } = await signIn(tokens.other_exporter, 'en-US');
    await page.goto(`${base}/filings`);
    const good = readFileSync(join(root, 'examples/port/filings/cleared-at-once.toml'), 'utf8');
    await page.setInputFiles('#facts-file', { name: 'transfer.toml', mimeType: 'application/toml', buffer: Buffer.from(good.replace('contact.phone', 'contact.fone')) });
    await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: 'File', exact: true }).click()]);
    if (!(await page.locator('section.upload').innerText()).includes('line ')) fail('en exporter upload', 'a bad facts file is not refused with its line');
    await checkPage(page, 'en exporter upload (refused)', 'en', problems.filter((p) => !p.includes('422')));
    problems.splice(0);
    await page.setInputFiles('#facts-file', { name: 'transfer.toml', mimeType: 'application/toml', buffer: Buffer.from(good) });
    await Promise.all([page.waitForURL((u) => /^\/filings\/F-/.test(u.pathname)), page.getByRole('button', { name: 'File', exact: true }).click()]);
    await checkPage(page, 'en exporter upload (filed)', 'en', problems);
    await page.screenshot({ path: join(out, 'en-exporter-uploaded.png'), fullPage: true });
    await context.close();
  }
  {
    // Filing through the form drawn from the facts schema, in Chinese (the other organisation
    // again): "add a row" adds an inventory row without filing; a missing scenario is refused
    // next to its field with what was typed kept; then the form is filed and the browser lands
    // on the new filing.
    const where = 'zh exporter files through the form';
    const { context, page, problems } = await signIn(tokens.other_exporter, 'zh-CN');
    await page.goto(`${base}/filings`);
    await Promise.all([page.waitForURL((u) => u.pathname === '/filings/new'), page.getByRole('link', { name: '在表单中逐项填写出境事实' }).click()]);
    await checkPage(page, `${where} (form)`, 'zh', problems);
    await page.screenshot({ path: join(out, 'zh-exporter-form.png'), fullPage: true });
    await page.fill('#f-format', '1');
    await page.fill('#f-date', '2026-06-15');
    await page.selectOption('#f-transaction', 'vendor');
    const facts = {
      'exporter-name': 'Example Marketplace (Hangzhou) Co., Ltd.', 'exporter-jurisdiction': 'cn',
      'recipient-name': 'Example Outdoor Gear, Inc.', 'recipient-country': 'us',
      'data-individuals': '1500', 'data-inventory-0-category': 'person.name', 'data-inventory-0-individuals': '1500',
    };
    for (const [id, value] of Object.entries(facts)) await page.fill(`#f-${id}`, value);
    for (const id of ['exporter-ciio', 'exporter-us_person', 'exporter-data_broker', 'exporter-owned_25pct_by_country_of_concern',
      'recipient-covered_person', 'recipient-padfa_controlled', 'recipient-foreign_judicial_or_law_enforcement',
      'recipient-cac_restricted_list', 'recipient-cloud_computing', 'data-important_data', 'data-us_government_related'])
      await page.selectOption(`#f-${id}`, 'false');
    await page.selectOption('#f-recipient-relationship', 'customer');
    await page.getByLabel('客户或消费者').check();
    await page.selectOption('#f-data-inventory-0-collected_in', 'cn');
    await page.selectOption('#f-data-inventory-0-form', 'raw');
    // A table grows by a row without filing, keeping what was typed.
    await Promise.all([page.waitForLoadState('load'), page.locator('button[name="_add"][value="data.inventory"]').click()]);
    await page.locator('#f-data-inventory-1-category').waitFor();
    if ((await page.locator('#f-data-inventory-0-category').inputValue()) !== 'person.name') fail(where, 'adding a row lost what was typed');
    await page.fill('#f-data-inventory-1-category', 'contact.phone');
    await page.fill('#f-data-inventory-1-individuals', '1500');
    await page.selectOption('#f-data-inventory-1-collected_in', 'cn');
    await page.selectOption('#f-data-inventory-1-form', 'raw');
    // No scenario: refused beside the field, nothing filed, the rest kept.
    const refused = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: '提交申报' }).first().click()]);
    if (refused[0].status() !== 422) fail(where, `no scenario: HTTP ${refused[0].status()}, expected 422`);
    await page.locator('#f-scenario-error').waitFor();
    if ((await page.locator('#f-scenario').getAttribute('aria-invalid')) !== 'true') fail(where, 'the scenario is not marked invalid');
    if ((await page.locator('#f-data-inventory-1-category').inputValue()) !== 'contact.phone') fail(where, 'the refused form lost what was typed');
    await checkPage(page, `${where} (refused)`, 'zh', problems.filter((p) => !p.includes('422')));
    problems.splice(0);
    await page.screenshot({ path: join(out, 'zh-exporter-form-refused.png'), fullPage: true });
    await page.selectOption('#f-scenario', 'contract_shopping');
    await Promise.all([page.waitForURL((u) => /^\/filings\/F-/.test(u.pathname)), page.getByRole('button', { name: '提交申报' }).first().click()]);
    await checkPage(page, `${where} (filed)`, 'zh', problems);
    await context.close();
  }
  {
    // 6. The exporter attaches a document in Chinese (an empty file refused next to its field,
    //    the kind kept), then contests a classification; a China reviewer rejects the contest.
    const where = 'zh exporter attaches';
    const { context, page, problems } = await signIn(tokens.exporter, 'zh-CN');
    await page.goto(`${base}/filings/${review}`);
    await page.selectOption('#attach-kind', 'standard_contract');
    await page.setInputFiles('#attach-document', { name: 'contract.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(0) });
    const refused = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/attachments')), page.getByRole('button', { name: '附上' }).click()]);
    if (refused[0].status() !== 422) fail(where, `an empty file: HTTP ${refused[0].status()}, expected 422`);
    if ((await page.locator('#attach-document').getAttribute('aria-invalid')) !== 'true') fail(where, 'the file field is not marked invalid');
    if ((await page.locator('#attach-kind').inputValue()) !== 'standard_contract') fail(where, 'the refused form lost the kind chosen');
    await checkPage(page, `${where} (refused)`, 'zh', problems.filter((p) => !p.includes('422')));
    problems.splice(0);
    const contract = Buffer.from('%PDF-1.7 the signed standard contract\n');
    const sha256 = (await import('node:crypto')).createHash('sha256').update(contract).digest('hex');
    await page.setInputFiles('#attach-document', { name: 'contract.pdf', mimeType: 'application/pdf', buffer: contract });
    await Promise.all([page.waitForURL((u) => u.hash === '#attachment-1'), page.getByRole('button', { name: '附上' }).click()]);
    if (!(await page.locator('#attachment-1').innerText()).includes(sha256)) fail(where, 'the attachment\'s SHA-256 is not shown');
    await checkPage(page, `${where} (attached)`, 'zh', problems);
    await page.screenshot({ path: join(out, 'zh-exporter-attached.png'), fullPage: true });
    await page.selectOption('#contest-entry', { index: 0 });
    await page.fill('#contest-becomes', 'not_personal_data');
    await page.fill('#contest-justification', '该列为工厂所在地名称，并非人名。');
    await Promise.all([page.waitForURL((u) => u.hash === '#contest-1'), page.getByRole('button', { name: '提出异议' }).click()]);
    await checkPage(page, 'zh exporter contests', 'zh', problems);
    await context.close();
  }
  {
    const where = 'en cn_reviewer rules on a contest';
    const { context, page, problems } = await signIn(tokens.cn_reviewer_port_key, 'en-US');
    await page.goto(`${base}/filings/${review}`);
    await page.getByLabel('Reject: the classification stands').check();
    await page.fill('#ruling-1', 'The column holds the names of contact persons.');
    await Promise.all([page.waitForURL((u) => u.hash === '#contest-1'), page.getByRole('button', { name: 'Rule', exact: true }).click()]);
    if (!(await page.locator('#contest-1').innerText()).includes('Rejected')) fail(where, 'the ruling is not shown');
    await checkPage(page, where, 'en', problems);
    await context.close();
  }
} finally {
  await browser?.close();
  server?.kill();
  rmSync(work, { recursive: true, force: true });
}

if (failures.length) {
  console.error(`dashboard: ${failures.length} problem(s)\n${failures.join('\n')}`);
  process.exit(1);
}
console.log(`dashboard: every role's pages pass in both languages; screenshots in ${out}`);

/** Collects console errors and requests that leave the port. */
function watch(page, base) {
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('request', (req) => {
    if (!req.url().startsWith(base)) problems.push(`request outside the port: ${req.url()}`);
  });
  return problems;
}

async function checkPage(page, where, lang, problems) {
  await page.evaluate(() => document.fonts.ready);
  for (const p of problems.splice(0)) fail(where, p);
  const htmlLang = await page.evaluate(() => document.documentElement.lang);
  if (htmlLang !== (lang === 'zh' ? 'zh-CN' : 'en')) fail(where, `<html lang="${htmlLang}">`);
  const text = await page.evaluate(() => document.title + '\n' + document.body.innerText);
  if (text.includes('\uFFFD')) fail(where, 'U+FFFD in the text');
  if (lang === 'zh') {
    // Chromium's own account of the fonts it drew the heading with must name a CJK font.
    const session = await page.context().newCDPSession(page);
    await session.send('DOM.enable');
    await session.send('CSS.enable');
    const { root } = await session.send('DOM.getDocument');
    const { nodeId } = await session.send('DOM.querySelector', { nodeId: root.nodeId, selector: 'h1' });
    const { fonts } = await session.send('CSS.getPlatformFontsForNode', { nodeId });
    if (!fonts.some((f) => /CJK|Han|Hei|Song|Ming|PingFang|YaHei/i.test(f.familyName)))
      fail(where, `the heading is drawn with ${fonts.map((f) => f.familyName).join(', ')}, no CJK font`);
    await session.detach();
  }
  for (const [width, media] of [[1280, 'screen'], [A4_PRINT_WIDTH, 'print']]) {
    await page.setViewportSize({ width, height: 900 });
    await page.emulateMedia({ media });
    const over = await page.evaluate(() => {
      const limit = document.documentElement.clientWidth;
      const wide = [...document.querySelectorAll('body *')].filter((el) => el.getBoundingClientRect().right > limit + 1);
      return { doc: document.documentElement.scrollWidth > limit + 1, wide: wide.slice(0, 3).map((el) => el.tagName + '.' + el.className) };
    });
    if (over.doc || over.wide.length) fail(where, `overflows at ${width} px (${media}): ${over.wide.join(', ')}`);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.emulateMedia({ media: 'screen' });
  await page.addScriptTag({ content: axeSource });
  const results = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  for (const v of results.violations)
    if (v.impact === 'serious' || v.impact === 'critical') fail(where, `axe ${v.impact}: ${v.id} (${v.nodes.length} nodes) ${v.help}`);
}
