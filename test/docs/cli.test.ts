/** `herald docs` as a user runs it: the compiled binary in a child process. */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startRegistryServer } from '../../generator/registry/server/start.js';
import { copyTree, REPO_ROOT, runHerald, STACK_TRACE } from '../support/cli.js';
import { listFiles } from '../support/files.js';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function scratch(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'herald-docs-cli-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe('herald docs', () => {
  it('writes the site for the example contracts, and the same bytes again on a rebuild', async () => {
    const out = path.join(await scratch(), 'site');
    const run = await runHerald(['docs', '--out', out]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/✓ 13 event types in 6 domains from contracts in schemas\/: 20 pages \(\d+ kB\) in .*site\/\n {2}open .*site\/index\.html\n/);
    const files = await listFiles(out);
    expect(files).toContain('index.html');
    expect(files).toContain('events/com.acme.order.OrderPlaced.html');
    const before = await Promise.all(files.map((f) => readFile(path.join(out, f), 'utf8')));
    expect((await runHerald(['docs', '--out', out])).code).toBe(0);
    const after = await Promise.all(files.map((f) => readFile(path.join(out, f), 'utf8')));
    expect(after).toEqual(before);
  });

  it('refuses a folder it did not write, and contracts with errors (exit 2, no stack trace)', async () => {
    const dir = await scratch();
    await writeFile(path.join(dir, 'notes.txt'), 'mine');
    const refused = await runHerald(['docs', '--out', dir]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/is not empty and was not written by herald docs/);
    expect(await readFile(path.join(dir, 'notes.txt'), 'utf8')).toBe('mine');

    const { dir: broken, cleanup } = await copyTree(path.join(REPO_ROOT, 'test/fixtures/lint/base'));
    cleanups.push(cleanup);
    await writeFile(path.join(broken, 'schemas/shop/OrderPlaced.v2.avsc'), '{"type": "record", "name": "OrderPlaced", "fields": [}');
    const invalid = await runHerald(['docs', '--out', path.join(broken, 'site'), '--cwd', broken]);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/JSON_SYNTAX/);
    expect(invalid.stderr).not.toMatch(STACK_TRACE);

    const usage = await runHerald(['docs']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/Missing required argument: out/);
  });

  it('reads the history from a registry with --registry, and says when it cannot reach it', async () => {
    const dir = await scratch();
    const registry = await startRegistryServer({ store: path.join(dir, 'store'), host: '127.0.0.1', port: 0, logger: false });
    cleanups.push(() => registry.close());
    const schema = JSON.stringify({ type: 'record', name: 'Ping', namespace: 'com.x', fields: [{ name: 'id', type: 'string' }] });
    const registered = await fetch(`${registry.url}/subjects/pings-value/versions`, { method: 'POST', headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' }, body: JSON.stringify({ schema }) });
    expect(registered.status).toBe(200);
    const out = path.join(dir, 'site');
    const run = await runHerald(['docs', '--registry', registry.url, '--out', out, '--title', 'Live']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`from registry ${registry.url}`);
    const page = await readFile(path.join(out, 'events/com.x.Ping.html'), 'utf8');
    expect(page).toContain('<title>Ping v1 · Live</title>');
    expect(page).toContain('pings-value');

    const unreachable = await runHerald(['docs', '--registry', 'http://127.0.0.1:9', '--out', path.join(dir, 'other')]);
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).toMatch(/unreachable/);
    expect(unreachable.stderr).not.toMatch(STACK_TRACE);
  });

  it('is listed as available in --help', async () => {
    const help = await runHerald(['--help']);
    expect(help.stdout).toMatch(/herald docs\s+Render a static schema-browsing site/);
    expect(help.stdout).not.toMatch(/docs.*coming: issue #6/);
  });
});
