/**
 * Benchmarks report one line per measurement against a baseline measured in the same run, so a
 * result never depends on how busy this particular machine happened to be:
 *
 *   bench: <name> value=<number> unit=<unit> baseline=<name> ratio=<number>
 */
export interface Measurement {
  /** Operations per second, the median over the runs. */
  perSecond: number;
  runs: number[];
}

export interface MeasureOptions {
  /** Timed runs after one warm-up run. */
  runs?: number;
  /** How many operations one call of `fn` performs. */
  operations?: number;
  /** Minimum duration of each run; `fn` is repeated until it is reached. */
  minMillis?: number;
}

/** Times `fn` repeatedly and returns the median rate, which resists one-off hiccups better than the mean. */
export async function measure(fn: () => unknown, options: MeasureOptions = {}): Promise<Measurement> {
  const { runs = 5, operations = 1, minMillis = 300 } = options;
  await fn();
  const rates: number[] = [];
  for (let run = 0; run < runs; run++) {
    let calls = 0;
    const start = process.hrtime.bigint();
    let elapsed = 0;
    do {
      await fn();
      calls++;
      elapsed = Number(process.hrtime.bigint() - start) / 1e6;
    } while (elapsed < minMillis);
    rates.push((calls * operations * 1000) / elapsed);
  }
  const sorted = [...rates].sort((a, b) => a - b);
  return { perSecond: sorted[Math.floor(sorted.length / 2)]!, runs: rates };
}

export interface BenchLine {
  name: string;
  value: number;
  unit: string;
  baseline: string;
  baselineValue: number;
  /** `true` when a smaller value is better (latency, size); the ratio is then baseline/value. */
  lowerIsBetter?: boolean;
}

export function formatLine(line: BenchLine): string {
  const ratio = line.lowerIsBetter ? line.baselineValue / line.value : line.value / line.baselineValue;
  return `bench: ${line.name} value=${round(line.value)} unit=${line.unit} baseline=${line.baseline} ratio=${round(ratio)}`;
}

export function report(line: BenchLine): void {
  process.stdout.write(formatLine(line) + '\n');
}

function round(value: number): string {
  return Number(value.toPrecision(4)).toString();
}

export interface BenchSuite {
  description: string;
  run(): Promise<void>;
}
