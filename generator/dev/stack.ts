/**
 * `herald dev`: the project's contracts on a local stack of embedded defaults — librdkafka's mock
 * cluster with every domain's topic and DLQ, and the embedded registry with every version
 * registered — plus the services that use it, until SIGINT or SIGTERM.
 */
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { dlqTopicFor } from '../../runtime/consume/dead-letter.js';
import { HeraldEnv } from '../../runtime/environment.js';
import { CliError, ExitCode } from '../cli/exit-codes.js';
import { registerVersions } from '../cli/register-versions.js';
import { registryCliError } from '../cli/registry-target.js';
import type { ContractSet } from '../contracts/model.js';
import { RegistryClient } from '../registry/client.js';
import { startRegistryServer, UnsafeBindError, type RunningRegistry } from '../registry/server/start.js';
import { startCommands, type DevCommand } from './commands.js';
import { MockClusterBuildError } from './mock-cluster-build.js';
import { startMockCluster, type MockCluster } from './mock-cluster.js';

/** The registry store of `herald dev`, relative to the project root; emptied at every start. */
export const DEV_REGISTRY_DIR = '.herald/dev/registry';
/** Domains do not declare a partition count; six lets a few consumers of one group share a topic. */
export const DEV_TOPIC_PARTITIONS = 6;
/** How long a `--run` child has between SIGTERM and SIGKILL. */
const CHILD_GRACE_MS = 10_000;

export interface DevOptions {
  contracts: ContractSet;
  /** Mock brokers (ids 1..n). */
  brokers: number;
  registryHost: string;
  /** 0 picks a free port. */
  registryPort: number;
  /** Also writes the environment lines here (resolved against the current directory). */
  envFile?: string;
  commands: readonly DevCommand[];
  stdout: Writable;
  stderr: Writable;
}

export interface DevStack {
  cluster: MockCluster;
  registry: RunningRegistry;
  topics: Array<{ name: string; partitions: number }>;
  subjects: number;
  /** What services need to reach the stack, in print order. */
  environment: Record<string, string>;
  close(): Promise<void>;
}

function topicsOf(contracts: ContractSet): Array<{ name: string; partitions: number }> {
  const names = [...new Set(contracts.domains.map((domain) => domain.topic))];
  return names.flatMap((topic) => [topic, dlqTopicFor(topic)]).map((name) => ({ name, partitions: DEV_TOPIC_PARTITIONS }));
}

async function startRegistry(contracts: ContractSet, host: string, port: number): Promise<RunningRegistry> {
  const store = path.join(contracts.config.root, DEV_REGISTRY_DIR);
  await rm(store, { recursive: true, force: true });
  try {
    return await startRegistryServer({ store, host, port, logger: false });
  } catch (error) {
    if (error instanceof UnsafeBindError) throw new CliError(error.message, ExitCode.InvalidInput);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      throw new CliError(`registry port ${port} on ${host} is in use; pick another with --registry-port (0 picks a free one)`, ExitCode.InvalidInput);
    }
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new CliError(`cannot bind the registry to ${host}: ${code}`, ExitCode.InvalidInput);
    throw error;
  }
}

async function startCluster(brokers: number): Promise<MockCluster> {
  try {
    return await startMockCluster({ brokers });
  } catch (error) {
    if (error instanceof MockClusterBuildError && error.failure !== 'compile-failed') throw new CliError(error.message, ExitCode.InvalidInput);
    throw new CliError(`the Kafka mock cluster did not start: ${error instanceof Error ? error.message : String(error)}`, ExitCode.Internal);
  }
}

/** Starts the cluster and the registry, creates the topics and registers every contract version. */
export async function startDevStack(options: Pick<DevOptions, 'contracts' | 'brokers' | 'registryHost' | 'registryPort'>): Promise<DevStack> {
  const { contracts } = options;
  if (contracts.events.length === 0) {
    throw new CliError(`no contracts under ${path.relative(process.cwd(), contracts.config.schemasDir) || '.'}: herald dev serves a project's event versions`, ExitCode.InvalidInput);
  }
  const registry = await startRegistry(contracts, options.registryHost, options.registryPort);
  let cluster: MockCluster | undefined;
  try {
    cluster = await startCluster(options.brokers);
    const topics = topicsOf(contracts);
    for (const topic of topics) await cluster.createTopic(topic.name, topic.partitions);
    const registered = await registerVersions(new RegistryClient({ url: registry.url }), contracts, `the dev registry (${DEV_REGISTRY_DIR})`).catch((error: unknown) => {
      throw registryCliError(error) ?? error;
    });
    const running = cluster;
    return {
      cluster,
      registry,
      topics,
      subjects: registered.subjects,
      environment: {
        [HeraldEnv.KafkaBrokers]: cluster.bootstrap,
        [HeraldEnv.KafkaMock]: '1',
        [HeraldEnv.RegistryUrl]: registry.url,
      },
      close: async () => {
        await registry.close();
        await running.stop();
      },
    };
  } catch (error) {
    await registry.close();
    await cluster?.stop();
    throw error;
  }
}

/** Resolves at the first SIGINT or SIGTERM; later ones are absorbed while the stack shuts down. */
function shutdownRequested(): { requested: Promise<NodeJS.Signals>; release(): void } {
  let signalled: (signal: NodeJS.Signals) => void = () => undefined;
  const requested = new Promise<NodeJS.Signals>((resolve) => {
    signalled = resolve;
  });
  const onSignal = (signal: NodeJS.Signals): void => signalled(signal);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    requested,
    release: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/** The whole `herald dev` run: start, print, run the children, and tear down on a signal. */
export async function runDev(options: DevOptions): Promise<void> {
  // Listening before anything starts: a Ctrl-C during start-up must still tear the stack down.
  const shutdown = shutdownRequested();
  try {
    const stack = await startDevStack(options);
    try {
      const out = options.stdout;
      const lines = Object.entries(stack.environment).map(([key, value]) => `${key}=${value}`);
      out.write(`herald dev: Kafka mock cluster, ${stack.cluster.brokers.length} brokers: ${stack.cluster.bootstrap}\n`);
      out.write(`herald dev: topics: ${stack.topics.map((topic) => `${topic.name} (${topic.partitions} partitions)`).join(', ')}\n`);
      out.write(`herald dev: registry ${stack.registry.url} (store ${DEV_REGISTRY_DIR}): ${stack.subjects} subjects, ${options.contracts.events.length} versions registered\n`);
      for (const line of lines) out.write(`${line}\n`);
      if (options.envFile) {
        const file = path.resolve(options.envFile);
        await writeFile(file, `${lines.join('\n')}\n`).catch((error: unknown) => {
          throw new CliError(`cannot write --env-file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, ExitCode.InvalidInput);
        });
      }
      out.write('herald dev: ready\n');
      const children = startCommands(options.commands, stack.environment, { stdout: out, stderr: options.stderr });
      const signal = await shutdown.requested;
      out.write(`herald dev: ${signal}, shutting down\n`);
      await children.stop(CHILD_GRACE_MS);
    } finally {
      await stack.close();
    }
    options.stdout.write('herald dev: stopped\n');
  } finally {
    shutdown.release();
  }
}
