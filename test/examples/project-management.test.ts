/**
 * The project-management example as an outside team would use herald: the example is copied to a
 * temporary folder, depends on the `npm pack` tarball (so the published files, bin and exports
 * must be complete), generates its code with the packed CLI and builds. Then the whole chain runs
 * against the mock Kafka cluster, the embedded registry and PostgreSQL, and a schema change is
 * rolled out producer first.
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase, type ScratchDatabase } from '../infra/postgres.js';
import { REPO_ROOT, STACK_TRACE } from '../support/cli.js';

const EXAMPLE = path.join(REPO_ROOT, 'examples', 'project-management');
const SKIPPED = new Set(['node_modules', 'dist', '.data', '.herald', 'generated']);
const SUBJECT = 'project.events-com.example.pm.project.ProjectCreated';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

async function succeed(command: string, args: string[], cwd: string): Promise<string> {
  const result = await run(command, args, cwd);
  if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.code}\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** The parts of the built example's scenario modules this test drives (loaded from the temp build). */
interface ScenarioModule {
  runScenario(options: {
    projects: number;
    databaseEnv: (service: string) => Record<string, string>;
    progress: (line: string) => void;
  }): Promise<{
    posted: Array<{ projectId: string; stakeholders: number }>;
    expectedEmails: number;
    published: number;
    consumers: Record<string, { handled: number; duplicates: number; retries: number; deadLettered: number }>;
    latency: Record<'warm-up' | 'up' | 'down' | 'restarting', { requests: number; p50: number; p99: number }>;
  }>;
  formatReport(result: unknown): string;
}
interface ProcessesModule {
  heraldBin(): string;
  startDevStack(root: string, echo: (source: string, line: string) => void): Promise<{ env: Record<string, string>; stop(): Promise<void> }>;
  ServiceProcess: new (
    name: string,
    entry: string,
    env: Record<string, string>,
    echo: (source: string, line: string) => void,
  ) => { url: string; start(): Promise<void>; stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>; stats(): Promise<Record<string, number>> };
}
interface LoadModule {
  postProjects(url: string, requests: unknown[], shape: { rate: number; concurrency: number }): Promise<{ posted: Array<{ projectId: string; stakeholders: number }> }>;
  projectRequest(random: () => number, index: number): unknown;
  seededRandom(seed: number): () => number;
}

let work: string;
let app: string;
const load = <T>(module: string): Promise<T> => import(pathToFileURL(path.join(app, 'dist', module)).href) as Promise<T>;
const quiet = (): void => undefined;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'herald-example-'));
  app = path.join(work, 'project-management');
  // The pretest step has built dist/; packing must not rebuild it under a running suite.
  const packed = JSON.parse(await succeed('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], REPO_ROOT)) as Array<{ filename: string }>;
  const tarball = path.join(work, packed[0]!.filename);
  await cp(EXAMPLE, app, { recursive: true, filter: (source) => !SKIPPED.has(path.basename(source)) });
  await succeed('npm', ['pkg', 'set', `dependencies.herald=file:${tarball}`], app);
  await succeed('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock'], app);
  await succeed('npm', ['run', 'build'], app);
}, 600_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the example built against the packed herald', () => {
  it('installs herald from the tarball (not a link) with its bin, runtime export and launcher source', async () => {
    const installed = path.join(app, 'node_modules', 'herald');
    const manifest = JSON.parse(await readFile(path.join(installed, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(manifest.bin['herald']).toBe('dist/generator/cli/main.js');
    const entries = await readdir(installed);
    expect(entries).toEqual(expect.arrayContaining(['dist', 'templates', 'native', 'README.md']));
    expect(entries).not.toContain('test');
    const help = await run(path.join(app, 'node_modules', '.bin', 'herald'), ['--help'], app);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('herald dev');
    const generated = await readdir(path.join(app, 'src', 'generated', 'project'));
    expect(generated).toEqual(expect.arrayContaining(['client.ts', 'codecs.ts', 'types.ts']));
  });
});

describe('1,000 POST /projects while the consumers crash, stop and restart', () => {
  const databases: Record<string, ScratchDatabase> = {};

  afterAll(async () => {
    await Promise.all(Object.values(databases).map((db) => db.drop()));
  });

  it('gives every project exactly one contract and one e-mail per stakeholder, and POST latency does not need the consumers', async () => {
    for (const service of ['project-service', 'contract-service', 'notification-service']) databases[service] = await createScratchDatabase('herald_example');
    const { runScenario, formatReport } = await load<ScenarioModule>('scenario/run.js');
    const result = await runScenario({
      projects: 1000,
      databaseEnv: (service) => ({ DATABASE_URL: databases[service]!.url }),
      progress: (line) => console.log(`[scenario] ${line}`),
    });
    console.log(formatReport(result));

    expect(result.posted).toHaveLength(1000);
    expect(result.published).toBeGreaterThanOrEqual(1000);
    for (const counters of Object.values(result.consumers)) expect(counters.deadLettered).toBe(0);

    const query = async <R extends Record<string, unknown>>(service: string, sql: string): Promise<R[]> => {
      const client = new pg.Client({ connectionString: databases[service]!.url });
      await client.connect();
      try {
        return (await client.query<R>(sql)).rows;
      } finally {
        await client.end();
      }
    };
    const projects = await query<{ project_id: string }>('project-service', 'SELECT project_id FROM projects');
    expect(new Set(projects.map((p) => p.project_id))).toEqual(new Set(result.posted.map((p) => p.projectId)));

    const contracts = await query<{ project_id: string; n: string }>('contract-service', 'SELECT project_id, count(*) AS n FROM contracts GROUP BY project_id');
    expect(contracts).toHaveLength(1000);
    expect(contracts.filter((c) => c.n !== '1')).toEqual([]);
    expect(new Set(contracts.map((c) => c.project_id))).toEqual(new Set(result.posted.map((p) => p.projectId)));

    const emails = await query<{ project_id: string; recipient: string; n: string }>(
      'notification-service',
      'SELECT project_id, recipient, count(*) AS n FROM emails_sent GROUP BY project_id, recipient',
    );
    expect(emails.filter((e) => e.n !== '1')).toEqual([]);
    const perProject = new Map<string, number>();
    for (const e of emails) perProject.set(e.project_id, (perProject.get(e.project_id) ?? 0) + 1);
    expect(Object.fromEntries(perProject)).toEqual(Object.fromEntries(result.posted.map((p) => [p.projectId, p.stakeholders])));
    expect(emails).toHaveLength(result.expectedEmails);

    const dedupe = await query<{ n: string }>('contract-service', `SELECT count(*) AS n FROM herald_dedupe WHERE consumer_group = 'contract-service'`);
    expect(Number(dedupe[0]!.n)).toBe(1000);
  }, 600_000);
});

describe('a schema change, rolled out the way a team would', () => {
  const schemas = (): string => path.join(app, 'schemas', 'project');
  const v2 = async (): Promise<Record<string, unknown> & { fields: Array<Record<string, unknown>> }> =>
    JSON.parse(await readFile(path.join(schemas(), 'ProjectCreated.v2.avsc'), 'utf8')) as Record<string, unknown> & { fields: Array<Record<string, unknown>> };
  const v3Path = (): string => path.join(schemas(), 'ProjectCreated.v3.avsc');

  it('herald check refuses an incompatible v3 before anything is generated or deployed', async () => {
    const schema = await v2();
    schema.fields.push({ name: 'priority', type: 'string', doc: 'Added in v3 without a default: v3 readers cannot read v1 and v2 events.' });
    await writeFile(v3Path(), `${JSON.stringify(schema, null, 2)}\n`);
    const { heraldBin } = await load<ProcessesModule>('scenario/processes.js');
    const check = await run(process.execPath, [heraldBin(), 'check'], app);
    await rm(v3Path());
    expect(check.code).toBe(1);
    const output = check.stdout + check.stderr;
    expect(output).toContain('ProjectCreated.v3.avsc');
    expect(output).toContain('priority');
    expect(output).not.toMatch(STACK_TRACE);
  });

  it('adds v3 with an optional field, deploys the producer first, and the v2 consumers keep working', async () => {
    const { heraldBin, startDevStack, ServiceProcess } = await load<ProcessesModule>('scenario/processes.js');
    const { postProjects, projectRequest, seededRandom } = await load<LoadModule>('scenario/load.js');
    const herald = heraldBin();
    await rm(path.join(app, '.data'), { recursive: true, force: true });
    // Today's build (v2) keeps running as the consumers while the producer moves to v3.
    await cp(path.join(app, 'dist'), path.join(app, 'dist-v2'), { recursive: true });
    const stack = await startDevStack(app, quiet);
    const env = { ...stack.env, HERALD_DATA_DIR: path.join(app, '.data') };
    const service = (name: string, build: string, folder: string) => new ServiceProcess(name, path.join(app, build, folder, 'main.js'), env, quiet);
    const contract = service('contract-service', 'dist-v2', 'contract');
    const notification = service('notification-service', 'dist-v2', 'notification');
    let producer = service('project-service', 'dist-v2', 'project');
    const random = seededRandom(3);
    try {
      await Promise.all([producer.start(), contract.start(), notification.start()]);
      const before = await postProjects(producer.url, Array.from({ length: 50 }, (_, i) => projectRequest(random, i)), { rate: 50, concurrency: 4 });

      const schema = await v2();
      schema['doc'] = `${String(schema['doc'])} v3 adds the optional priority.`;
      schema.fields.push({ name: 'priority', type: ['null', 'string'], default: null, doc: 'Delivery priority, e.g. "high"; null when not set. Added in v3.' });
      await writeFile(v3Path(), `${JSON.stringify(schema, null, 2)}\n`);
      expect((await run(process.execPath, [herald, 'check'], app)).code).toBe(0);
      await succeed(process.execPath, [herald, 'register', '--registry', stack.env['HERALD_REGISTRY_URL']!], app);
      // The producer's code starts setting the new field; it compiles only against the regenerated v3 types.
      const source = path.join(app, 'src', 'project', 'service.ts');
      const code = await readFile(source, 'utf8');
      await writeFile(source, code.replace('budget: budget ?? null,', "budget: budget ?? null, priority: 'high',"));
      await succeed('npm', ['run', 'build'], app);
      expect(await readFile(path.join(app, 'src', 'generated', 'project', 'types.ts'), 'utf8')).toContain('export interface ProjectCreatedV3');

      await producer.stop('SIGTERM');
      producer = service('project-service', 'dist', 'project');
      await producer.start();
      const after = await postProjects(producer.url, Array.from({ length: 50 }, (_, i) => projectRequest(random, 50 + i)), { rate: 50, concurrency: 4 });

      const versions = (await (await fetch(`${stack.env['HERALD_REGISTRY_URL']}/subjects/${SUBJECT}/versions`)).json()) as number[];
      expect(versions).toEqual([1, 2, 3]);
      const expectedEmails = [...before.posted, ...after.posted].reduce((sum, p) => sum + p.stakeholders, 0);
      const deadline = Date.now() + 120_000;
      let stats: [Record<string, number>, Record<string, number>] = [{}, {}];
      while (Date.now() < deadline) {
        stats = await Promise.all([contract.stats(), notification.stats()]);
        if (stats[0]['contracts'] === 100 && stats[1]['emails'] === expectedEmails) break;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(stats[0]).toMatchObject({ contracts: 100, deadLettered: 0 });
      expect(stats[1]).toMatchObject({ emails: expectedEmails, deadLettered: 0 });
    } finally {
      await Promise.all([producer.stop(), contract.stop(), notification.stop()]);
      await stack.stop();
    }
  }, 300_000);
});
