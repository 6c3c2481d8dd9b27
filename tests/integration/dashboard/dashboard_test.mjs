// Drives the operator dashboard in Debian's headless Chromium (playwright-core, never a
// downloaded browser) for tests/integration/test_dashboard.sh, which keeps the hub, the partner
// simulators and the store in its own hands. Protocol: one command per line on stdin, one answer
// per line on stdout: "ok [detail]" or "err <why>". Playwright's waits poll the live page, so a
// command returns as soon as the page shows what it waits for (or fails at its timeout).
//
//   open URL                     load the page (fresh profile, no token)
//   login TOKEN                  the token form must be shown; fill it and sign in
//   cards N                      wait for exactly N partner cards; answers "code=state ..." in order
//   state P S1,S2 [SECONDS]      wait until partner P's card has one of the states; answers it
//   metric P NAME                the number a card shows (pending, dead, dead_within_legal_deadline..)
//   first P                      partner P's card must be the first (worst first)
//   field P NAME [M>=N]          wait until card P shows its line NAME (recent | oldest |
//                                last_error | certificates), optionally until its figure M is at
//                                least N; answers "metric=value ... | the line's text", with
//                                M.days= and M.level= for a certificate expiry; the line must hold
//                                only the page's own elements (API text never becomes HTML)
//   signing                      the header's signing certificate expiry: "days level | text"
//   row LIST ID                  wait for the row ID in LIST (dead | quarantine)
//   replay LIST ID               press that row's Replay button; answers the notice or error text
//   empty LIST                   wait until LIST has no rows
//   click P pause|resume         press the card's Pause/Resume button
//   intake NAME                  the intake source's connection state (true | false)
//   cluster N                    wait for exactly N rows in the Cluster section; answers
//                                "state:age:in_flight:instance ..." (the row's cells) in order
//   screenshot PATH              full-page PNG
//   stale                        wait until the page says its data is stale (the hub is gone)
//   problems                     page errors and CSP violations seen so far (err if any)
//   quit
import { chromium } from 'playwright-core';
import { createInterface } from 'node:readline';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const WAIT_MS = Number(process.env.DASHBOARD_WAIT_MS || 20000);
const profileDir = mkdtempSync(join(process.env.WORK || tmpdir(), 'chromium-profile-'));

// As root, without network: no sandbox, no GPU, and nothing Chromium would fetch on its own.
const context = await chromium.launchPersistentContext(profileDir, {
  executablePath: CHROMIUM,
  headless: true,
  viewport: { width: 1600, height: 1000 },
  colorScheme: 'dark',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = context.pages()[0] || (await context.newPage());
const problems = [];
page.on('pageerror', (e) => problems.push('page error: ' + e.message));
page.on('console', (m) => {
  const t = m.text();
  // A 401 before the token is entered is logged by Chromium as a failed resource: expected.
  if (m.type() === 'error' && !t.startsWith('Failed to load resource')) problems.push('console: ' + t);
});

const card = (p) => page.locator(`#cards article.card[data-partner="${p}"]`);

async function run(cmd, args) {
  switch (cmd) {
    case 'open': {
      const res = await page.goto(args[0], { waitUntil: 'load' });
      if (!res || res.status() !== 200) throw new Error('GET / answered ' + (res && res.status()));
      const csp = (await res.allHeaders())['content-security-policy'] || '';
      return 'csp=' + JSON.stringify(csp);
    }
    case 'login': {
      const form = page.locator('#login');
      await form.waitFor({ state: 'visible', timeout: WAIT_MS });
      await page.getByLabel('Admin token').fill(args[0]);
      await form.getByRole('button', { name: 'Sign in' }).click();
      await form.waitFor({ state: 'hidden', timeout: WAIT_MS });
      const stored = await page.evaluate(() => [sessionStorage.getItem('ketenhub.adminToken'),
        localStorage.length, location.href]);
      if (stored[0] !== args[0]) throw new Error('token not in sessionStorage');
      if (stored[1] !== 0) throw new Error('something was put in localStorage');
      if (stored[2].includes(args[0])) throw new Error('the token is in the URL');
      return 'signed in';
    }
    case 'cards': {
      const n = Number(args[0]);
      await page.waitForFunction((k) => document.querySelectorAll('#cards article.card').length === k,
        n, { timeout: WAIT_MS });
      return (await page.$$eval('#cards article.card',
        (cs) => cs.map((c) => c.dataset.partner + '=' + c.dataset.state))).join(' ');
    }
    case 'state': {
      const [p, states, secs] = args;
      const want = states.split(',');
      await page.waitForFunction(([code, w]) => {
        const c = document.querySelector(`#cards article.card[data-partner="${code}"]`);
        return c && w.includes(c.dataset.state);
      }, [p, want], { timeout: secs ? Number(secs) * 1000 : WAIT_MS, polling: 100 });
      return await card(p).getAttribute('data-state');
    }
    case 'metric':
      return (await card(args[0]).locator(`[data-metric="${args[1]}"]`).first()
        .evaluate((e) => (e.querySelector('.n') || e).textContent)).trim();
    case 'first': {
      const first = await page.locator('#cards article.card').first().getAttribute('data-partner');
      if (first !== args[0]) throw new Error('first card is ' + first);
      return first;
    }
    case 'field': {
      const [p, name, cond] = args;
      const [m, min] = cond ? cond.split('>=') : [null, 0];
      const sel = `#cards article.card[data-partner="${p}"] [data-field="${name}"]`;
      await page.waitForFunction(([s, m, min]) => {
        const e = document.querySelector(s);
        if (!e || e.closest('[hidden]') || !e.textContent.trim()) return false;
        if (!m) return true;
        const f = e.querySelector(`[data-metric="${m}"]`);
        return f && Number(f.textContent) >= Number(min);
      }, [sel, m, min], { timeout: WAIT_MS, polling: 100 });
      return await page.$eval(sel, (e) => {
        // The page's own structure: spans and <b>s it made; API text (the last error) only as text.
        const own = [...e.querySelectorAll('*')].every((c) => ['B', 'SPAN'].includes(c.tagName)) &&
          [...e.querySelectorAll('.t')].every((c) => c.children.length === 0);
        if (!own) throw new Error('unexpected markup in ' + e.dataset.field + ': ' + e.innerHTML);
        const figs = [...e.querySelectorAll('[data-metric]')].filter((f) => !f.hidden).map((f) =>
          f.dataset.metric + '=' + f.textContent.replace(/\s+/g, '_') +
          (f.dataset.days !== undefined ? ' ' + f.dataset.metric + '.days=' + f.dataset.days + ' ' +
            f.dataset.metric + '.level=' + f.dataset.level : ''));
        return figs.join(' ') + ' | ' + [...e.childNodes].map((c) => c.textContent.trim())
          .filter(Boolean).join(' ').replace(/\s+/g, ' ');
      });
    }
    case 'signing': {
      const s = page.locator('#signing');
      await s.waitFor({ state: 'visible', timeout: WAIT_MS });
      return (await s.getAttribute('data-days')) + ' ' + (await s.getAttribute('data-level')) +
        ' | ' + (await s.textContent());
    }
    case 'row': {
      const row = page.locator(`table[data-list="${args[0]}"] tbody tr[data-id="${args[1]}"]`);
      await row.waitFor({ timeout: WAIT_MS });
      return (await row.innerText()).replace(/\s+/g, ' ');
    }
    case 'replay': {
      const row = page.locator(`table[data-list="${args[0]}"] tr[data-id="${args[1]}"]`);
      const before = await page.locator('#notice').textContent();
      await row.getByRole('button', { name: /^Replay / }).click();
      await page.waitForFunction((b) => {
        const n = document.getElementById('notice').textContent;
        return (n && n !== b) || document.getElementById('error').textContent;
      }, before, { timeout: WAIT_MS });
      const err = await page.locator('#error').textContent();
      if (err) throw new Error(err);
      return await page.locator('#notice').textContent();
    }
    case 'empty':
      await page.waitForFunction((n) => !document.querySelector(`table[data-list="${n}"] tbody tr`),
        args[0], { timeout: WAIT_MS });
      return 'empty';
    case 'click': {
      const name = (args[1] === 'pause' ? 'Pause ' : 'Resume ') + args[0];
      await card(args[0]).getByRole('button', { name }).click();
      return name;
    }
    case 'intake':
      return await page.locator(`#intake li[data-source="${args[0]}"]`).getAttribute('data-connected',
        { timeout: WAIT_MS });
    case 'cluster': {
      await page.waitForFunction((n) =>
        document.querySelectorAll('#cluster tr[data-instance]').length === n, Number(args[0]),
      { timeout: WAIT_MS });
      return await page.$$eval('#cluster tr[data-instance]', (rows) => rows.map((r) => {
        const td = [...r.querySelectorAll('td')].map((c) => c.textContent);
        return [r.dataset.state, td[4].replace(/ /g, '_'), td[6], td[0].replace(/ /g, '_')].join(':');
      }).join(' '));
    }
    case 'screenshot':
      await page.screenshot({ path: args[0], fullPage: true });
      return args[0];
    case 'stale':
      await page.locator('#updated.stale').waitFor({ timeout: WAIT_MS });
      return (await page.locator('#updated').textContent()) + ' / ' +
        (await page.locator('#error').textContent());
    case 'problems':
      if (problems.length) throw new Error(problems.join(' | '));
      return 'none';
    default:
      throw new Error('unknown command ' + cmd);
  }
}

async function close() {
  await context.close().catch(() => {});
  rmSync(profileDir, { recursive: true, force: true });
}
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => close().then(() => process.exit(1)));

const rl = createInterface({ input: process.stdin });
for await (const line of rl) {
  const [cmd, ...args] = line.trim().split(/\s+/);
  if (!cmd) continue;
  if (cmd === 'quit') break;
  try {
    const detail = await run(cmd, args);
    process.stdout.write('ok ' + String(detail ?? '').replace(/\n/g, ' ') + '\n');
  } catch (e) {
    process.stdout.write('err ' + String(e && e.message || e).split('\n')[0] + '\n');
  }
}
rl.close();
await close();
process.exit(0);
