/**
 * The `--run name=command` children of `herald dev`: shell commands started with the stack's
 * environment, their output prefixed with their name, stopped with SIGTERM then SIGKILL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

export interface DevCommand {
  name: string;
  command: string;
}

export interface RunningCommands {
  /** SIGTERM to every child still running, SIGKILL after `graceMs`; resolves when all have exited. */
  stop(graceMs: number): Promise<void>;
}

/** Parses `name=command`; returns a message for anything else. */
export function parseDevCommand(spec: string): DevCommand | string {
  const match = /^([A-Za-z0-9_.-]+)=(.*\S.*)$/s.exec(spec);
  if (!match) return `--run expects name=command (name of letters, digits, . _ -), got \`${spec}\``;
  return { name: match[1]!, command: match[2]! };
}

function prefixLines(input: Readable, output: Writable, prefix: string): void {
  createInterface({ input, crlfDelay: Infinity }).on('line', (line) => output.write(`${prefix}${line}\n`));
}

export function startCommands(
  commands: readonly DevCommand[],
  env: Readonly<Record<string, string>>,
  output: { stdout: Writable; stderr: Writable },
): RunningCommands {
  const children = commands.map(({ name, command }) => {
    // Its own process group, so that stopping reaches what the shell started too, and a Ctrl-C
    // in the terminal reaches herald dev alone, which then stops the children in order.
    const child: ChildProcess = spawn(command, {
      shell: true,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    prefixLines(child.stdout!, output.stdout, `[${name}] `);
    prefixLines(child.stderr!, output.stderr, `[${name}] `);
    const entry = { child, closed: false, exited: Promise.resolve() };
    // 'close', not 'exit': the output is all printed by then, and whatever the shell started that
    // still holds its pipes has ended too.
    entry.exited = new Promise<void>((resolve) => {
      child.once('error', (error) => {
        output.stderr.write(`herald dev: [${name}] could not start: ${error.message}\n`);
        entry.closed = true;
        resolve();
      });
      child.once('close', (code, signal) => {
        output.stdout.write(`herald dev: [${name}] exited with ${signal ? `signal ${signal}` : `code ${code}`}\n`);
        entry.closed = true;
        resolve();
      });
    });
    return entry;
  });

  const signalGroup = ({ child, closed }: (typeof children)[number], signal: NodeJS.Signals): void => {
    if (child.pid === undefined || closed) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // The group is already gone.
    }
  };

  return {
    stop: async (graceMs) => {
      await Promise.all(
        children.map(async (entry) => {
          signalGroup(entry, 'SIGTERM');
          const timer = setTimeout(() => signalGroup(entry, 'SIGKILL'), graceMs);
          await entry.exited;
          clearTimeout(timer);
        }),
      );
    },
  };
}
