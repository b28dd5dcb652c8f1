import { parentPort } from 'node:worker_threads';
import { ajvModules } from '../contracts/ajv-modules.js';
import type { ValidatorJob } from './pool.js';
import { compileValidators } from './validators.js';

/**
 * The second thread of `herald generate` on large trees (see pool.ts): takes validator jobs from
 * the shared counter until none are left, posting each module's source as it is compiled.
 */

export interface WorkerRequest {
  /** Tags the replies, so that a batch abandoned after an error cannot mix with the next one. */
  batch: number;
  jobs: readonly ValidatorJob[];
  /** The index of the next job not yet taken by either thread. */
  next: Int32Array;
}

export type WorkerResult = { batch: number; index: number } & ({ ok: true; code: string } | { ok: false; error: string });
export interface WorkerDone {
  batch: number;
  done: true;
}

// Loaded while the main thread is still loading the contracts, not when the first job arrives.
ajvModules();

parentPort?.on('message', ({ batch, jobs, next }: WorkerRequest) => {
  for (let index = Atomics.add(next, 0, 1); index < jobs.length; index = Atomics.add(next, 0, 1)) {
    try {
      parentPort!.postMessage({ batch, index, ok: true, code: compileValidators(jobs[index]!.sources, jobs[index]!.header) } satisfies WorkerResult);
    } catch (error) {
      parentPort!.postMessage({ batch, index, ok: false, error: (error as Error).message } satisfies WorkerResult);
    }
  }
  parentPort!.postMessage({ batch, done: true } satisfies WorkerDone);
});
