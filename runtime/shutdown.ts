/**
 * Graceful shutdown on SIGTERM (what Kubernetes, systemd and docker send): stop fetching, let
 * in-flight handlers finish and commit, flush the relay, disconnect — and give up after a
 * deadline, because the orchestrator's SIGKILL follows anyway and an exit we control is better.
 */
import { asError, type Logger } from './logger.js';

export interface Closeable {
  close(options?: { deadlineMs?: number }): Promise<void>;
}

export interface ShutdownOptions {
  signals?: NodeJS.Signals[];
  /** Default 30 s (Kubernetes' default grace period). */
  deadlineMs?: number;
  /** Exit the process when done (default true): 0 after a clean close, 1 after a failure or the deadline. */
  exit?: boolean;
  logger?: Logger;
  /** Called after closing, before exiting. */
  onClosed?: (error?: Error) => void;
}

/** Installs the signal handlers; returns a function that removes them. */
export function closeOnSignals(target: Closeable, options: ShutdownOptions = {}): () => void {
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  const deadlineMs = options.deadlineMs ?? 30_000;
  let closing = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (closing) {
      // A second signal means "now".
      options.logger?.warn('second signal during shutdown; exiting at once', { signal });
      process.exit(1);
    }
    closing = true;
    options.logger?.info('shutting down', { signal, deadlineMs });
    const timer = setTimeout(() => {
      options.logger?.error('shutdown deadline passed; exiting', { deadlineMs });
      options.onClosed?.(new Error('shutdown deadline passed'));
      if (options.exit ?? true) process.exit(1);
    }, deadlineMs + 1_000);
    timer.unref();
    target.close({ deadlineMs }).then(
      () => {
        clearTimeout(timer);
        options.onClosed?.();
        if (options.exit ?? true) process.exit(0);
      },
      (error: unknown) => {
        clearTimeout(timer);
        options.logger?.error('shutdown failed', { error: asError(error) });
        options.onClosed?.(asError(error));
        if (options.exit ?? true) process.exit(1);
      },
    );
  };
  for (const signal of signals) process.on(signal, handler);
  return () => {
    for (const signal of signals) process.off(signal, handler);
  };
}

/** Resolves with `work`, or after `ms` with `undefined` — whichever comes first. */
export async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), Math.max(0, ms));
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
