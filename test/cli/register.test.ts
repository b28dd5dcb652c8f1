import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadContracts } from '../../generator/contracts/load.js';
import { HERALD_BIN, REPO_ROOT, runHerald, STACK_TRACE } from '../support/cli.js';

const EVENT_VERSIONS = (await loadContracts(REPO_ROOT)).contracts!.events.length;

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function exampleProject(): Promise<string> {
  const project = await mkdtemp(path.join(tmpdir(), 'herald-register-'));
  cleanups.push(() => rm(project, { recursive: true, force: true }));
  await cp(path.join(REPO_ROOT, 'schemas'), path.join(project, 'schemas'), { recursive: true });
  await cp(path.join(REPO_ROOT, 'herald.json'), path.join(project, 'herald.json'));
  return project;
}

type Lock = { events: Record<string, Record<string, { id?: number; subject: string }>> };
async function readLockIds(project: string): Promise<Record<string, number | undefined>> {
  const lock = JSON.parse(await readFile(path.join(project, 'schemas/herald.lock.json'), 'utf8')) as Lock;
  return Object.fromEntries(Object.entries(lock.events).flatMap(([type, versions]) => Object.entries(versions).map(([v, entry]) => [`${type}@${v}`, entry.id])));
}

/** `herald registry serve` as a real process on a free port; resolves with its URL. */
async function serveRegistry(store: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [HERALD_BIN, 'registry', 'serve', '--store', store, '--port', '0', '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
  cleanups.push(async () => {
    if (child.exitCode === null) {
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  });
  const url = await new Promise<string>((resolve, reject) => {
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(stderr);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`registry serve exited with ${code}: ${stderr}`)));
  });
  return { url, child };
}

describe('herald register', () => {
  it('registers every version into the embedded registry, idempotently, and records ids', async () => {
    const project = await exampleProject();
    const first = await runHerald(['register', '--cwd', project]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(new RegExp(`^${EVENT_VERSIONS} registered, 0 already registered in embedded registry \\(\\.herald/registry\\)`, 'm'));
    const ids = await readLockIds(project);
    expect(Object.keys(ids)).toHaveLength(EVENT_VERSIONS);
    expect(Object.values(ids).every((id) => typeof id === 'number')).toBe(true);
    expect(new Set(Object.values(ids)).size).toBe(EVENT_VERSIONS);

    const again = await runHerald(['register', '--cwd', project]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(new RegExp(`^0 registered, ${EVENT_VERSIONS} already registered`, 'm'));
    expect(await readLockIds(project)).toEqual(ids);
  });

  it('works against `herald registry serve`, and `check --registry` compares with it', async () => {
    const project = await exampleProject();
    const { url, child } = await serveRegistry(path.join(project, '.herald/served'));
    const registered = await runHerald(['register', '--cwd', project, '--registry', url]);
    expect(registered.code, registered.stderr).toBe(0);
    const config = (await (await fetch(`${url}/config/contract.events-com.acme.contract.ContractSigned`)).json()) as { compatibilityLevel: string };
    expect(config.compatibilityLevel).toBe('FULL_TRANSITIVE');

    const clean = await runHerald(['check', '--cwd', project, '--registry', url]);
    expect(clean.code, clean.stdout).toBe(0);

    // An incompatible new version: the registry refuses it and says so through check and register.
    await cp(path.join(REPO_ROOT, 'test/fixtures/check/avro-field-type-changed/tree'), project, { recursive: true });
    const refused = await runHerald(['check', '--cwd', project, '--registry', url, '--format', 'json']);
    expect(refused.code).toBe(1);
    const findings = (JSON.parse(refused.stdout) as { findings: { rule: string; file: string }[] }).findings;
    expect(findings).toContainEqual(expect.objectContaining({ rule: 'REGISTRY_INCOMPATIBLE', file: 'schemas/project/ProjectCreated.v3.avsc' }));
    const registerRefused = await runHerald(['register', '--cwd', project, '--registry', url]);
    expect(registerRefused.code).toBe(1);
    expect(registerRefused.stderr).toMatch(/schemas\/project\/ProjectCreated\.v3\.avsc: .* refused ProjectCreated\.v3 .* as incompatible/);
    await rm(path.join(project, 'schemas/project/ProjectCreated.v3.avsc'));

    // A registered version edited locally, seen through the registry alone (no lock file to tell).
    await rm(path.join(project, 'schemas/herald.lock.json'));
    const file = path.join(project, 'schemas/order/OrderPlaced.v1.avsc');
    const schema = JSON.parse(await readFile(file, 'utf8')) as { doc: string };
    await writeFile(file, JSON.stringify({ ...schema, doc: `${schema.doc} Edited.` }, null, 2));
    const edited = await runHerald(['check', '--cwd', project, '--registry', url]);
    expect(edited.code).toBe(1);
    expect(edited.stdout).toMatch(/schemas\/order\/OrderPlaced\.v1\.avsc:1:1: breaking PUBLISHED_VERSION_EDITED: OrderPlaced\.v1 differs from version 1 of order\.events-com\.acme\.order\.OrderPlaced/);

    child.kill('SIGTERM');
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
  });

  it('exits 2 with a message when the registry cannot be reached', async () => {
    const project = await exampleProject();
    const run = await runHerald(['register', '--cwd', project, '--registry', 'http://127.0.0.1:9']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/unreachable at http:\/\/127\.0\.0\.1:9/);
    expect(run.stderr).not.toMatch(STACK_TRACE);
  });
});
