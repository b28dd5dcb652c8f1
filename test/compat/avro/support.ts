/**
 * Shared helpers for the Avro compatibility tests: the conformance corpus and a long-lived
 * python3-avro oracle process.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** `../shared/conformance/avro` next to the repository, as DESIGN.md lays it out. */
export const CONFORMANCE_DIR = fileURLToPath(new URL('../../../../shared/conformance/avro/', import.meta.url));

/** Debian's interpreter: the pyenv `python3` first on PATH cannot import `avro`. */
export const SYSTEM_PYTHON = '/usr/bin/python3';

export interface PairCase {
  id: string;
  reader: unknown;
  writer: unknown;
  compatible: boolean;
  oracle: boolean;
  note?: string;
}

export interface LevelCase {
  id: string;
  description?: string;
  level: string;
  new: unknown;
  previous: unknown[];
  compatible: boolean;
  oracle: boolean;
}

export function loadConformance<T>(file: string): T[] {
  return JSON.parse(readFileSync(`${CONFORMANCE_DIR}${file}`, 'utf8')) as T[];
}

export interface OracleReply {
  id?: string;
  compatible: boolean | null;
  messages: string[];
  locations: string[];
  error?: string;
}

/**
 * One `oracle.py` process for a whole test file: starting python3 and importing avro costs far
 * more than a check, so requests are pipelined and matched to replies by id.
 */
export class AvroOracle {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting = new Map<string, (reply: OracleReply) => void>();
  private next = 0;
  private failure: Error | undefined;

  constructor() {
    this.child = spawn(SYSTEM_PYTHON, [`${CONFORMANCE_DIR}oracle.py`], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    this.child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    this.child.on('exit', (code) => {
      if (this.waiting.size > 0) {
        this.failure = new Error(`oracle.py exited with ${code}: ${stderr}`);
        for (const resolve of this.waiting.values()) resolve({ compatible: null, messages: [], locations: [], error: this.failure.message });
        this.waiting.clear();
      }
    });
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      const reply = JSON.parse(line) as OracleReply;
      const resolve = reply.id === undefined ? undefined : this.waiting.get(reply.id);
      if (resolve === undefined) return;
      this.waiting.delete(reply.id as string);
      resolve(reply);
    });
  }

  check(reader: unknown, writer: unknown): Promise<OracleReply> {
    if (this.failure) return Promise.reject(this.failure);
    const id = String(this.next++);
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.child.stdin.write(`${JSON.stringify({ reader, writer, id })}\n`);
    });
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin.end();
    await exited;
  }
}
