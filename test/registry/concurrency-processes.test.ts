/**
 * Two real `herald registry serve` processes on one fresh PostgreSQL database: 400 concurrent
 * registrations of 50 distinct Avro schemas over 10 subjects, sent to both alternately. Every
 * schema gets exactly one id, every subject's versions are 1..n without gaps, and both processes
 * agree on what they read back.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase, type ScratchDatabase } from '../infra/postgres.js';
import { HERALD_BIN, REPO_ROOT } from '../support/cli.js';
import { avroRecord, http } from './helpers.js';

interface ServerProcess {
  child: ChildProcess;
  url: string;
  stderr: () => string;
}

function startServerProcess(store: string): Promise<ServerProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [HERALD_BIN, 'registry', 'serve', '--store', store, '--port', '0', '--quiet'], {
      cwd: REPO_ROOT,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let settled = false;
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      child.kill('SIGKILL');
      reject(new Error(`registry serve did not start within 30s; stderr:\n${stderr}`));
    }, 30_000);
    child.stdout?.resume();
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      const match = /herald registry listening on (http:\/\/\S+)/.exec(stderr);
      if (match && !settled) {
        settled = true;
        clearTimeout(timer);
        resolve({ child, url: match[1]!.replace(/\/$/, ''), stderr: () => stderr });
      }
    });
    child.on('exit', (code, signal) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(new Error(`registry serve exited early (code ${code}, signal ${signal}); stderr:\n${stderr}`));
    });
  });
}

function stopServerProcess(server: ServerProcess | undefined): Promise<void> {
  if (!server || server.child.exitCode !== null || server.child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => server.child.kill('SIGKILL'), 5_000);
    server.child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    server.child.kill('SIGTERM');
  });
}

let database: ScratchDatabase;
let first: ServerProcess | undefined;
let second: ServerProcess | undefined;

beforeAll(async () => {
  database = await createScratchDatabase('herald_registry_procs');
  // Started together: both processes run the migrations on the same empty database.
  [first, second] = await Promise.all([startServerProcess(database.url), startServerProcess(database.url)]);
}, 60_000);

afterAll(async () => {
  await Promise.all([stopServerProcess(first), stopServerProcess(second)]);
  await database?.drop();
}, 30_000);

const SUBJECTS = Array.from({ length: 10 }, (_, i) => `proc-subject-${i}`);
const SCHEMAS = Array.from({ length: 50 }, (_, i) =>
  avroRecord(
    `ProcEvent${i}`,
    [
      { name: 'id', type: 'string' },
      { name: `field${i}`, type: i % 2 === 0 ? 'long' : 'string' },
    ],
    'com.acme.procs',
  ),
);
const REGISTRATIONS = 400;

describe('two registry server processes on one PostgreSQL database', () => {
  it('keep ids unique and versions contiguous under 400 concurrent registrations', async () => {
    const servers = [first!, second!];
    const config = await http(servers[0]!.url, 'PUT', '/config', { compatibility: 'NONE' });
    expect(config.status, config.text).toBe(200);
    // The global level is stored in the shared database, so the other process sees it too.
    const seen = await http<{ compatibilityLevel: string }>(servers[1]!.url, 'GET', '/config');
    expect(seen.body.compatibilityLevel).toBe('NONE');

    // Job i: schema i % 50 to subject (i * 7 + floor(i / 50)) % 10, on server i % 2. Each schema
    // goes to several subjects and to some of them more than once.
    const jobs = Array.from({ length: REGISTRATIONS }, (_, i) => ({
      server: servers[i % 2]!,
      schemaIndex: i % SCHEMAS.length,
      subject: SUBJECTS[(i * 7 + Math.floor(i / SCHEMAS.length)) % SUBJECTS.length]!,
    }));
    const answers = await Promise.all(
      jobs.map(async (job) => ({
        ...job,
        answer: await http<{ id: number; version: number }>(job.server.url, 'POST', `/subjects/${job.subject}/versions`, {
          schema: SCHEMAS[job.schemaIndex],
        }),
      })),
    );
    const failures = answers.filter((a) => a.answer.status !== 200);
    expect(failures.map((f) => `${f.answer.status} ${f.answer.text}`)).toEqual([]);

    // Exactly one id per distinct schema, and distinct schemas have distinct ids.
    const idsOfSchema = new Map<number, Set<number>>();
    for (const { schemaIndex, answer } of answers) {
      idsOfSchema.set(schemaIndex, (idsOfSchema.get(schemaIndex) ?? new Set()).add(answer.body.id));
    }
    expect(idsOfSchema.size).toBe(SCHEMAS.length);
    for (const [index, ids] of idsOfSchema) expect([...ids], `schema ${index}`).toHaveLength(1);
    const idOf = new Map([...idsOfSchema].map(([index, ids]) => [index, [...ids][0]!]));
    expect(new Set(idOf.values()).size).toBe(SCHEMAS.length);

    // Every (subject, schema) pair got exactly one version, whichever process answered.
    const versionOf = new Map<string, Set<number>>();
    for (const { subject, schemaIndex, answer } of answers) {
      const key = `${subject}#${schemaIndex}`;
      versionOf.set(key, (versionOf.get(key) ?? new Set()).add(answer.body.version));
    }
    for (const [key, versions] of versionOf) expect([...versions], key).toHaveLength(1);

    for (const subject of SUBJECTS) {
      const expectedSchemas = new Set(jobs.filter((j) => j.subject === subject).map((j) => j.schemaIndex));
      const lists = await Promise.all(servers.map((s) => http<number[]>(s.url, 'GET', `/subjects/${subject}/versions`)));
      for (const list of lists) expect(list.status, list.text).toBe(200);
      // 1..n with no gaps, n = the number of distinct schemas sent to this subject.
      expect(lists[0]!.body).toEqual(Array.from({ length: expectedSchemas.size }, (_, i) => i + 1));
      expect(lists[1]!.body).toEqual(lists[0]!.body);

      for (const version of lists[0]!.body) {
        const reads = await Promise.all(
          servers.map((s) =>
            http<{ id: number; version: number; subject: string; schema: string }>(
              s.url,
              'GET',
              `/subjects/${subject}/versions/${version}`,
            ),
          ),
        );
        for (const read of reads) expect(read.status, read.text).toBe(200);
        expect(reads[1]!.body).toEqual(reads[0]!.body);
        const { id, schema } = reads[0]!.body;
        expect(reads[0]!.body.version).toBe(version);
        // The version maps back to one of the schemas registered under this subject, with its id.
        const index = [...expectedSchemas].find((i) => idOf.get(i) === id);
        expect(index, `${subject} v${version} id ${id}`).toBeDefined();
        const registered = answers.find((a) => a.subject === subject && a.schemaIndex === index)!;
        expect(registered.answer.body.version).toBe(version);
        expect(JSON.parse(schema)).toEqual(JSON.parse(SCHEMAS[index!]!));
      }
    }

    // Each id reads back the same schema from both processes.
    for (const [index, id] of idOf) {
      const reads = await Promise.all(servers.map((s) => http<{ schema: string }>(s.url, 'GET', `/schemas/ids/${id}`)));
      for (const read of reads) expect(read.status, read.text).toBe(200);
      expect(reads[1]!.body).toEqual(reads[0]!.body);
      expect(JSON.parse(reads[0]!.body.schema), `id ${id}`).toEqual(JSON.parse(SCHEMAS[index]!));
    }
  }, 120_000);
});
