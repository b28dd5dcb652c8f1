import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaOptionsFromEnv, registryOptionsFromEnv } from '../../runtime/index.js';
import { HERALD_BIN, REPO_ROOT, runHerald, STACK_TRACE } from '../support/cli.js';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** A project with one domain of the example contracts. */
async function projectTree(): Promise<string> {
  const project = await mkdtemp(path.join(tmpdir(), 'herald-dev-'));
  cleanups.push(() => rm(project, { recursive: true, force: true }));
  await cp(path.join(REPO_ROOT, 'schemas/project'), path.join(project, 'schemas/project'), { recursive: true });
  await cp(path.join(REPO_ROOT, 'herald.json'), path.join(project, 'herald.json'));
  return project;
}

/** Process ids whose parent is `pid` (Linux /proc). */
async function childrenOf(pid: number): Promise<Array<{ pid: number; command: string }>> {
  const found: Array<{ pid: number; command: string }> = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      // The command name is in parentheses and may hold spaces; the parent id follows the state.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) found.push({ pid: Number(entry), command: (await readFile(`/proc/${entry}/cmdline`, 'utf8')).replace(/\0/g, ' ') });
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

interface DevRun {
  child: ChildProcessWithoutNullStreams;
  stdout(): string;
  exited: Promise<number | null>;
}

function startDev(args: string[]): DevRun {
  const child = spawn(process.execPath, [HERALD_BIN, 'dev', ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  });
  return { child, stdout: () => `${stdout}${stderr ? `\n[stderr]\n${stderr}` : ''}`, exited };
}

async function waitForOutput(run: DevRun, pattern: RegExp, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(run.stdout())) {
    if (run.child.exitCode !== null) throw new Error(`herald dev exited with ${run.child.exitCode}:\n${run.stdout()}`);
    if (Date.now() > deadline) throw new Error(`no ${pattern} within ${timeoutMs} ms:\n${run.stdout()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function parseEnvFile(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split('\n')
      .filter(Boolean)
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

describe('herald dev', () => {
  let project: string;
  let dev: DevRun;
  let env: Record<string, string>;

  beforeAll(async () => {
    project = await projectTree();
    const envFile = path.join(project, 'dev.env');
    dev = startDev([
      '--cwd',
      project,
      '--registry-port',
      '0',
      // --env-out: Node 20 refuses a script's `--env-file FILE` whose FILE does not exist yet.
      '--env-out',
      envFile,
      '--run',
      `echo=node -e 'console.log("registry at " + process.env.HERALD_REGISTRY_URL)'`,
      '--run',
      'idle=sleep 600',
    ]);
    await waitForOutput(dev, /^herald dev: ready$/m);
    env = parseEnvFile(await readFile(envFile, 'utf8'));
  });

  it('prints the summary and the environment, and writes the same lines to the env file', () => {
    const out = dev.stdout();
    expect(out).toMatch(/^herald dev: Kafka mock cluster, 3 brokers: 127\.0\.0\.1:\d+,127\.0\.0\.1:\d+,127\.0\.0\.1:\d+$/m);
    expect(out).toMatch(/^herald dev: topics: project\.events \(6 partitions\), project\.events\.dlq \(6 partitions\)$/m);
    expect(out).toMatch(/^herald dev: registry http:\/\/127\.0\.0\.1:\d+ \(store \.herald\/dev\/registry\): 3 subjects, 5 versions registered$/m);
    expect(Object.keys(env)).toEqual(['HERALD_KAFKA_BROKERS', 'HERALD_KAFKA_MOCK', 'HERALD_REGISTRY_URL']);
    for (const [key, value] of Object.entries(env)) expect(out).toContain(`\n${key}=${value}\n`);
    expect(out.indexOf('HERALD_REGISTRY_URL=')).toBeLessThan(out.indexOf('herald dev: ready'));
  });

  it('serves the registry with every subject registered', async () => {
    const { url } = registryOptionsFromEnv(env);
    const subjects = (await (await fetch(`${url}/subjects`)).json()) as string[];
    expect(subjects.sort()).toEqual([
      'project.events-com.acme.project.ProjectArchived',
      'project.events-com.acme.project.ProjectCreated',
      'project.events-com.acme.project.ProjectStatusChanged',
    ]);
    const config = (await (await fetch(`${url}/config/project.events-com.acme.project.ProjectCreated`)).json()) as { compatibilityLevel: string };
    expect(config.compatibilityLevel).toBe('BACKWARD_TRANSITIVE');
  });

  it('round-trips a record on the domain topic with a client configured from the environment', async () => {
    const options = kafkaOptionsFromEnv(env, { clientId: 'dev-test' });
    const kafka = new Kafka({ brokers: options.brokers!, clientId: options.clientId!, socketFactory: options.socketFactory!, logLevel: logLevel.NOTHING });
    const producer = kafka.producer({ idempotent: true });
    const consumer = kafka.consumer({ groupId: 'dev-test' });
    await producer.connect();
    await consumer.connect();
    try {
      await producer.send({ topic: 'project.events', messages: [{ key: 'p-1', value: 'hello' }] });
      await consumer.subscribe({ topic: 'project.events', fromBeginning: true });
      const received = await new Promise<{ key: string; value: string }>((resolve) => {
        void consumer.run({
          eachMessage: async ({ message }) => resolve({ key: String(message.key), value: String(message.value) }),
        });
      });
      expect(received).toEqual({ key: 'p-1', value: 'hello' });
      const metadata = await kafka.admin();
      await metadata.connect();
      const topics = await metadata.fetchTopicMetadata({ topics: ['project.events', 'project.events.dlq'] });
      await metadata.disconnect();
      expect(topics.topics.map((topic) => topic.partitions.length)).toEqual([6, 6]);
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
    }
  });

  it('runs --run commands with the environment, prefixes their output and reports their exit', async () => {
    await waitForOutput(dev, /^herald dev: \[echo\] exited with code 0$/m);
    expect(dev.stdout()).toContain(`\n[echo] registry at ${env['HERALD_REGISTRY_URL']}\n`);
  });

  it('stops everything on SIGINT and exits 0', async () => {
    const launchers = (await childrenOf(dev.child.pid!)).filter((child) => child.command.includes('mock-cluster'));
    expect(launchers).toHaveLength(1);
    const idle = (await childrenOf(dev.child.pid!)).filter((child) => child.command.includes('sleep 600'));
    expect(idle).toHaveLength(1);
    dev.child.kill('SIGINT');
    expect(await dev.exited).toBe(0);
    expect(dev.stdout()).toMatch(/^herald dev: \[idle\] exited with signal SIGTERM$/m);
    expect(dev.stdout()).toMatch(/^herald dev: stopped$/m);
    expect(alive(launchers[0]!.pid)).toBe(false);
    expect(alive(idle[0]!.pid)).toBe(false);
  });
});

describe('herald dev, bad input', () => {
  let blocker: Server;
  let port: number;
  beforeAll(async () => {
    blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    port = (blocker.address() as { port: number }).port;
    cleanups.push(() => new Promise((resolve) => blocker.close(() => resolve())));
  });

  it('names a registry port in use, exit 2, no stack trace', async () => {
    const project = await projectTree();
    const result = await runHerald(['dev', '--cwd', project, '--registry-port', String(port)]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`herald: registry port ${port} on 127.0.0.1 is in use; pick another with --registry-port (0 picks a free one)`);
    expect(result.stderr).not.toMatch(STACK_TRACE);
    expect(result.stdout).not.toContain('ready');
  });

  it('refuses a project without contracts and a malformed --run', async () => {
    const empty = await mkdtemp(path.join(tmpdir(), 'herald-dev-empty-'));
    cleanups.push(() => rm(empty, { recursive: true, force: true }));
    const none = await runHerald(['dev', '--cwd', empty, '--registry-port', '0']);
    expect(none.code).toBe(2);
    expect(none.stderr).not.toMatch(STACK_TRACE);
    const run = await runHerald(['dev', '--cwd', await projectTree(), '--run', 'no-equals-sign']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--run expects name=command');
  });
});
