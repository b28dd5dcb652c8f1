import { parentPort } from 'node:worker_threads';
import type { EmittedFile } from './emit.js';
import { formatAndCheck } from './format.js';
import { compileValidators, type ValidatorSource } from './validators.js';

/**
 * The second thread of `herald generate` on large trees: parse-checks emitted files and compiles
 * JSON Schema validators while the main thread loads contracts and renders, so both cores work.
 */

export type WorkerRequest =
  | { id: number; kind: 'check'; files: EmittedFile[] }
  | { id: number; kind: 'validators'; sources: ValidatorSource[]; header: string };

export type WorkerResponse =
  | { id: number; ok: true; files?: EmittedFile[]; code?: string }
  | { id: number; ok: false; error: string; file?: string; problems?: string[] };

parentPort?.on('message', (request: WorkerRequest) => {
  void (async () => {
    try {
      if (request.kind === 'check') {
        parentPort!.postMessage({ id: request.id, ok: true, files: await formatAndCheck(request.files) } satisfies WorkerResponse);
      } else {
        parentPort!.postMessage({ id: request.id, ok: true, code: compileValidators(request.sources, request.header) } satisfies WorkerResponse);
      }
    } catch (error) {
      const e = error as Error & { file?: string; problems?: string[] };
      parentPort!.postMessage({ id: request.id, ok: false, error: e.message, file: e.file, problems: e.problems } satisfies WorkerResponse);
    }
  })();
});

// Load the heavy modules now, while the main thread is still reading contracts.
void import('ts-morph');
