import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeCorpus } from '../../test/fixtures/codegen/corpus.js';
import { report, type BenchSuite } from '../harness.js';

/**
 * `herald generate` on a synthetic corpus of 1,000 Avro and 1,000 JSON Schema event versions
 * (written by this bench into a temp dir): wall time and peak memory of the whole CLI process,
 * against avro-typescript, @ovotech/avro-ts and json-schema-to-typescript converting the same
 * files to types only, each also in one process with its start-up included. herald emits types,
 * serde (precompiled ajv validators for JSON) and typed clients. The generated corpus must then
 * type-check under `tsc --strict`; the peers' output is put through the same check and reported.
 * Two floors are timed in the same run: herald's CLI start-up, and (JSON Schema) herald's
 * validators stage on its own: ajv compiling the validators every run must emit.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const COUNT = Number(process.env['HERALD_BENCH_CORPUS'] ?? 1000);
const RUNS = Number(process.env['HERALD_BENCH_RUNS'] ?? 3);
/** `HERALD_BENCH_FORMATS=avro` (or `json`) measures one half only, e.g. while working on one path. */
const FORMATS = (['avro', 'json'] as const).filter((f) => (process.env['HERALD_BENCH_FORMATS'] ?? 'avro,json').split(',').includes(f));

const PEER_RUNNER = String.raw`
const { readdirSync, readFileSync, writeFileSync, mkdirSync } = require('node:fs');
const path = require('node:path');
const { createRequire } = require('node:module');
const [peer, corpus, out, resolveFrom] = process.argv.slice(2);
const req = createRequire(path.join(resolveFrom, 'package.json'));
const files = [];
for (const domain of readdirSync(path.join(corpus, 'schemas')).sort()) {
  const dir = path.join(corpus, 'schemas', domain);
  for (const f of readdirSync(dir).sort()) if (f !== 'domain.json') files.push(path.join(dir, f));
}
mkdirSync(out, { recursive: true });
(async () => {
  let n = 0;
  if (peer === 'avro-typescript') {
    const { avroToTypeScript } = req('avro-typescript');
    for (const f of files) writeFileSync(path.join(out, n++ + '.ts'), avroToTypeScript(JSON.parse(readFileSync(f, 'utf8'))));
  } else if (peer === '@ovotech/avro-ts') {
    const { toTypeScript } = req('@ovotech/avro-ts');
    for (const f of files) writeFileSync(path.join(out, n++ + '.ts'), toTypeScript(JSON.parse(readFileSync(f, 'utf8'))));
  } else if (peer === 'ajv-standalone') {
    // The floor of a JSON Schema run: herald's own validators stage (ajv standalone, one module per domain) and nothing else.
    const { compileValidators } = await import(path.join(resolveFrom, 'dist/generator/codegen/validators.js'));
    const byDomain = new Map();
    for (const f of files) byDomain.set(path.dirname(f), [...(byDomain.get(path.dirname(f)) || []), f]);
    for (const list of byDomain.values()) {
      const sources = list.map((f, i) => ({ name: 'validate' + i, file: f, schema: JSON.parse(readFileSync(f, 'utf8')) }));
      writeFileSync(path.join(out, n++ + '.js'), compileValidators(sources, ''));
    }
  } else {
    const { compile } = req('json-schema-to-typescript');
    const format = peer === 'json-schema-to-typescript';
    for (const f of files) {
      const schema = JSON.parse(readFileSync(f, 'utf8'));
      writeFileSync(path.join(out, n++ + '.ts'), await compile(schema, schema.title, { bannerComment: '', format, cwd: path.dirname(f) }));
    }
  }
})().catch((e) => { console.error(e); process.exit(1); });
`;

/** Preloaded into every measured process: writes its peak RSS when it exits. */
const RSS_HOOK = `import { writeFileSync } from 'node:fs';\nprocess.on('exit', () => writeFileSync(process.env.HERALD_BENCH_STATS, String(process.resourceUsage().maxRSS)));\n`;

interface Sample {
  seconds: number;
  peakMiB: number;
  /** Lines the tool wrote to stderr: how avro-typescript reports the types it could not convert. */
  stderrLines: number;
}

function run(args: string[], statsFile: string): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    execFile(process.execPath, args, { env: { ...process.env, HERALD_BENCH_STATS: statsFile, NO_COLOR: '1' }, maxBuffer: 64 << 20 }, async (error, _stdout, stderr) => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      if (error) return reject(new Error(`${args.join(' ')} failed: ${stderr || error.message}`));
      const kb = Number(await readFile(statsFile, 'utf8'));
      resolve({ seconds, peakMiB: kb / 1024, stderrLines: stderr.split('\n').filter(Boolean).length });
    });
  });
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

function installed(name: string): boolean {
  try {
    createRequire(path.join(root, 'package.json')).resolve(name);
    return true;
  } catch {
    return false;
  }
}

function typeCheck(dir: string): Promise<{ errors: number; files: number; output: string }> {
  const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
  return new Promise((resolve) => {
    execFile(process.execPath, [tsc, '-p', path.join(dir, 'tsconfig.json')], { maxBuffer: 64 << 20 }, (error, stdout) => {
      const errors = (stdout.match(/error TS\d+/g) ?? []).length;
      const files = new Set(stdout.match(/^[^\s(]+(?=\(\d+,\d+\): error)/gm) ?? []).size;
      resolve({ errors: error && errors === 0 ? -1 : errors, files, output: stdout.slice(0, 2000) });
    });
  });
}

/** A strict tsconfig over every .ts file under `dir`, with Node's types and herald/runtime mapped to this checkout. */
function strictConfig(dir: string): Promise<void> {
  return writeFile(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true,
        types: ['node'], typeRoots: [path.join(root, 'node_modules/@types')],
        paths: { 'herald/runtime': [path.join(root, 'dist/runtime/index.d.ts')] },
      },
      include: ['**/*.ts'],
    }),
  );
}

const suite: BenchSuite = {
  description: `herald generate on ${COUNT} Avro and ${COUNT} JSON Schema event versions: wall time and peak memory against types-only peers`,
  async run() {
    if (!existsSync(path.join(root, 'dist/generator/cli/main.js'))) throw new Error('build first: npm run build');
    const dir = await mkdtemp(path.join(tmpdir(), 'herald-bench-codegen-'));
    try {
      await writeFile(path.join(dir, 'rss-hook.mjs'), RSS_HOOK);
      await writeFile(path.join(dir, 'run-peer.cjs'), PEER_RUNNER);
      const hook = ['--import', path.join(dir, 'rss-hook.mjs')];
      const cli = path.join(root, 'dist/generator/cli/main.js');
      for (const format of FORMATS) {
        const corpus = path.join(dir, `corpus-${format}`);
        const files = await writeCorpus(corpus, { format, count: COUNT });
        const peers = format === 'avro' ? ['avro-typescript', '@ovotech/avro-ts'] : ['json-schema-to-typescript', 'json-schema-to-typescript (format: false)'];
        const available = peers.filter((peer) => installed(peer.replace(/ \(.*\)$/, '')));
        for (const missing of peers.filter((p) => !available.includes(p))) {
          process.stdout.write(`# skipped ${missing}: not installed (npm install -D avro-typescript @ovotech/avro-ts json-schema-to-typescript)\n`);
        }
        // Floors, not peers: herald's CLI start-up (node, yargs, the command's module), and for JSON Schema herald's validators
        // stage alone (ajv standalone code, one thread), which every run must do.
        const floors = format === 'json' ? ['start-up', 'ajv-standalone'] : ['start-up'];
        const samples = new Map<string, Sample[]>([['herald', []], ...[...available, ...floors].map((p): [string, Sample[]] => [p, []])]);
        const peerOut = (i: number, peer: string) => path.join(dir, `peer-${format}-${i}-${peer.replace(/[^a-z0-9]+/gi, '-')}`);
        // Interleaved runs, so load from other processes hits every tool alike; each herald run starts from an empty output folder.
        for (let i = 0; i < RUNS; i++) {
          const out = path.join(dir, `out-${format}-${i}`);
          samples.get('herald')!.push(await run([...hook, cli, 'generate', '--quiet', '--cwd', corpus, '--out', out], path.join(dir, 'stats')));
          for (const peer of available) {
            samples.get(peer)!.push(await run([...hook, path.join(dir, 'run-peer.cjs'), peer, corpus, peerOut(i, peer), root], path.join(dir, 'stats')));
          }
          samples.get('start-up')!.push(await run([...hook, cli, 'generate', '--help'], path.join(dir, 'stats')));
          if (format === 'json') samples.get('ajv-standalone')!.push(await run([...hook, path.join(dir, 'run-peer.cjs'), 'ajv-standalone', corpus, peerOut(i, 'ajv'), root], path.join(dir, 'stats')));
          if (i > 0) await rm(out, { recursive: true, force: true });
        }
        const herald = { seconds: median(samples.get('herald')!.map((s) => s.seconds)), peakMiB: median(samples.get('herald')!.map((s) => s.peakMiB)) };
        process.stdout.write(`# ${format}: ${files} schemas; herald ${herald.seconds.toFixed(2)} s (${(files / herald.seconds).toFixed(0)} schemas/s), peak ${herald.peakMiB.toFixed(0)} MiB, median of ${RUNS}\n`);
        if (available.length === 0) {
          report({ name: `codegen.${format}.generate`, value: herald.seconds, unit: 's', baseline: 'none-installed', baselineValue: herald.seconds, lowerIsBetter: true });
        }
        for (const peer of available) {
          const seconds = median(samples.get(peer)!.map((s) => s.seconds));
          const peakMiB = median(samples.get(peer)!.map((s) => s.peakMiB));
          const name = peer.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '');
          report({ name: `codegen.${format}.generate`, value: herald.seconds, unit: 's', baseline: name, baselineValue: seconds, lowerIsBetter: true });
          report({ name: `codegen.${format}.peak-memory`, value: herald.peakMiB, unit: 'MiB', baseline: name, baselineValue: peakMiB, lowerIsBetter: true });
        }
        const floorSeconds = (floor: string) => median(samples.get(floor)!.map((s) => s.seconds)).toFixed(2);
        process.stdout.write(
          `# ${format}: floors in this run: herald start-up (generate --help) ${floorSeconds('start-up')} s` +
            (format === 'json' ? `; the validators alone (ajv standalone, one thread) ${floorSeconds('ajv-standalone')} s` : '') +
            '\n',
        );

        // What the peers' types are worth: their output of the first run under the same strict tsc, and what they reported on stderr.
        for (const peer of available) {
          const out = peerOut(0, peer);
          await strictConfig(out);
          const checked = await typeCheck(out);
          const stderrLines = samples.get(peer)![0]!.stderrLines;
          process.stdout.write(`# ${format}: ${peer} output under tsc --strict: ${checked.errors} errors in ${checked.files} of ${files} files; ${stderrLines} lines on stderr\n`);
        }

        // Where herald's time goes: loading and linting the contracts (shared with `herald lint`) versus code generation.
        const { loadContracts } = (await import(path.join(root, 'dist/generator/contracts/load.js'))) as typeof import('../../generator/contracts/load.js');
        const pipeline = (await import(path.join(root, 'dist/generator/codegen/pipeline.js'))) as typeof import('../../generator/codegen/pipeline.js');
        const t0 = process.hrtime.bigint();
        const { contracts } = await loadContracts(corpus);
        const t1 = process.hrtime.bigint();
        const worker = pipeline.startWorker();
        await pipeline.generate(contracts!, { outDir: path.join(dir, `stages-${format}`), worker });
        await worker?.close();
        const t2 = process.hrtime.bigint();
        process.stdout.write(`# ${format}: in one process: load+lint ${(Number(t1 - t0) / 1e9).toFixed(2)} s, generate ${(Number(t2 - t1) / 1e9).toFixed(2)} s\n`);

        // Unchanged contracts: the second run rewrites nothing.
        const out0 = path.join(dir, `out-${format}-0`);
        const warm = await run([...hook, cli, 'generate', '--quiet', '--cwd', corpus, '--out', out0], path.join(dir, 'stats'));
        report({ name: `codegen.${format}.regenerate-unchanged`, value: warm.seconds, unit: 's', baseline: 'herald-cold', baselineValue: herald.seconds, lowerIsBetter: true });

        // The generated corpus under tsc --strict (native tsc; herald/runtime mapped to this checkout).
        await strictConfig(out0);
        const checked = await typeCheck(out0);
        process.stdout.write(`# ${format}: generated corpus under tsc --strict: ${checked.errors} errors\n`);
        if (checked.errors !== 0) throw new Error(`the generated ${format} corpus does not type-check:\n${checked.output}`);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};
export default suite;
