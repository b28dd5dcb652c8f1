import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkCompatibility } from '../../generator/compat/check.js';
import { loadContracts } from '../../generator/contracts/load.js';
import { AvroOracle } from '../../test/compat/avro/support.js';
import { evolutionCorpus, type Evolution } from '../corpus/evolutions.js';
import { measure, report, type BenchSuite } from '../harness.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CORPUS_SIZE = 1000;

/** Avro at FULL (both directions, as the oracle is asked); JSON Schema at BACKWARD, the usual level. */
function checkAll(corpus: readonly Evolution[]): number {
  let incompatible = 0;
  for (const { format, previous, next } of corpus) {
    const level = format === 'avro' ? 'FULL' : 'BACKWARD';
    if (!checkCompatibility({ format, level, schema: next, previous: [previous] }).compatible) incompatible++;
  }
  return incompatible;
}

/** python3-avro checking the same reader/writer pairs, pipelined through one long-lived process. */
async function oracleRate(corpus: readonly Evolution[]): Promise<{ perSecond: number; incompatible: number }> {
  const oracle = new AvroOracle();
  try {
    await Promise.all(corpus.slice(0, 20).map((e) => oracle.check(e.next, e.previous)));
    const rates: number[] = [];
    let incompatible = 0;
    for (let run = 0; run < 3; run++) {
      const start = process.hrtime.bigint();
      const replies = await Promise.all(
        corpus.flatMap((e) => [oracle.check(e.next, e.previous), oracle.check(e.previous, e.next)]),
      );
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      rates.push(corpus.length / seconds);
      incompatible = corpus.filter((_, i) => replies[2 * i]?.compatible === false || replies[2 * i + 1]?.compatible === false).length;
    }
    return { perSecond: rates.sort((a, b) => a - b)[1]!, incompatible };
  } finally {
    await oracle.close();
  }
}

const suite: BenchSuite = {
  description: `${CORPUS_SIZE} Avro evolutions at FULL (two pair checks each) and ${CORPUS_SIZE} JSON Schema evolutions at BACKWARD, made from the example contracts`,
  async run() {
    const { contracts } = await loadContracts(root);
    if (!contracts) throw new Error('the example contracts do not load');
    const avro = evolutionCorpus(contracts.events, CORPUS_SIZE, 'avro');
    const json = evolutionCorpus(contracts.events, CORPUS_SIZE, 'json');

    const oracle = await oracleRate(avro);
    const ours = await measure(() => checkAll(avro), { operations: avro.length, runs: 3 });
    const agreeing = checkAll(avro) === oracle.incompatible;
    console.log(`# avro: ${checkAll(avro)} of ${avro.length} incompatible (python3-avro: ${oracle.incompatible}${agreeing ? ', same count' : ', DIFFERENT count'})`);
    report({ name: 'compat.avro', value: ours.perSecond, unit: 'evolutions/s', baseline: 'python3-avro-oracle', baselineValue: oracle.perSecond });

    // No independent JSON Schema checker runs here; the baseline is our Avro rate, for scale.
    const jsonRate = await measure(() => checkAll(json), { operations: json.length, runs: 3 });
    console.log(`# json: ${checkAll(json)} of ${json.length} incompatible`);
    report({ name: 'compat.json', value: jsonRate.perSecond, unit: 'evolutions/s', baseline: 'compat.avro', baselineValue: ours.perSecond });
  },
};
export default suite;
