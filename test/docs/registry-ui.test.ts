/// <reference lib="dom" />
/**
 * The docs pages served live from a registry: a subject registered through the Confluent REST
 * API shows up on the next page load, with its versions, diff, ids and level, in the browser.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadContracts } from '../../generator/contracts/load.js';
import { registerRegistryDocsUi } from '../../generator/docs/registry-ui.js';
import { startRegistryServer, type RunningRegistry } from '../../generator/registry/server/start.js';
import { RegistryService } from '../../generator/registry/service.js';
import { openStore } from '../../generator/registry/store/open.js';
import type { RegistryStore } from '../../generator/registry/store/store.js';
import { REPO_ROOT } from '../support/cli.js';
import { ARTIFACTS, launchChromium, watchedPage } from './browser-support.js';

const V1 = 'application/vnd.schemaregistry.v1+json';

async function post(base: string, urlPath: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${base}${urlPath}`, { method: 'POST', headers: { 'content-type': V1 }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const orderV1 = {
  type: 'record',
  name: 'OrderPlaced',
  namespace: 'com.shop',
  doc: 'An order was placed.',
  fields: [
    { name: 'orderId', type: 'string', doc: 'The order.' },
    { name: 'total', type: 'double', doc: 'Total amount.' },
  ],
};
const orderV2 = { ...orderV1, fields: [...orderV1.fields, { name: 'coupon', type: ['null', 'string'], default: null, doc: 'Coupon code, if any.' }] };

let dir: string;
let store: RegistryStore;
let registry: RunningRegistry;
let ui: FastifyInstance;
let uiUrl: string;
let browser: Browser;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'herald-docs-ui-'));
  store = await openStore(path.join(dir, 'store'));
  // The REST API and the pages read one store: a registration through one shows in the other.
  registry = await startRegistryServer({ store, host: '127.0.0.1', port: 0, logger: false });
  ui = Fastify({ logger: false });
  const { contracts } = await loadContracts(REPO_ROOT);
  await registerRegistryDocsUi(ui, new RegistryService(store), { title: 'Shop registry', contracts: async () => contracts });
  await ui.listen({ host: '127.0.0.1', port: 0 });
  const address = ui.server.address();
  uiUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await ui?.close();
  await registry?.close();
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('registry /ui', () => {
  it('shows a subject registered through the REST API a moment before', async () => {
    const before = await fetch(`${uiUrl}/ui/`);
    expect(before.status).toBe(200);
    expect(await before.text()).not.toContain('OrderPlaced');

    const subject = 'shop.orders-com.shop.OrderPlaced';
    const first = await post(registry.url, `/subjects/${encodeURIComponent(subject)}/versions`, { schema: JSON.stringify(orderV1) });
    expect(first.status).toBe(200);
    const second = await post(registry.url, `/subjects/${encodeURIComponent(subject)}/versions`, { schema: JSON.stringify(orderV2) });
    expect(second.status).toBe(200);
    // A subject whose name is markup: a registry accepts it, the pages must show it as text.
    const hostile = `<img src=x onerror="window.__pwned=1">-value`;
    expect((await post(registry.url, `/subjects/${encodeURIComponent(hostile)}/versions`, { schema: '{"type":"record","name":"Odd","fields":[{"name":"a","type":"string"}]}' })).status).toBe(200);
    // The contract set's ProjectCreated under its own subject: owners and consumers come from domain.json.
    const { contracts } = await loadContracts(REPO_ROOT);
    for (const e of contracts!.events.filter((x) => x.name === 'ProjectCreated')) {
      expect((await post(registry.url, `/subjects/${encodeURIComponent(e.subject)}/versions`, { schema: e.text })).status).toBe(200);
    }

    const { page, context, problems } = await watchedPage(browser);
    try {
      await page.goto(`${uiUrl}/ui`);
      expect(page.url()).toBe(`${uiUrl}/ui/`);
      await page.locator('#site-search').fill('orderplaced');
      await page.locator('#site-search').press('Enter');
      await page.waitForURL(/\/ui\/events\/com\.shop\.OrderPlaced\.html$/);
      const facts = await page.locator('.facts').innerText();
      expect(facts).toContain(subject);
      expect(facts).toContain('BACKWARD');
      expect(await page.locator('#v2').innerText()).toContain(`registry id ${String(second.body['id'])}`);
      await page.locator('#diff-v1-v2 > summary').click();
      expect(await page.locator('#diff-v1-v2 h3.added + ul').innerText()).toContain('coupon');
      expect(await page.locator('#v2 .verdict').innerText()).toContain('compatible (BACKWARD)');
      await page.screenshot({ path: path.join(ARTIFACTS, 'registry-ui-event.png'), fullPage: true });

      await page.goto(`${uiUrl}/ui/index.html`);
      const index = await page.locator('main').innerText();
      expect(index).toContain('<img src=x onerror="window.__pwned=1">');
      expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
      expect(await page.locator('main img').count()).toBe(0);
      await page.screenshot({ path: path.join(ARTIFACTS, 'registry-ui-index.png'), fullPage: true });

      await page.locator('a.event-link', { hasText: 'ProjectCreated' }).click();
      expect(await page.locator('.facts').innerText()).toMatch(/project-service[\s\S]*contract-service/);
    } finally {
      await context.close();
    }
    expect(problems).toEqual([]);
  });

  it('answers with HTML, a strict CSP and relative redirects', async () => {
    const redirect = await fetch(`${uiUrl}/ui?q=x`, { redirect: 'manual' });
    expect(redirect.status).toBe(308);
    expect(redirect.headers.get('location')).toBe('ui/?q=x');
    const index = await fetch(`${uiUrl}/ui/`);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect((await fetch(`${uiUrl}/ui/assets/herald.css`)).headers.get('content-type')).toBe('text/css; charset=utf-8');
    const missing = await fetch(`${uiUrl}/ui/events/nothing.html`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('href="../index.html"');
  });
});

describe('herald registry serve', () => {
  it('mounts the pages at /ui', async () => {
    const served = await startRegistryServer({ store: path.join(dir, 'served'), host: '127.0.0.1', port: 0, logger: false });
    try {
      const answer = await fetch(`${served.url}/ui/`, { headers: { accept: 'text/html' } });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await answer.text()).toContain('0 event types');
      await post(served.url, '/subjects/t-value/versions', { schema: JSON.stringify(orderV1) });
      expect(await (await fetch(`${served.url}/ui/`)).text()).toContain('OrderPlaced');
    } finally {
      await served.close();
    }
  });
});
