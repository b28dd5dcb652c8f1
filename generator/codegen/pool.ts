import { Worker } from 'node:worker_threads';
import type { EmittedFile } from './emit.js';
import { GeneratedSyntaxError } from './format.js';
import type { ValidatorSource } from './validators.js';
import type { WorkerRequest, WorkerResponse } from './worker.js';

type Pending = { resolve: (response: WorkerResponse) => void; reject: (error: Error) => void };
type RequestBody = { kind: 'check'; files: EmittedFile[] } | { kind: 'validators'; sources: ValidatorSource[]; header: string };

/** A helper thread for `herald generate` (worker.ts); absent when running from TypeScript sources. */
export class CodegenWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private next = 0;

  private constructor(url: URL) {
    this.worker = new Worker(url);
    this.worker.unref();
    this.worker.on('message', (response: WorkerResponse) => {
      const pending = this.pending.get(response.id);
      this.pending.delete(response.id);
      pending?.resolve(response);
    });
    this.worker.on('error', (error) => {
      for (const pending of this.pending.values()) pending.reject(error);
      this.pending.clear();
    });
  }

  /** Starts the worker when the compiled worker module exists (dist/); from sources, work stays on the main thread. */
  static start(): CodegenWorker | undefined {
    const url = new URL('./worker.js', import.meta.url);
    if (!import.meta.url.endsWith('.js')) return undefined;
    return new CodegenWorker(url);
  }

  private request(body: RequestBody): Promise<WorkerResponse> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, ...body } as WorkerRequest);
    });
  }

  async check(files: EmittedFile[]): Promise<EmittedFile[]> {
    const response = await this.request({ kind: 'check', files });
    if (!response.ok) throw response.file ? new GeneratedSyntaxError(response.file, response.problems ?? [response.error]) : new Error(response.error);
    return response.files!;
  }

  async validators(sources: ValidatorSource[], header: string): Promise<string> {
    const response = await this.request({ kind: 'validators', sources, header });
    if (!response.ok) throw new Error(response.error);
    return response.code!;
  }

  close(): Promise<number> {
    return this.worker.terminate();
  }
}
