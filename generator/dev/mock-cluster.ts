/**
 * Drives the mock-cluster launcher (native/mock-cluster.c): spawns it, speaks its line protocol
 * (one command per stdin line, one `ok` / `ok <value>` / `error <text>` reply per stdout line) and
 * exposes the commands as methods. Used by `herald dev` and by the test suite's fault injection.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { ensureMockClusterBuilt } from './mock-cluster-build.js';

export interface TopicSpec {
  name: string;
  partitions: number;
  /**
   * Passed to the mock, which (2.0.2) ignores it: every partition lists
   * min(3, brokers) replicas, and nothing is replicated anyway.
   */
  replication?: number;
}

export interface MockClusterOptions {
  /** Broker ids are 1..brokers. Default 3. */
  brokers?: number;
  topics?: TopicSpec[];
  /** Passes --debug to the launcher and forwards its librdkafka logs to this process's stderr. */
  debug?: boolean;
  /** How long to wait for the launcher to report its listeners. Default 15 s. */
  startTimeoutMs?: number;
}

export interface MockCluster {
  /** Comma-separated host:port list, as the launcher printed it. */
  readonly bootstrap: string;
  /** The same addresses as a list, for kafkajs's `brokers`. */
  readonly brokers: string[];
  /** Broker ids, 1..n. */
  readonly brokerIds: number[];
  /** Leaders are fixed and balanced: partition p is led by broker p % brokers + 1. */
  createTopic(name: string, partitions: number, replication?: number): Promise<void>;
  /** Closes the broker's connections and refuses new ones; leadership does not move. */
  brokerDown(id: number): Promise<void>;
  brokerUp(id: number): Promise<void>;
  /** Cluster-wide: the next requests with this API key fail with these codes, in order. */
  pushRequestErrors(apiKey: number, ...codes: number[]): Promise<void>;
  clearRequestErrors(apiKey: number): Promise<void>;
  /** Only on one broker; each entry is a code, or [code, responseDelayMs]. */
  pushBrokerRequestErrors(brokerId: number, apiKey: number, ...errors: Array<number | [number, number]>): Promise<void>;
  /** How many errors pushed with pushBrokerRequestErrors have not been returned yet. */
  brokerErrorCount(brokerId: number, apiKey: number): Promise<number>;
  setRtt(brokerId: number, ms: number): Promise<void>;
  /** Moves partition leadership (-1: leader-less). */
  setLeader(topic: string, partition: number, brokerId: number): Promise<void>;
  setTopicError(topic: string, code: number): Promise<void>;
  setCoordinator(keyType: 'group' | 'transaction', key: string, brokerId: number): Promise<void>;
  /** Sends a raw launcher command line; resolves with the text after `ok`. */
  command(line: string): Promise<string>;
  /** Ends the launcher; idempotent. */
  stop(): Promise<void>;
}

const STDERR_TAIL_LINES = 40;

export async function startMockCluster(options: MockClusterOptions = {}): Promise<MockCluster> {
  const brokerCount = options.brokers ?? 3;
  const binary = await ensureMockClusterBuilt();
  const args = ['--brokers', String(brokerCount), ...(options.debug ? ['--debug'] : [])];
  const child: ChildProcessWithoutNullStreams = spawn(binary, args, { stdio: ['pipe', 'pipe', 'pipe'] });

  const stderrTail: string[] = [];
  createInterface({ input: child.stderr }).on('line', (line) => {
    if (options.debug) process.stderr.write(`[mock-cluster] ${line}\n`);
    stderrTail.push(line);
    if (stderrTail.length > STDERR_TAIL_LINES) stderrTail.shift();
  });
  const describeExit = (code: number | null, signal: NodeJS.Signals | null): string =>
    `mock cluster exited (${signal ?? `code ${code}`})` + (stderrTail.length ? `:\n${stderrTail.join('\n')}` : '');

  // Replies come back strictly in order, one line per command; the BOOTSTRAP
  // line is the reply to starting the launcher.
  const waiting: Array<{ resolve: (line: string) => void; reject: (error: Error) => void }> = [];
  let exitError: Error | undefined;
  const settleExit = (error: Error): void => {
    exitError ??= error;
    for (const waiter of waiting.splice(0)) waiter.reject(exitError);
  };
  const firstLine = new Promise<string>((resolve, reject) => waiting.push({ resolve, reject }));
  firstLine.catch(() => {}); // a start timeout may win the race below
  // 'close' rather than 'exit': it comes after the last reply has been read.
  const exited = new Promise<void>((resolve) => {
    child.once('close', (code, signal) => {
      settleExit(new Error(describeExit(code, signal)));
      resolve();
    });
  });
  child.once('error', (error) => settleExit(new Error(`mock cluster failed to run ${binary}: ${error.message}`)));
  // A launcher that died leaves a broken pipe; its exit reason is the useful error.
  child.stdin.on('error', () => {});

  createInterface({ input: child.stdout }).on('line', (line) => {
    const waiter = waiting.shift();
    if (waiter) waiter.resolve(line);
    else stderrTail.push(`unexpected launcher output: ${line}`);
  });

  // Keep the launcher from holding this process open while idle: a test file
  // that forgets stop() still exits, and stdin EOF then ends the launcher.
  let busy = 0;
  const setBusy = (delta: number): void => {
    busy += delta;
    const handles = [child, child.stdin, child.stdout, child.stderr] as Array<{ ref(): void; unref(): void }>;
    for (const handle of handles) {
      if (busy > 0) handle.ref();
      else handle.unref();
    }
  };

  setBusy(1);
  const startTimeoutMs = options.startTimeoutMs ?? 15_000;
  let startTimer: NodeJS.Timeout | undefined;
  let bootstrap: string;
  try {
    const line = await Promise.race([
      firstLine,
      new Promise<never>((_, reject) => {
        startTimer = setTimeout(
          () => reject(new Error(`mock cluster did not start within ${startTimeoutMs} ms`)),
          startTimeoutMs,
        );
      }),
    ]);
    const match = /^BOOTSTRAP (\S+)$/.exec(line);
    if (!match?.[1]) throw new Error(`unexpected first line from mock cluster: ${line}`);
    bootstrap = match[1];
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  } finally {
    clearTimeout(startTimer);
    setBusy(-1);
  }

  let queue: Promise<unknown> = Promise.resolve();
  const command = (line: string): Promise<string> => {
    if (/[\r\n]/.test(line)) return Promise.reject(new Error('a launcher command is a single line'));
    const result = queue.then(async () => {
      if (exitError) throw exitError;
      setBusy(1);
      try {
        const reply = await new Promise<string>((resolve, reject) => {
          waiting.push({ resolve, reject });
          child.stdin.write(`${line}\n`);
        });
        if (reply === 'ok') return '';
        if (reply.startsWith('ok ')) return reply.slice(3);
        throw new Error(`mock cluster: \`${line}\` failed: ${reply.replace(/^error /, '')}`);
      } finally {
        setBusy(-1);
      }
    });
    queue = result.catch(() => {});
    return result;
  };
  const ok = async (line: string): Promise<void> => {
    await command(line);
  };

  let stopping: Promise<void> | undefined;
  const cluster: MockCluster = {
    bootstrap,
    brokers: bootstrap.split(','),
    brokerIds: Array.from({ length: brokerCount }, (_, i) => i + 1),
    createTopic: (name, partitions, replication = Math.min(3, brokerCount)) =>
      ok(`topic ${name} ${partitions} ${replication}`),
    brokerDown: (id) => ok(`down ${id}`),
    brokerUp: (id) => ok(`up ${id}`),
    pushRequestErrors: (apiKey, ...codes) => ok(`errors ${apiKey} ${codes.join(' ')}`),
    clearRequestErrors: (apiKey) => ok(`clear-errors ${apiKey}`),
    pushBrokerRequestErrors: (brokerId, apiKey, ...errors) =>
      ok(
        `broker-errors ${brokerId} ${apiKey} ${errors
          .map((entry) => (Array.isArray(entry) ? `${entry[0]}:${entry[1]}` : String(entry)))
          .join(' ')}`,
      ),
    brokerErrorCount: async (brokerId, apiKey) => Number(await command(`errcount ${brokerId} ${apiKey}`)),
    setRtt: (brokerId, ms) => ok(`rtt ${brokerId} ${ms}`),
    setLeader: (topic, partition, brokerId) => ok(`leader ${topic} ${partition} ${brokerId}`),
    setTopicError: (topic, code) => ok(`topic-error ${topic} ${code}`),
    setCoordinator: (keyType, key, brokerId) => ok(`coordinator ${keyType} ${key} ${brokerId}`),
    command,
    stop: () => {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        setBusy(1);
        // EOF is the launcher's clean-shutdown signal.
        child.stdin.end();
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
        setBusy(-1);
      })();
      return stopping;
    },
  };

  try {
    for (const topic of options.topics ?? []) {
      await cluster.createTopic(topic.name, topic.partitions, topic.replication);
    }
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return cluster;
}
