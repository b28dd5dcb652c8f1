import { Worker } from 'node:worker_threads';
import type { ValidatorSource } from './validators.js';
import type { WorkerRequest, WorkerResponse } from './worker.js';

type Pending = { resolve: (response: WorkerResponse) => void; reject: (error: Error) => void };

/**
 * A helper thread for `herald generate` (worker.ts); absent when running from TypeScript sources.
 * The thread starts on the first request: an Avro-only tree never asks, and so never pays for a
 * second V8 isolate loading ajv.
 */
export class CodegenWorker {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private next = 0;

  private constructor(private readonly url: URL) {}

  /** A handle when the compiled worker module exists (dist/); from sources, work stays on the main thread. */
  static start(): CodegenWorker | undefined {
    if (!import.meta.url.endsWith('.js')) return undefined;
    return new CodegenWorker(new URL('./worker.js', import.meta.url));
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.url);
    worker.unref();
    worker.on('message', (response: WorkerResponse) => {
      const pending = this.pending.get(response.id);
      this.pending.delete(response.id);
      pending?.resolve(response);
    });
    worker.on('error', (error) => {
      for (const pending of this.pending.values()) pending.reject(error);
      this.pending.clear();
    });
    this.worker = worker;
    return worker;
  }

  async validators(sources: ValidatorSource[], header: string): Promise<string> {
    const id = this.next++;
    const response = await new Promise<WorkerResponse>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.thread().postMessage({ id, sources, header } satisfies WorkerRequest);
    });
    if (!response.ok) throw new Error(response.error);
    return response.code;
  }

  async close(): Promise<void> {
    await this.worker?.terminate();
  }
}
