/**
 * Child processes of the scenario: the `herald dev` stack and the three services, each started
 * the way an operator would (a command, environment variables) and stopped with SIGTERM
 * (graceful) or SIGKILL (a crash).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { createInterface } from 'node:readline';

const STARTUP_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 40_000;

/** Waits for a line of the child's output that matches, or fails when it exits or times out. */
function waitForLine(child: ChildProcess, pattern: RegExp, what: string, echo: (line: string) => void): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start within ${STARTUP_TIMEOUT_MS / 1000} s`)), STARTUP_TIMEOUT_MS);
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
      clearTimeout(timer);
      reject(new Error(`${what} exited during start-up (${signal ?? `exit code ${code}`})`));
    };
    child.once('exit', onExit);
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream }).on('line', (line) => {
        echo(line);
        const match = pattern.exec(line);
        if (match) {
          clearTimeout(timer);
          child.off('exit', onExit);
          resolve(match);
        }
      });
    }
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function terminate(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited(child);
  clearTimeout(timer);
}

export type Echo = (source: string, line: string) => void;

export interface DevStack {
  /** HERALD_KAFKA_BROKERS, HERALD_KAFKA_MOCK, HERALD_REGISTRY_URL as `herald dev` printed them. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** The herald CLI of the installed `herald` package (whatever way it was installed). */
export function heraldBin(): string {
  const require = createRequire(import.meta.url);
  const manifestPath = require.resolve('herald/package.json');
  const manifest = require(manifestPath) as { bin: Record<string, string> };
  const bin = manifest.bin['herald'];
  if (!bin) throw new Error(`${manifestPath} declares no herald bin`);
  return path.resolve(path.dirname(manifestPath), bin);
}

/** Starts `herald dev` in `root` (the example's folder) on free ports and reads its environment. */
export async function startDevStack(root: string, echo: Echo): Promise<DevStack> {
  const envFile = path.join(root, '.herald', 'dev.env');
  const child = spawn(process.execPath, [heraldBin(), 'dev', '--registry-port', '0', '--env-out', envFile], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    await waitForLine(child, /^herald dev: ready$/, 'herald dev', (line) => echo('dev', line));
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  const env: Record<string, string> = {};
  for (const line of (await readFile(envFile, 'utf8')).split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) env[line.slice(0, at)] = line.slice(at + 1);
  }
  return { env, stop: () => terminate(child, 'SIGINT') };
}

/** One service of the example, restartable; `env` is merged over the parent's environment. */
export class ServiceProcess {
  private child: ChildProcess | undefined;
  url = '';

  constructor(
    readonly name: string,
    private readonly entry: string,
    private readonly env: Record<string, string>,
    private readonly echo: Echo,
  ) {}

  get running(): boolean {
    return this.child !== undefined;
  }

  async start(): Promise<void> {
    const child = spawn(process.execPath, [this.entry], { env: { ...process.env, ...this.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const [, url] = await waitForLine(child, /listening on (http:\/\/\S+)/, this.name, (line) => this.echo(this.name, line));
    this.url = url ?? '';
  }

  /** SIGTERM: the service finishes its handlers, commits and flushes; SIGKILL: a crash. */
  async stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child) await terminate(child, signal);
  }

  async stats(): Promise<Record<string, number>> {
    const response = await fetch(`${this.url}/stats`);
    if (!response.ok) throw new Error(`${this.name} GET /stats answered ${response.status}`);
    return (await response.json()) as Record<string, number>;
  }
}
