import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadContracts } from '../../generator/contracts/load.js';
import { renderSite } from '../../generator/docs/build.js';
import { diagramSvg } from '../../generator/docs/diagram-svg.js';
import { sourceFromRegistry, topicOfSubject } from '../../generator/docs/registry-source.js';
import type { SiteFiles } from '../../generator/docs/render.js';
import { buildSiteModel, relative, type EventPage } from '../../generator/docs/site-model.js';
import { sourceFromContracts, withLockFile } from '../../generator/docs/source.js';
import { paragraphs, safeHref } from '../../generator/docs/text.js';
import { MARKER_FILE, writeSite } from '../../generator/docs/write.js';
import { REPO_ROOT } from '../support/cli.js';

const HOSTILE = path.join(REPO_ROOT, 'test/docs/fixtures/hostile');

async function siteOf(root: string): Promise<SiteFiles> {
  const { contracts, diagnostics } = await loadContracts(root);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return renderSite(sourceFromContracts(contracts!));
}

const examples = await siteOf(REPO_ROOT);
const hostile = await siteOf(HOSTILE);

/** Every href and src in a page, with the page's own path to resolve them against. */
function references(html: string): string[] {
  return [...html.matchAll(/\s(?:href|src|action)="([^"]*)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
}

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

describe('docs site', () => {
  it('has an index, a page per domain and per event type, and its own assets', () => {
    const pages = [...examples.keys()].sort();
    expect(pages).toContain('index.html');
    expect(pages.filter((p) => p.startsWith('domains/'))).toHaveLength(6);
    expect(pages.filter((p) => p.startsWith('events/'))).toHaveLength(13);
    expect(pages).toContain('events/com.acme.project.ProjectCreated.html');
    expect(pages.filter((p) => p.startsWith('assets/')).sort()).toEqual(['assets/herald.css', 'assets/herald.js']);
  });

  it('is deterministic', async () => {
    const again = await siteOf(REPO_ROOT);
    expect([...again.keys()]).toEqual([...examples.keys()]);
    for (const [file, content] of examples) expect(again.get(file), file).toBe(content);
  });

  it('links only relatively, and every internal link resolves to a page or an anchor on it', () => {
    for (const [file, html] of examples) {
      if (!file.endsWith('.html')) continue;
      const ids = new Set([...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!));
      for (const ref of references(html)) {
        if (/^https?:\/\//.test(ref)) {
          // Only links in documentation text go elsewhere; resources never do.
          expect(html, `${file}: ${ref}`).toContain(`<a href="${ref.replace(/&/g, '&amp;')}" rel="noopener noreferrer">`);
          continue;
        }
        expect(ref, `${file}: ${ref}`).not.toMatch(/^(\/|[a-z]+:)/i);
        const [target, anchor] = ref.split('#');
        if (target === '') {
          expect(ids.has(anchor!), `${file}: #${anchor}`).toBe(true);
          continue;
        }
        const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(file), target!));
        expect(examples.has(resolved), `${file} → ${ref}`).toBe(true);
      }
    }
  });

  it('loads nothing from other hosts: no URL in the CSS or the script, a strict CSP in every page', () => {
    expect(examples.get('assets/herald.css')).not.toMatch(/url\(|@import|https?:/);
    expect(examples.get('assets/herald.js')).not.toMatch(/https?:|fetch\(|XMLHttpRequest|import\(/);
    for (const [file, html] of examples) {
      if (!file.endsWith('.html')) continue;
      expect(html).toContain(`content="default-src 'none'; style-src 'self'; script-src 'self';`);
      // No inline script or style: the CSP would block them, and nothing here needs them.
      expect(html.match(/<script\b[^>]*>/g)).toEqual([expect.stringMatching(/^<script src="(\.\.\/)?assets\/herald\.js" defer>$/)]);
      expect(html).not.toMatch(/\sstyle="|<style\b|\son[a-z]+="/i);
    }
  });

  it('escapes every value taken from a schema or domain.json', () => {
    for (const [file, html] of hostile) {
      if (!file.endsWith('.html')) continue;
      expect(html.match(/<script\b[^>]*>/g), file).toHaveLength(1);
      expect(html, file).not.toMatch(/<(img|iframe|svg|b)\s[^>]*on[a-z]+=/i);
      expect(html, file).not.toMatch(/href="\s*(javascript|data):/i);
      expect(html, file).not.toMatch(/<a href="javascript/i);
    }
    const domain = hostile.get('domains/evil.html')!;
    expect(domain).toContain('&lt;script&gt;window.__pwned &#x3D; &#x27;description&#x27;&lt;/script&gt;');
    // In the diagram the owner is SVG text, escaped by the SVG builder.
    expect(domain).toContain('&lt;script&gt;window.__pwned = &#39;owner&#39;&lt;/script&gt;</text>');
    // A URL followed by markup is cut at the quote and linked; the markup stays text.
    expect(domain).toContain('<a href="https://example.com/" rel="noopener noreferrer">https://example.com/</a>&quot;&gt;&lt;script&gt;');
    const json = hostile.get('events/com.evil.EvilJson.html')!;
    expect(json).toContain('&lt;img src&#x3D;x onerror&#x3D;&quot;window.__pwned');
  });

  it('shows the v1 → v2 diff with the added fields and the verdict', () => {
    const html = examples.get('events/com.acme.project.ProjectCreated.html')!;
    expect(html).toContain('<details class="diff" id="diff-v1-v2">');
    expect(html).toMatch(/Changes v1 → v2: 4 added, docs edited/);
    expect(html).toMatch(/<h3 class="added">Added<\/h3>\s*<ul class="diff-rows">\s*<li><code>budget<\/code>/);
    expect(html).toContain('✓ compatible (BACKWARD_TRANSITIVE)');
  });

  it('puts the key, since-version links and a valid example on the event page', async () => {
    const { contracts } = await loadContracts(REPO_ROOT);
    const model = buildSiteModel(sourceFromContracts(contracts!));
    const page = model.pages.find((p): p is EventPage => p.kind === 'event' && p.name === 'OrderPlaced')!;
    expect(page.fields.find((f) => f.isKey)?.path).toBe('orderId');
    expect(page.fields.find((f) => f.path === 'salesChannel')).toMatchObject({ since: 2, sinceHref: '#v2' });
    expect(page.example.valid).toBe(true);
    expect(page.versions.map((v) => v.version)).toEqual([3, 2, 1]);
    expect(page.facts.find((f) => f.label === 'Consumers')?.links?.map((l) => l.text)).toEqual(['payment-service', 'fulfillment-service', 'notification-service', 'project-service']);
    // A consumer that owns a domain links to it, so the diagrams can be followed.
    expect(page.facts.find((f) => f.label === 'Consumers')?.links?.find((l) => l.text === 'payment-service')?.href).toBe('../domains/payment.html');
  });
});

describe('lock file', () => {
  it('marks versions the lock records as published, with their registry ids, and the others as unpublished', async () => {
    const { contracts } = await loadContracts(REPO_ROOT);
    const v1 = contracts!.events.find((e) => e.label === 'ProjectCreated.v1')!;
    const source = withLockFile(sourceFromContracts(contracts!), {
      events: { [v1.type]: { '1': { fingerprint: v1.fingerprint, id: 7 }, '2': { fingerprint: 'sha256:edited' } } },
    });
    const event = source.events.find((e) => e.type === v1.type)!;
    expect(event.versions.map((v) => [v.version, v.published, v.registryId])).toEqual([
      [1, true, 7],
      [2, false, undefined],
    ]);
    const html = renderSite(source).get('events/com.acme.project.ProjectCreated.html')!;
    expect(html).toMatch(/<li id="v2" class="step">\s*<div class="step-head"><strong>v2<\/strong> <span class="badge">latest<\/span> <span class="badge unpublished"/);
    expect(html).toContain('registry id 7');
  });
});

describe('diagram', () => {
  it('escapes labels and links, and is deterministic', () => {
    const input = {
      idPrefix: 'x',
      title: 'a <b> "c"',
      description: "d & 'e'",
      producers: [{ id: 'p', label: '<script>alert(1)</script>', href: '"><script>' }],
      topics: [{ id: 't', label: 't&t', events: [{ id: 'e', label: '<img onerror=x>', href: 'events/e.html' }] }],
      consumers: [{ id: 'c', label: 'c', unknown: true }],
      edges: [
        { from: 'p', to: 't' },
        { from: 't', to: 'c' },
      ],
    };
    const svg = diagramSvg(input);
    expect(svg).toBe(diagramSvg(input));
    expect(svg).not.toMatch(/<script|<img/);
    expect(svg).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(svg).toContain('href="&quot;&gt;&lt;script&gt;"');
    expect(svg).toContain('<title id="x-title">a &lt;b&gt; &quot;c&quot;</title>');
    expect(svg.match(/<path class="dg-edge"/g)).toHaveLength(2);
    expect(svg).toContain('class="dg-node dg-service dg-unknown"');
  });
});

describe('text', () => {
  it('links only http(s) URLs', () => {
    expect(paragraphs('see https://a.example/x. and javascript:alert(1) or data:text/html,x')).toEqual([
      [{ text: 'see ' }, { text: 'https://a.example/x', href: 'https://a.example/x' }, { text: '. and javascript:alert(1) or data:text/html,x' }],
    ]);
    expect(safeHref('javascript:alert(1)')).toBeUndefined();
    expect(safeHref('https://user:pw@a.example/')).toBeUndefined();
    expect(paragraphs('one\n\ntwo')).toHaveLength(2);
  });

  it('computes relative paths from any page', () => {
    expect(relative('index.html', 'events/a.html')).toBe('events/a.html');
    expect(relative('events/a.html', 'domains/b.html')).toBe('../domains/b.html');
  });
});

describe('registry source', () => {
  it('derives topics from subject naming strategies', () => {
    expect(topicOfSubject('orders-value', 'com.x.Order')).toBe('orders');
    expect(topicOfSubject('order.events-com.x.OrderPlaced', 'com.x.OrderPlaced')).toBe('order.events');
    expect(topicOfSubject('com.x.OrderPlaced', 'com.x.OrderPlaced')).toBeUndefined();
  });

  it('groups subjects by topic and adds owners from contracts when it has them', async () => {
    const { contracts } = await loadContracts(REPO_ROOT);
    const project = contracts!.events.filter((e) => e.name === 'ProjectCreated');
    const subjects = [
      { subject: project[0]!.subject, compatibility: 'BACKWARD' as const, versions: project.map((e, i) => ({ version: e.version, id: 10 + i, schemaType: 'AVRO', schema: e.text })) },
      { subject: 'clicks-value', compatibility: 'NONE' as const, versions: [{ version: 1, id: 3, schemaType: 'JSON', schema: '{"title":"Click","type":"object","properties":{"x":{"type":"integer"}}}' }] },
      { subject: 'proto-value', compatibility: 'BACKWARD' as const, versions: [{ version: 1, id: 4, schemaType: 'PROTOBUF', schema: 'syntax = "proto3";' }] },
    ];
    const bare = sourceFromRegistry(subjects, { origin: 'registry test' });
    expect(bare.events.map((e) => [e.domain, e.name, e.format])).toEqual([
      ['clicks', 'Click', 'json'],
      ['project.events', 'ProjectCreated', 'avro'],
    ]);
    expect(bare.notes.join(' ')).toMatch(/proto-value/);
    const merged = sourceFromRegistry(subjects, { origin: 'registry test', contracts: contracts! });
    const event = merged.events.find((e) => e.name === 'ProjectCreated')!;
    expect(event).toMatchObject({ domain: 'project', key: 'projectId', compatibility: 'BACKWARD' });
    expect(event.versions.map((v) => v.registryId)).toEqual([10, 11]);
    expect(merged.domains.find((d) => d.name === 'project')?.owner).toBe('project-service');
    const html = renderSite(merged).get('events/com.acme.project.ProjectCreated.html')!;
    expect(html).toContain('registry id 11');
  });
});

describe('writing the site', () => {
  it('refuses a folder it did not write, and removes pages that are gone on a rebuild', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'herald-docs-write-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    await writeFile(path.join(dir, 'precious.txt'), 'keep me');
    await expect(writeSite(dir, examples)).rejects.toThrow(/not empty and was not written by herald docs/);
    await rm(path.join(dir, 'precious.txt'));
    const first = await writeSite(dir, examples);
    expect(first.files).toBe(examples.size);
    expect(JSON.parse(await readFile(path.join(dir, MARKER_FILE), 'utf8')).files).toContain('index.html');
    const smaller = new Map([...examples].filter(([file]) => !file.startsWith('events/com.acme.user.')));
    const second = await writeSite(dir, smaller);
    expect(second.removed).toBe(2);
    expect((await readdir(path.join(dir, 'events'))).some((f) => f.startsWith('com.acme.user.'))).toBe(false);
    await expect(writeSite(dir, new Map([['../escape.html', 'x']]))).rejects.toThrow(/outside the output folder/);
  });
});
