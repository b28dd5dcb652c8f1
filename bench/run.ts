import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchSuite } from './harness.js';

const suitesDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'suites');
const available = (await readdir(suitesDir)).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3)).sort();
const requested = process.argv.slice(2);

if (requested.length === 0 || requested.some((name) => !available.includes(name))) {
  const unknown = requested.filter((name) => !available.includes(name));
  if (unknown.length > 0) console.error(`unknown bench suite: ${unknown.join(', ')}`);
  console.error(`usage: npm run bench -- <suite>...\nsuites: ${available.join(', ')}`);
  process.exit(2);
}

for (const name of requested) {
  const suite = (await import(path.join(suitesDir, `${name}.ts`))).default as BenchSuite;
  console.log(`# ${name}: ${suite.description}`);
  await suite.run();
}
