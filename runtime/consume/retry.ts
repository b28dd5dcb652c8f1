/**
 * Retry policy for handlers: a bounded number of attempts with exponential backoff and full
 * jitter (AWS's "full jitter": a uniform delay in [0, min(max, initial·2^n)]), so consumers that
 * failed together do not retry together. Errors that no retry can fix skip straight to the DLQ.
 */
import { EventDecodeError, EventValidationError, NonRetryableError, type RetryPolicy } from '../api.js';

export interface ResolvedRetryPolicy {
  attempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

export function resolveRetryPolicy(policy: RetryPolicy = {}): ResolvedRetryPolicy {
  const attempts = policy.attempts ?? 5;
  const initialDelayMs = policy.initialDelayMs ?? 200;
  const maxDelayMs = policy.maxDelayMs ?? 30_000;
  if (!Number.isInteger(attempts) || attempts < 1) throw new RangeError(`retry.attempts must be an integer ≥ 1, got ${attempts}`);
  if (!(initialDelayMs >= 0) || !(maxDelayMs >= initialDelayMs)) {
    throw new RangeError('retry delays must satisfy 0 ≤ initialDelayMs ≤ maxDelayMs');
  }
  return { attempts, initialDelayMs, maxDelayMs };
}

/** The wait before attempt `nextAttempt` (2, 3, …). */
export function retryDelay(policy: ResolvedRetryPolicy, nextAttempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.min(nextAttempt - 2, 30));
  return Math.floor(random() * ceiling);
}

/** Errors a retry cannot fix: the handler said so, or the record itself is bad. */
export function isRetryable(error: unknown): boolean {
  return !(error instanceof NonRetryableError || error instanceof EventValidationError || error instanceof EventDecodeError);
}
