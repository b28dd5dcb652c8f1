import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import avro from 'avsc';
import { loadContracts } from '../../generator/contracts/load.js';
import { ajvFor, draftOf } from '../../generator/contracts/json-schema.js';
import { measure, report, type BenchSuite } from '../harness.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const schemasDir = path.join(root, 'schemas');

/** The least any validator must do: read each file, parse it, and have avsc or ajv accept it. */
async function parseWithLibrariesOnly(): Promise<number> {
  let count = 0;
  for (const domain of await readdir(schemasDir, { withFileTypes: true })) {
    if (!domain.isDirectory()) continue;
    for (const file of await readdir(path.join(schemasDir, domain.name))) {
      const text = await readFile(path.join(schemasDir, domain.name, file), 'utf8');
      const value = JSON.parse(text) as Record<string, unknown>;
      if (file.endsWith('.avsc')) avro.Type.forSchema(value as avro.Schema, { registry: {} });
      else if (file.endsWith('.schema.json')) {
        const ajv = ajvFor(draftOf(value) ?? 'draft-07');
        const { $id: _id, ...anonymous } = value;
        ajv.compile(anonymous);
        ajv.removeSchema();
      } else continue;
      count++;
    }
  }
  return count;
}

const suite: BenchSuite = {
  description: 'loading and linting the example contracts, against bare avsc/ajv parsing of the same files',
  async run() {
    const events = (await loadContracts(root)).contracts?.events.length ?? 0;
    const baseline = await measure(parseWithLibrariesOnly, { operations: events });
    const lint = await measure(() => loadContracts(root), { operations: events });
    report({ name: 'contracts.lint', value: lint.perSecond, unit: 'schemas/s', baseline: 'avsc+ajv-parse-only', baselineValue: baseline.perSecond });
  },
};
export default suite;
