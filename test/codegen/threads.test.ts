/**
 * `herald generate` on a JSON Schema tree large enough for the second thread (the compiled CLI:
 * the worker exists only in dist/) writes exactly what the single-threaded pipeline renders, and a
 * validator the worker cannot compile is reported, not lost.
 */
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadContracts } from '../../generator/contracts/load.js';
import { formatFiles } from '../../generator/codegen/format.js';
import { renderContracts, WORKER_THRESHOLD } from '../../generator/codegen/pipeline.js';
import { writeCorpus } from '../fixtures/codegen/corpus.js';
import { REPO_ROOT } from './support.js';
import { runHerald } from '../support/cli.js';
import { listFiles } from '../support/files.js';

const base = path.join(REPO_ROOT, 'test/fixtures/codegen', `.threads-${process.pid}`);
afterAll(() => rm(base, { recursive: true, force: true }));

async function filesUnder(dir: string): Promise<Map<string, string>> {
  return new Map(await Promise.all((await listFiles(dir)).map(async (file) => [file, await readFile(path.join(dir, file), 'utf8')] as const)));
}

describe('generate with the validator thread', () => {
  const root = path.join(base, 'json');

  it('writes byte for byte what one thread renders', async () => {
    const count = await writeCorpus(root, { format: 'json', count: 160, domains: 12, seed: 23 });
    expect(count).toBeGreaterThanOrEqual(WORKER_THRESHOLD);
    const run = await runHerald(['generate', '--no-cache', '--cwd', root, '--out', 'threaded']);
    expect(run.stderr).not.toMatch(/internal error/);
    expect(run.code).toBe(0);
    const { contracts } = await loadContracts(root);
    const expected = new Map(formatFiles(renderContracts(contracts!)).map((f) => [f.path, f.content]));
    const written = await filesUnder(path.join(root, 'threaded'));
    expect([...written.keys()].filter((p) => p.endsWith('validators.js')).length).toBe(12);
    expect([...written.keys()]).toEqual([...expected.keys()].sort());
    for (const [file, content] of expected) expect(written.get(file), file).toBe(content);
  }, 120_000);

  it('reports a validator the worker cannot compile, with ajv\'s message', async () => {
    // The compiled pool (dist/): from TypeScript sources there is no worker module to start.
    const { CodegenWorker } = (await import(path.join(REPO_ROOT, 'dist/generator/codegen/pool.js'))) as typeof import('../../generator/codegen/pool.js');
    const source = (pattern: string) => [{ name: 'validateCode', file: 'code.schema.json', schema: { type: 'object', properties: { code: { type: 'string', pattern } } } }];
    const worker = CodegenWorker.start()!;
    try {
      expect(await worker.validators(source('^[a-z]+$'), '')).toContain('export const validateCode =');
      // Schemas reach this stage only after lint; a broken one still fails loudly, and the thread keeps serving.
      await expect(worker.validators(source('([a-z'), '')).rejects.toThrow(/Unterminated character class/);
      expect(await worker.validators(source('^[0-9]+$'), '')).toContain('export const validateCode =');
    } finally {
      await worker.close();
    }
  }, 60_000);
});
