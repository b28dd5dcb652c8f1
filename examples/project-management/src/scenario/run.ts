/**
 * The project-management scenario, end to end: the `herald dev` stack, the three services, and
 * POST /projects load while the consumers crash, stop and restart. ProjectService must keep
 * answering at the same speed whatever the consumers do, and once they are back every project
 * must have exactly one contract and one e-mail per stakeholder.
 */
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { rm } from 'node:fs/promises';
import { percentile, postProjects, projectRequest, seededRandom, type LoadResult, type LoadShape, type PostedProject } from './load.js';
import { ServiceProcess, startDevStack, type Echo } from './processes.js';

export type ServiceName = 'project-service' | 'contract-service' | 'notification-service';

export interface ScenarioOptions {
  /** POST /projects requests in all (at least 10). */
  projects: number;
  /** POST /projects per second (default 100) and most in flight (default 16). */
  load?: Partial<LoadShape>;
  /** Extra environment of a service, e.g. its own DATABASE_URL; default: PGlite under `.data/`. */
  databaseEnv?: (service: ServiceName) => Record<string, string>;
  seed?: number;
  /** How long consumers may take to catch up once they are back. */
  catchUpTimeoutMs?: number;
  /** Child process output; default: dropped. */
  echo?: Echo;
  /** One line per step. */
  progress?: (line: string) => void;
}

export interface ServiceCounters {
  /** Distinct events whose handler committed (the group's dedupe rows). */
  handled: number;
  duplicates: number;
  retries: number;
  deadLettered: number;
}

export interface ScenarioResult {
  posted: PostedProject[];
  expectedEmails: number;
  published: number;
  contracts: number;
  emails: number;
  /** `handled` from the database; the other counters summed over every instance of the service (each restart starts from zero). */
  consumers: Record<'contract-service' | 'notification-service', ServiceCounters>;
  /** POST latency while warming up, with both consumers up, with neither running, and while they restart. */
  latency: Record<ConsumerState, Latency>;
  catchUpMs: number;
}

/** `warm-up`: the first requests after start-up (cold JIT, connection pools, schema ids), reported apart. */
export type ConsumerState = 'warm-up' | 'up' | 'down' | 'restarting';

export interface Latency {
  requests: number;
  p50: number;
  p99: number;
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const entry = (service: string): string => path.join(root, 'dist', service, 'main.js');
const POLL_MS = 250;

const latency = (latencies: number[]): Latency => ({ requests: latencies.length, p50: percentile(latencies, 50), p99: percentile(latencies, 99) });
const zero = (): ServiceCounters => ({ handled: 0, duplicates: 0, retries: 0, deadLettered: 0 });

/** Waits until every consumer has committed `events` events in all. */
async function caughtUp(consumers: ServiceProcess[], events: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const handled = await Promise.all(consumers.map(async (c) => (await c.stats())['handled'] ?? 0));
    if (handled.every((n) => n >= events)) return;
    if (Date.now() > deadline) throw new Error(`consumers did not catch up within ${timeoutMs / 1000} s: ${consumers.map((c, i) => `${c.name} ${handled[i]}/${events}`).join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Waits until a consumer has committed events since it started, so that stopping it interrupts real work. */
async function madeProgress(consumer: ServiceProcess): Promise<void> {
  const before = (await consumer.stats())['handled'] ?? 0;
  const deadline = Date.now() + 60_000;
  while (((await consumer.stats())['handled'] ?? 0) === before) {
    if (Date.now() > deadline) throw new Error(`${consumer.name} handled no event within 60 s of starting`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS / 5));
  }
}

export async function runScenario(options: ScenarioOptions): Promise<ScenarioResult> {
  const progress = options.progress ?? (() => undefined);
  const echo = options.echo ?? (() => undefined);
  const shape: LoadShape = { rate: options.load?.rate ?? 100, concurrency: options.load?.concurrency ?? 16 };
  const random = seededRandom(options.seed ?? 42);
  const requests = Array.from({ length: Math.max(10, options.projects) }, (_, i) => projectRequest(random, i));
  const databaseEnv = options.databaseEnv ?? (() => ({ HERALD_DATA_DIR: path.join(root, '.data') }));
  if (!options.databaseEnv) await rm(path.join(root, '.data'), { recursive: true, force: true });

  progress('starting herald dev (mock Kafka cluster, embedded registry, contracts registered)');
  const stack = await startDevStack(root, echo);
  const service = (name: ServiceName, folder: string): ServiceProcess =>
    new ServiceProcess(name, entry(folder), { ...stack.env, ...databaseEnv(name) }, echo);
  const project = service('project-service', 'project');
  const contract = service('contract-service', 'contract');
  const notification = service('notification-service', 'notification');
  const consumers = { 'contract-service': zero(), 'notification-service': zero() };
  /** Stops a service; a consumer's counters are read first, since a new instance starts from zero. */
  const stop = async (instance: ServiceProcess, signal: 'SIGTERM' | 'SIGKILL'): Promise<void> => {
    const sums = instance === contract ? consumers['contract-service'] : instance === notification ? consumers['notification-service'] : undefined;
    if (sums) {
      const stats = await instance.stats();
      for (const key of ['duplicates', 'retries', 'deadLettered'] as const) sums[key] += stats[key] ?? 0;
    }
    await instance.stop(signal);
  };

  try {
    progress('starting project-service, contract-service and notification-service');
    await Promise.all([project.start(), contract.start(), notification.start()]);

    const [upCount, downCount] = [Math.round(requests.length * 0.4), Math.round(requests.length * 0.3)];
    const mixed = requests.slice(upCount + downCount);
    const runs: Array<{ consumers: ConsumerState; result: LoadResult }> = [];
    const post = async (batch: typeof requests, consumers: ConsumerState): Promise<void> => {
      runs.push({ consumers, result: await postProjects(project.url, batch, shape) });
    };

    const warmUp = Math.min(100, Math.floor(upCount / 4));
    progress(`POST ${upCount} projects with every consumer up (the first ${warmUp} as warm-up)`);
    await post(requests.slice(0, warmUp), 'warm-up');
    // Measure "up" in steady state: both consumers have joined their groups and caught up.
    await caughtUp([contract, notification], warmUp, 60_000);
    await post(requests.slice(warmUp, upCount), 'up');

    progress('contract-service crashes (SIGKILL); notification-service is stopped (SIGTERM)');
    await Promise.all([stop(contract, 'SIGKILL'), stop(notification, 'SIGTERM')]);
    progress(`POST ${downCount} projects with no consumer running`);
    await post(requests.slice(upCount, upCount + downCount), 'down');

    progress(`POST ${mixed.length} projects while contract-service starts again, then crashes again mid-backlog (SIGKILL) and restarts; notification-service still down`);
    await Promise.all([
      post(mixed, 'restarting'),
      (async () => {
        await contract.start();
        await madeProgress(contract);
        // Killed while it works through the backlog: what it handled but had not committed yet
        // comes again after the restart, and its dedupe rows absorb it.
        await stop(contract, 'SIGKILL');
        await contract.start();
      })(),
    ]);

    progress('notification-service comes back; waiting for both consumers to catch up');
    const catchUpStarted = Date.now();
    await notification.start();
    const posted = runs.flatMap((run) => run.result.posted);
    await caughtUp([contract, notification], posted.length, options.catchUpTimeoutMs ?? 180_000);
    const catchUpMs = Date.now() - catchUpStarted;

    const expectedEmails = posted.reduce((sum, p) => sum + p.stakeholders, 0);
    const projectStats = await project.stats();
    const [contractStats, notificationStats] = await Promise.all([contract.stats(), notification.stats()]);
    await Promise.all([stop(contract, 'SIGTERM'), stop(notification, 'SIGTERM')]);
    consumers['contract-service'].handled = contractStats['handled'] ?? 0;
    consumers['notification-service'].handled = notificationStats['handled'] ?? 0;
    return {
      posted,
      expectedEmails,
      published: projectStats['published'] ?? 0,
      contracts: contractStats['contracts'] ?? 0,
      emails: notificationStats['emails'] ?? 0,
      consumers,
      latency: {
        'warm-up': latency(runs.filter((r) => r.consumers === 'warm-up').flatMap((r) => r.result.latencies)),
        up: latency(runs.filter((r) => r.consumers === 'up').flatMap((r) => r.result.latencies)),
        down: latency(runs.filter((r) => r.consumers === 'down').flatMap((r) => r.result.latencies)),
        restarting: latency(runs.filter((r) => r.consumers === 'restarting').flatMap((r) => r.result.latencies)),
      },
      catchUpMs,
    };
  } finally {
    await Promise.all([project.stop('SIGTERM'), contract.stop('SIGTERM'), notification.stop('SIGTERM')]);
    await stack.stop();
  }
}

const LATENCY_LABELS: Record<ConsumerState, string> = {
  'warm-up': 'warm-up after start',
  up: 'consumers up',
  down: 'consumers down',
  restarting: 'consumers restarting',
};

export function formatReport(result: ScenarioResult): string {
  const ms = (value: number): string => `${value.toFixed(1)} ms`;
  const c = result.consumers['contract-service'];
  const n = result.consumers['notification-service'];
  return [
    'project-management scenario',
    `  projects created (POST /projects → 201)  ${result.posted.length}`,
    `  events published by the outbox relay      ${result.published}`,
    `  contract-service   contracts ${result.contracts}/${result.posted.length}, events handled ${c.handled}, duplicates absorbed ${c.duplicates}, retries ${c.retries}, dead-lettered ${c.deadLettered}`,
    `  notification-service e-mails ${result.emails}/${result.expectedEmails}, events handled ${n.handled}, duplicates absorbed ${n.duplicates}, retries ${n.retries}, dead-lettered ${n.deadLettered}`,
    ...(['warm-up', 'up', 'down', 'restarting'] as const).map((state) => {
      const { p50, p99, requests } = result.latency[state];
      return `  POST latency, ${LATENCY_LABELS[state].padEnd(22)}  p50 ${ms(p50)}, p99 ${ms(p99)} (${requests} requests)`;
    }),
    `  consumers caught up ${(result.catchUpMs / 1000).toFixed(1)} s after notification-service came back`,
  ].join('\n');
}
