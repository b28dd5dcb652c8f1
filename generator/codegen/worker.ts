import { parentPort } from 'node:worker_threads';
import { compileValidators, type ValidatorSource } from './validators.js';

/**
 * The second thread of `herald generate` on large trees: compiles JSON Schema validators of every
 * other domain while the main thread renders, so both cores work.
 */

export interface WorkerRequest {
  id: number;
  sources: ValidatorSource[];
  header: string;
}

export type WorkerResponse = { id: number; ok: true; code: string } | { id: number; ok: false; error: string };

parentPort?.on('message', (request: WorkerRequest) => {
  try {
    parentPort!.postMessage({ id: request.id, ok: true, code: compileValidators(request.sources, request.header) } satisfies WorkerResponse);
  } catch (error) {
    parentPort!.postMessage({ id: request.id, ok: false, error: (error as Error).message } satisfies WorkerResponse);
  }
});
