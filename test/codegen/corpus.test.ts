/**
 * The generator on a synthetic corpus (the one the codegen bench uses, smaller): every feature
 * class of test/fixtures/codegen/corpus.ts type-checks under strict mode and round-trips, and every
 * older version reads into the latest.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { Project, ts } from 'ts-morph';
import { afterAll, describe, expect, it } from 'vitest';
import type { EventCodec } from 'herald/runtime';
import { loadContracts } from '../../generator/contracts/load.js';
import { generate } from '../../generator/codegen/pipeline.js';
import { writeCorpus } from '../fixtures/codegen/corpus.js';
import { REPO_ROOT, writerOf } from './support.js';
import { avroRandom, jsonRandom, Random, tsLiteral } from './random-values.js';

const base = path.join(REPO_ROOT, 'test/fixtures/codegen', `.corpus-${process.pid}`);
afterAll(() => rm(base, { recursive: true, force: true }));

for (const format of ['avro', 'json'] as const) {
  describe(`synthetic ${format} corpus`, () => {
    const root = path.join(base, format);
    const out = path.join(root, 'generated');

    it('generates code that type-checks under strict mode', async () => {
      await writeCorpus(root, { format, count: 80, domains: 4, seed: format === 'avro' ? 7 : 11 });
      const { contracts, diagnostics } = await loadContracts(root);
      expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      await generate(contracts!, { outDir: out, incremental: false });
      const project = new Project({
        compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, strict: true, noEmit: true, skipLibCheck: true, types: ['node'] },
      });
      project.addSourceFilesAtPaths(path.join(out, '**/*.ts'));
      const problems = project.getPreEmitDiagnostics().slice(0, 5).map((d) => `${d.getSourceFile()?.getBaseName()}: ${ts.flattenDiagnosticMessageText(d.compilerObject.messageText, '\n')}`);
      expect(problems).toEqual([]);
    }, 120_000);

    it('round-trips random values of every version, and reads every version into the latest', async () => {
      const { contracts } = await loadContracts(root);
      const random = new Random(format === 'avro' ? 3 : 5);
      const latest = new Map<string, string>();
      for (const event of contracts!.events) latest.set(event.type, event.label);
      const codecs = new Map<string, EventCodec<unknown>>();
      for (const domain of contracts!.domains) {
        const module = (await import(path.join(out, domain.name, 'codecs.ts'))) as Record<string, EventCodec<unknown>>;
        for (const codec of Object.values(module)) codecs.set(`${codec.name}.v${codec.version}`, codec);
      }
      const ids = new Map<string, number>();
      const probes: string[] = [];
      let checked = 0;
      for (const event of contracts!.events) {
        const codec = codecs.get(event.label)!;
        const reader = codecs.get(latest.get(event.type)!)!;
        let valid = 0;
        for (let attempt = 0; valid < 20 && attempt < 2000; attempt++) {
          const value = format === 'avro' ? avroRandom(event.schema, random) : jsonRandom(event.schema as Record<string, unknown>, random);
          if (codec.validate(value).length) continue;
          valid++;
          const body = codec.encode(value);
          const decoded = codec.decode(body, writerOf(event, ids));
          expect(decoded, event.label).toEqual(value);
          if (valid <= 2) probes.push(`export const p${probes.length}: import('./${event.domain}/types.js').${event.name}V${event.version} = ${tsLiteral(decoded)};`);
          expect(reader.validate(reader.decode(body, writerOf(event, ids))), `${event.label} read as the latest`).toEqual([]);
        }
        expect(valid, `${event.label}: random values the schema accepts`).toBe(20);
        checked++;
      }
      expect(checked).toBe(80);

      // What the runtime decoded, written as literals of the generated types, must type-check.
      const project = new Project({
        compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, strict: true, noEmit: true, skipLibCheck: true, types: ['node'] },
      });
      project.addSourceFilesAtPaths(path.join(out, '**/*.ts'));
      const probeFile = project.createSourceFile(path.join(out, 'probes.ts'), probes.join('\n'), { overwrite: true });
      const problems = probeFile.getPreEmitDiagnostics().slice(0, 5).map((d) => ts.flattenDiagnosticMessageText(d.compilerObject.messageText, '\n').slice(0, 400));
      expect(problems).toEqual([]);
    }, 120_000);
  });
}
