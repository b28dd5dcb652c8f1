import { Worker } from 'node:worker_threads';
import { compileValidators, type ValidatorSource } from './validators.js';
import type { WorkerDone, WorkerRequest, WorkerResult } from './worker.js';

/** One domain's validators module: what `compileValidators` takes. */
export interface ValidatorJob {
  sources: ValidatorSource[];
  header: string;
}

/**
 * The second thread of `herald generate` on large trees with JSON Schema contracts (worker.ts);
 * absent when running from TypeScript sources. The thread starts at once, so its start-up (a V8
 * isolate loading ajv) overlaps with loading the contracts.
 *
 * Compiling validators is shared by work stealing: both threads take the next job from one
 * counter in shared memory, so neither waits on the other however the work is spread. The worker
 * starts on the queue while this thread renders the types, and this thread joins in when done.
 */
export class CodegenWorker {
  private batches = 0;

  private constructor(private readonly worker: Worker) {}

  /** A handle when the compiled worker module exists (dist/); from sources, work stays on the calling thread. */
  static start(): CodegenWorker | undefined {
    if (!import.meta.url.endsWith('.js')) return undefined;
    const worker = new Worker(new URL('./worker.js', import.meta.url));
    worker.unref();
    return new CodegenWorker(worker);
  }

  /**
   * Compiles every job on the worker, starting now. `join` then lets the calling thread take its
   * share of what is left and resolves to each job's module source, in job order.
   */
  compile(jobs: readonly ValidatorJob[]): { join: () => Promise<string[]> } {
    const batch = this.batches++;
    const next = new Int32Array(new SharedArrayBuffer(4));
    const results: Array<string | undefined> = new Array(jobs.length);
    let failure: Error | undefined;
    const done = new Promise<void>((resolve, reject) => {
      const onMessage = (message: WorkerResult | WorkerDone) => {
        if (message.batch !== batch) return;
        if ('index' in message) {
          if (message.ok) results[message.index] = message.code;
          else failure ??= new Error(message.error);
          return;
        }
        this.worker.off('message', onMessage);
        this.worker.off('error', reject);
        resolve();
      };
      this.worker.on('message', onMessage);
      this.worker.once('error', reject);
    });
    this.worker.postMessage({ batch, jobs, next } satisfies WorkerRequest);
    return {
      join: async () => {
        for (let i = Atomics.add(next, 0, 1); i < jobs.length; i = Atomics.add(next, 0, 1)) {
          results[i] = compileValidators(jobs[i]!.sources, jobs[i]!.header);
        }
        await done;
        if (failure) throw failure;
        return results.map((code, i) => {
          if (code === undefined) throw new Error(`herald codegen: validators job ${i} produced nothing`);
          return code;
        });
      },
    };
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
