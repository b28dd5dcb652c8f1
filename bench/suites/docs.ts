import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generate } from '../../generator/codegen/pipeline.js';
import { loadContracts } from '../../generator/contracts/load.js';
import { generateDocsSite } from '../../generator/docs/build.js';
import { sourceFromContracts } from '../../generator/docs/source.js';
import { writeSyntheticCorpus } from '../../test/docs/synthetic-corpus.js';
import { measure, report, type BenchSuite } from '../harness.js';

/**
 * `herald docs` against `herald generate` on one synthetic 2,000-schema corpus, both in-process
 * and end to end as their commands do it (load and check the contracts, build, write into a
 * fresh folder). The site's size is reported against the size of the schema files it documents.
 */

const SCHEMAS = Number(process.env['HERALD_BENCH_DOCS_SCHEMAS'] ?? 2000);

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) total += (await stat(path.join(entry.parentPath, entry.name))).size;
  }
  return total;
}

const suite: BenchSuite = {
  description: `docs site for a ${SCHEMAS}-schema synthetic corpus: wall time against herald generate on the same corpus, and output size`,
  async run() {
    const dir = await mkdtemp(path.join(tmpdir(), 'herald-bench-docs-'));
    try {
      const corpus = await writeSyntheticCorpus(dir, { schemas: SCHEMAS });
      const siteDir = path.join(dir, 'site');
      const generatedDir = path.join(dir, 'generated');
      // Each run starts from an empty folder, so neither command can skip unchanged files.
      const docs = async (): Promise<void> => {
        await rm(siteDir, { recursive: true, force: true });
        const { contracts } = await loadContracts(dir);
        await generateDocsSite(sourceFromContracts(contracts!), siteDir);
      };
      const codegen = async (): Promise<void> => {
        await rm(generatedDir, { recursive: true, force: true });
        const { contracts } = await loadContracts(dir);
        await generate(contracts!, { outDir: generatedDir });
      };
      const options = { runs: 3, minMillis: 0, operations: corpus.schemas };
      const baseline = await measure(codegen, options);
      const site = await measure(docs, options);
      // The docs stages alone (models, diffs, verdicts, examples, HTML, writing), against the
      // contract loading both commands start with.
      const { contracts } = await loadContracts(dir);
      const stagesOnly = await measure(async () => {
        await rm(siteDir, { recursive: true, force: true });
        await generateDocsSite(sourceFromContracts(contracts!), siteDir);
      }, options);
      const loading = await measure(() => loadContracts(dir), options);
      const seconds = (m: { perSecond: number }): number => corpus.schemas / m.perSecond;
      process.stdout.write(
        `# corpus: ${corpus.schemas} schemas, ${corpus.events} event types, ${corpus.domains} domains, ${(corpus.bytes / 1024 / 1024).toFixed(1)} MiB of schema files\n`,
      );
      report({ name: 'docs.site', value: seconds(site), unit: 's', baseline: 'herald-generate', baselineValue: seconds(baseline), lowerIsBetter: true });
      report({ name: 'docs.stages', value: seconds(stagesOnly), unit: 's', baseline: 'contract-loading', baselineValue: seconds(loading), lowerIsBetter: true });
      report({ name: 'docs.throughput', value: site.perSecond, unit: 'schemas/s', baseline: 'herald-generate', baselineValue: baseline.perSecond });
      report({ name: 'docs.size', value: (await folderBytes(siteDir)) / 1024 / 1024, unit: 'MiB', baseline: 'schema-files', baselineValue: corpus.bytes / 1024 / 1024, lowerIsBetter: true });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};
export default suite;
