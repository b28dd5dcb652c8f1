/**
 * Throughput of the Avro pair check, for `bench/` scripts and the speed test. Each call parses
 * both schemas and walks them, exactly what `checkAvroPair` does for a caller; nothing is
 * cached between pairs.
 */
import { performance } from 'node:perf_hooks';
import { checkAvroPair } from './check.js';

export interface AvroPair {
  reader: unknown;
  writer: unknown;
}

export interface AvroBenchResult {
  pairs: number;
  /** How many times the whole list was checked in the timed part. */
  rounds: number;
  seconds: number;
  pairsPerSecond: number;
  /** Pairs found incompatible in one round, so a caller can tell the workload was real. */
  incompatible: number;
}

/** Checks every pair once to warm up, then repeatedly for at least `minSeconds`. */
export function benchAvroPairs(pairs: readonly AvroPair[], minSeconds = 1): AvroBenchResult {
  if (pairs.length === 0) throw new Error('benchAvroPairs needs at least one pair');
  let incompatible = 0;
  for (const { reader, writer } of pairs) if (checkAvroPair(reader, writer).length > 0) incompatible++;
  let rounds = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    for (const { reader, writer } of pairs) checkAvroPair(reader, writer);
    rounds++;
    elapsed = (performance.now() - start) / 1000;
  } while (elapsed < minSeconds);
  return { pairs: pairs.length, rounds, seconds: elapsed, pairsPerSecond: (pairs.length * rounds) / elapsed, incompatible };
}
