/// <reference lib="dom" />
/**
 * The docs site in a real browser (Debian's chromium through playwright-core): from file://,
 * under a base path over HTTP, in light and dark schemes, by keyboard, and against a schema whose
 * docs try to run code. Every test fails on a console error, a page error, a broken own file or
 * a request to any non-local address. One screenshot per page kind goes to test/artifacts/docs/.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadContracts } from '../../generator/contracts/load.js';
import { generateDocsSite } from '../../generator/docs/build.js';
import { sourceFromContracts } from '../../generator/docs/source.js';
import { REPO_ROOT } from '../support/cli.js';
import { ARTIFACTS, launchChromium, serveFolder, watchedPage, type WatchedPage } from './browser-support.js';

let browser: Browser;
let site: string;
let hostileSite: string;
const cleanups: (() => Promise<void>)[] = [];
const open: WatchedPage[] = [];

async function build(root: string): Promise<string> {
  const { contracts } = await loadContracts(root);
  const out = await mkdtemp(path.join(tmpdir(), 'herald-docs-site-'));
  cleanups.push(() => rm(out, { recursive: true, force: true }));
  await generateDocsSite(sourceFromContracts(contracts!), out);
  return out;
}

async function newPage(options: { colorScheme?: 'light' | 'dark'; width?: number } = {}): Promise<WatchedPage> {
  const watched = await watchedPage(browser, options);
  open.push(watched);
  return watched;
}

const fileUrl = (dir: string, file: string): string => pathToFileURL(path.join(dir, file)).href;

beforeAll(async () => {
  browser = await launchChromium();
  site = await build(REPO_ROOT);
  hostileSite = await build(path.join(REPO_ROOT, 'test/docs/fixtures/hostile'));
});

afterEach(async () => {
  const pages = open.splice(0);
  for (const { context } of pages) await context.close();
  // Checked after every test: any console error or non-local request fails the test that caused it.
  for (const { problems } of pages) expect(problems).toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  for (const cleanup of cleanups) await cleanup();
});

describe('docs site in chromium', () => {
  it('finds an event by search, opens its v1 → v2 diff and follows a link to the domain diagram (file://)', async () => {
    const { page, requests } = await newPage();
    await page.goto(fileUrl(site, 'index.html'));
    await expect.poll(() => page.locator('html.js').count()).toBe(1);
    await page.screenshot({ path: path.join(ARTIFACTS, 'index.png'), fullPage: true });

    await page.locator('#site-search').fill('projectcreated');
    await expect.poll(() => page.locator('[data-search]:visible').count()).toBe(1);
    await expect.poll(() => page.locator('#search-status').textContent()).toBe('1 of 13 event types match');
    await page.locator('[data-search]:visible a.event-link').click();
    await page.waitForURL(/events\/com\.acme\.project\.ProjectCreated\.html$/);
    expect(await page.locator('h1').textContent()).toContain('ProjectCreated');

    const diff = page.locator('#diff-v1-v2');
    expect(await diff.getAttribute('open')).toBeNull();
    await diff.locator('summary').click();
    await expect.poll(() => diff.getAttribute('open')).toBe('');
    const added = diff.locator('h3.added + ul.diff-rows');
    expect(await added.isVisible()).toBe(true);
    expect(await added.locator('code').allTextContents()).toEqual(['budget', 'budgetCurrency', 'tags', 'parentProjectId']);
    expect(await page.locator('#v2 .verdict').textContent()).toContain('compatible (BACKWARD_TRANSITIVE)');
    await page.screenshot({ path: path.join(ARTIFACTS, 'event.png'), fullPage: true });
    await diff.screenshot({ path: path.join(ARTIFACTS, 'event-diff.png') });

    await page.locator('.facts a', { hasText: 'project.events' }).click();
    await page.waitForURL(/domains\/project\.html$/);
    const diagram = page.locator('#diagram svg.dg');
    expect(await diagram.isVisible()).toBe(true);
    expect(await diagram.locator('text').allTextContents()).toEqual(expect.arrayContaining(['project-service', 'project.events', 'contract-service', 'notification-service']));
    await page.screenshot({ path: path.join(ARTIFACTS, 'domain.png'), fullPage: true });

    // From the diagram to the next domain: contract-service consumes project.events and owns contract.events.
    await diagram.locator('a', { hasText: 'contract-service' }).click();
    await page.waitForURL(/domains\/contract\.html$/);
    expect(requests.every((url) => url.startsWith('file://'))).toBe(true);
  });

  it('searches from any page through the header form and matches field names', async () => {
    const { page } = await newPage();
    await page.goto(fileUrl(site, 'events/com.acme.order.OrderPlaced.html'));
    await page.locator('#site-search').fill('expectedresumedate');
    await page.locator('#site-search').press('Enter');
    await page.waitForURL(/index\.html\?q=expectedresumedate$/);
    await expect.poll(() => page.locator('[data-search]:visible .event-link').allTextContents()).toEqual(['ProjectStatusChanged']);
    await page.locator('#site-search').fill('no such thing');
    await expect.poll(() => page.locator('#no-results').isVisible()).toBe(true);
  });

  it('is usable by keyboard: / to search, Enter to open, Tab to the skip link, details by keyboard', async () => {
    const { page } = await newPage();
    await page.goto(fileUrl(site, 'index.html'));
    await expect.poll(() => page.locator('html.js').count()).toBe(1);
    await page.keyboard.press('/');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('site-search');
    await page.keyboard.type('UserCreated');
    await page.keyboard.press('Enter');
    await page.waitForURL(/events\/com\.acme\.user\.UserCreated\.html$/);

    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');

    const summary = page.locator('#diff-v1-v2 > summary');
    await summary.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#diff-v1-v2').getAttribute('open')).toBe('');
    expect(await page.locator('#diff-v1-v2').textContent()).toContain('maxLength: 120 → 200');
    // A link into a closed <details> (the "since" column) opens it.
    await page.locator('a[href="#v2"]').first().focus();
    await page.keyboard.press('Enter');
    // Following an in-page link updates the URL after the key event returns.
    await expect.poll(() => page.url()).toMatch(/#v2$/);
  });

  it('copies the example payload with the copy button', async () => {
    const { page } = await newPage();
    await page.goto(fileUrl(site, 'events/com.acme.payment.PaymentProcessed.html'));
    const button = page.locator('#example button.copy');
    expect(await button.isVisible()).toBe(true);
    await button.click();
    await expect.poll(() => button.textContent()).toMatch(/Copied|Press Ctrl\+C/);
    const example = JSON.parse((await page.locator('#example-json').textContent()) ?? '') as Record<string, unknown>;
    expect(example['paymentId']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('follows the dark colour scheme', async () => {
    for (const [file, shot] of [
      ['index.html', 'index-dark.png'],
      ['events/com.acme.order.OrderPlaced.html', 'event-dark.png'],
      ['domains/order.html', 'domain-dark.png'],
    ] as const) {
      const { page } = await newPage({ colorScheme: 'dark' });
      await page.goto(fileUrl(site, file));
      const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      expect(background).toBe('rgb(15, 20, 25)');
      await page.screenshot({ path: path.join(ARTIFACTS, shot), fullPage: file !== 'events/com.acme.order.OrderPlaced.html' });
    }
  });

  it('works under a base path over HTTP, with relative links only', async () => {
    const server = await serveFolder(site, '/some/nested/base/');
    cleanups.push(server.close);
    const { page, requests } = await newPage({ width: 420 });
    await page.goto(server.url);
    await page.locator('a.event-link', { hasText: 'OrderPlaced' }).click();
    await page.waitForURL(/\/some\/nested\/base\/events\/com\.acme\.order\.OrderPlaced\.html$/);
    await page.locator('.crumbs a', { hasText: 'order' }).click();
    await page.waitForURL(/\/some\/nested\/base\/domains\/order\.html$/);
    await page.locator('.brand').click();
    await page.waitForURL(/\/some\/nested\/base\/index\.html$/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'index-narrow.png') });
    expect(requests.every((url) => url.startsWith(server.url))).toBe(true);
  });

  it('renders docs with <script>, <img onerror> and javascript: links as text; nothing executes', async () => {
    const { page } = await newPage();
    for (const file of ['index.html', 'domains/evil.html', 'events/com.evil.EvilHappened.html', 'events/com.evil.EvilJson.html']) {
      await page.goto(fileUrl(hostileSite, file));
      await expect.poll(() => page.locator('html.js').count()).toBe(1);
      // Open every <details>, so their content is parsed, shown and given the chance to misbehave.
      await page.evaluate(() => document.querySelectorAll('details').forEach((d) => ((d as HTMLDetailsElement).open = true)));
      const state = await page.evaluate(() => ({
        pwned: (window as unknown as { __pwned?: unknown }).__pwned,
        scripts: [...document.scripts].map((s) => s.getAttribute('src')),
        images: document.images.length,
        frames: document.querySelectorAll('iframe, object, embed').length,
        handlers: [...document.querySelectorAll('*')].flatMap((el) => [...el.attributes].filter((a) => a.name.startsWith('on')).map((a) => a.name)),
        badLinks: [...document.querySelectorAll('a')].map((a) => a.getAttribute('href') ?? '').filter((h) => !/^(https?:\/\/|#|[\w./-]+\.html(#.*)?$|\.\.\/)/.test(h)),
        svgs: [...document.querySelectorAll('svg')].map((s) => s.getAttribute('class')),
        text: document.body.innerText,
      }));
      expect(state.pwned, file).toBeUndefined();
      expect(state.scripts, file).toEqual([expect.stringMatching(/assets\/herald\.js$/)]);
      expect(state.images + state.frames, file).toBe(0);
      expect(state.handlers, file).toEqual([]);
      expect(state.badLinks, file).toEqual([]);
      expect(state.svgs.every((c) => c === 'dg'), file).toBe(true);
      if (file === 'domains/evil.html') {
        expect(state.text).toContain("<script>window.__pwned = 'description'</script>");
        expect(state.text).toContain('[link](javascript:window.__pwned=');
        expect(state.text).toContain("javascript:window.__pwned = 'runbook'");
        expect(await page.locator('a', { hasText: 'https://example.com/runbook' }).getAttribute('href')).toBe('https://example.com/runbook');
        await page.screenshot({ path: path.join(ARTIFACTS, 'hostile-domain.png'), fullPage: true });
      }
      if (file === 'events/com.evil.EvilHappened.html') {
        expect(state.text).toContain("</code></pre><script>window.__pwned = 'default'</script>");
        expect(state.text).toContain(`<svg onload="window.__pwned = 'v2'"></svg>`);
        await page.screenshot({ path: path.join(ARTIFACTS, 'hostile-event.png'), fullPage: true });
      }
      if (file === 'events/com.evil.EvilJson.html') {
        expect(state.text).toContain(`<img src=x onerror="window.__pwned = 'property-name'">`);
        // The example for `"pattern": "^<script>$"` is the string "<script>", shown as text.
        expect(await page.locator('#example-json').textContent()).toContain('"pattern": "<script>"');
      }
    }
    // Links in docs text are followed only for http(s); clicking the others does nothing.
    await page.goto(fileUrl(hostileSite, 'domains/evil.html'));
    expect(await page.locator('a[href^="javascript:"], a[href^="data:"]').count()).toBe(0);
  });
});
