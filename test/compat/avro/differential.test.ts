/**
 * Differential test: random schema evolutions checked by herald and by python3-avro 1.11.1's
 * port of Avro Java's SchemaCompatibility, in both directions (new reads old, old reads new), so
 * the pairs of every Confluent level are covered. The generator (./evolve.ts) leaves out only
 * constructs where python3-avro is known to differ from Java; its header lists them, and
 * java-semantics.test.ts covers them against Java's behaviour instead.
 *
 * The seed is printed; `HERALD_SEED=<n>` replays a run.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { checkAvroPair } from '../../../generator/compat/avro/check.js';
import { AVRO_RULE_IDS } from '../../../generator/compat/avro/rules.js';
import { Prng, randomEvolution } from './evolve.js';
import { AvroOracle } from './support.js';

const EVOLUTIONS = 2000;
/** Wide records and long enums, which take the checker's index and map code paths. */
const LARGE_EVOLUTIONS = 100;
const seed = process.env['HERALD_SEED'] ? Number(process.env['HERALD_SEED']) : Math.floor(Math.random() * 2 ** 31);

interface Outcome {
  pairs: number;
  compatible: number;
  disagreements: string[];
  rules: Map<string, number>;
}

async function compare(oracle: AvroOracle, rng: Prng, evolutions: number, large: boolean): Promise<Outcome> {
  const pairs: { reader: unknown; writer: unknown; label: string }[] = [];
  for (let i = 0; i < evolutions; i++) {
    const { before, after, edits } = randomEvolution(rng, large);
    const label = `${large ? 'large ' : ''}evolution ${i} [${edits.join('; ')}]`;
    pairs.push({ reader: after, writer: before, label: `${label} new reads old` });
    pairs.push({ reader: before, writer: after, label: `${label} old reads new` });
  }
  const replies = await Promise.all(pairs.map((p) => oracle.check(p.reader, p.writer)));
  const outcome: Outcome = { pairs: pairs.length, compatible: 0, disagreements: [], rules: new Map() };
  for (const [i, pair] of pairs.entries()) {
    const reply = replies[i];
    const findings = checkAvroPair(pair.reader, pair.writer);
    const ours = findings.length === 0;
    if (ours) outcome.compatible++;
    for (const rule of new Set(findings.map((f) => f.rule))) outcome.rules.set(rule, (outcome.rules.get(rule) ?? 0) + 1);
    if (reply?.compatible !== ours) {
      outcome.disagreements.push(
        `${pair.label}: herald ${ours}, python3-avro ${reply?.compatible} ${reply?.error ?? JSON.stringify(reply?.messages)}\n` +
          `  herald: ${JSON.stringify(findings)}\n  reader: ${JSON.stringify(pair.reader)}\n  writer: ${JSON.stringify(pair.writer)}`,
      );
    }
  }
  return outcome;
}

function summary(what: string, outcome: Outcome): string {
  const agreed = outcome.pairs - outcome.disagreements.length;
  return (
    `avro differential (${what}, seed ${seed}): ${outcome.pairs} pairs, ${agreed}/${outcome.pairs} agree ` +
    `(${((100 * agreed) / outcome.pairs).toFixed(2)}%); ${outcome.compatible} compatible, ` +
    `${outcome.pairs - outcome.compatible} incompatible; rules hit (pairs): ${JSON.stringify(Object.fromEntries([...outcome.rules].sort()))}`
  );
}

describe('Avro compatibility against python3-avro', () => {
  const oracle = new AvroOracle();
  afterAll(() => oracle.close());
  console.log(`avro differential seed: ${seed} (replay with HERALD_SEED=${seed})`);

  it(`agrees on ${EVOLUTIONS} random evolutions in both directions`, async () => {
    const outcome = await compare(oracle, new Prng(seed), EVOLUTIONS, false);
    console.log(summary(`${EVOLUTIONS} evolutions`, outcome));
    expect(outcome.disagreements.slice(0, 5)).toEqual([]);
    // The generator must keep exercising both verdicts and every rule Java has.
    expect(outcome.compatible).toBeGreaterThan(outcome.pairs * 0.2);
    expect(outcome.pairs - outcome.compatible).toBeGreaterThan(outcome.pairs * 0.2);
    for (const rule of AVRO_RULE_IDS.filter((id) => id !== 'READER_FIELD_MATCHES_MULTIPLE_WRITER_FIELDS')) {
      expect(outcome.rules.get(rule) ?? 0, rule).toBeGreaterThan(0);
    }
  });

  it(`agrees on ${LARGE_EVOLUTIONS} evolutions of large schemas`, async () => {
    const outcome = await compare(oracle, new Prng(seed ^ 0x5bd1e995), LARGE_EVOLUTIONS, true);
    console.log(summary(`${LARGE_EVOLUTIONS} large evolutions`, outcome));
    expect(outcome.disagreements.slice(0, 5)).toEqual([]);
  });
});
