import { cp, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { copyTree, REPO_ROOT, runHerald, STACK_TRACE } from '../support/cli.js';

const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/lint');

interface BrokenCase {
  description: string;
  rule: string;
  file: string;
  pointer: string;
  line?: number;
  remove?: string[];
}

interface JsonReport {
  ok: boolean;
  errors: number;
  warnings: number;
  diagnostics: { rule: string; severity: string; file: string; pointer: string; line?: number; column?: number; message: string }[];
}

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  await Promise.all(cleanups.map((c) => c()));
});

/** The base tree with one case's files laid over it and its removals applied. */
async function brokenTree(name: string, spec: BrokenCase): Promise<string> {
  const { dir, cleanup } = await copyTree(path.join(FIXTURES, 'base'));
  cleanups.push(cleanup);
  const overlay = path.join(FIXTURES, 'broken', name, 'tree');
  await cp(overlay, dir, { recursive: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
  for (const removed of spec.remove ?? []) await rm(path.join(dir, removed));
  return dir;
}

const caseNames = (await readdir(path.join(FIXTURES, 'broken'))).sort();
const cases = await Promise.all(
  caseNames.map(async (name) => ({
    name,
    spec: JSON.parse(await readFile(path.join(FIXTURES, 'broken', name, 'case.json'), 'utf8')) as BrokenCase,
  })),
);

describe('herald lint', () => {
  it('accepts the clean base tree and the example contracts', async () => {
    const base = await runHerald(['lint', '--cwd', path.join(FIXTURES, 'base')]);
    expect(base.stdout).toContain('no problems');
    expect(base.code).toBe(0);
    const examples = await runHerald(['lint', '--strict'], { cwd: REPO_ROOT });
    expect(examples.stdout).toMatch(/✓ \d+ event versions in \d+ domains: no problems/);
    expect(examples.code).toBe(0);
  });

  it('has a broken fixture for every error rule', async () => {
    const { LINT_RULES } = await import('../../generator/contracts/diagnostics.js');
    const errorRules = Object.entries(LINT_RULES).filter(([, r]) => r.severity === 'error').map(([id]) => id);
    expect(new Set(cases.map((c) => c.spec.rule))).toEqual(new Set(errorRules));
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });

  it.each(cases)('$name: exit 2 naming the file and the path', async ({ name, spec }) => {
    const dir = await brokenTree(name, spec);
    const json = await runHerald(['lint', '--cwd', dir, '--format', 'json']);
    expect(json.code, json.stderr).toBe(2);
    const report = JSON.parse(json.stdout) as JsonReport;
    expect(report.ok).toBe(false);
    const match = report.diagnostics.find((d) => d.rule === spec.rule && d.file === spec.file && d.pointer === spec.pointer);
    expect(match, JSON.stringify(report.diagnostics, null, 2)).toBeDefined();
    expect(match?.severity).toBe('error');
    if (spec.line !== undefined) expect(match?.line).toBe(spec.line);
    // One defect must not drown in follow-on errors.
    expect(report.errors, JSON.stringify(report.diagnostics, null, 2)).toBeLessThanOrEqual(2);

    const human = await runHerald(['lint', '--cwd', dir]);
    expect(human.code).toBe(2);
    const line = human.stdout.split('\n').find((l) => l.includes(spec.rule) && l.startsWith(spec.file));
    expect(line, human.stdout).toBeDefined();
    if (spec.pointer) expect(line).toContain(`(at ${spec.pointer})`);
    expect(human.stdout + human.stderr).not.toMatch(STACK_TRACE);
  });

  it('reports missing docs as warnings: exit 0, or 2 with --strict', async () => {
    const { dir, cleanup } = await copyTree(path.join(FIXTURES, 'base'));
    cleanups.push(cleanup);
    const file = path.join(dir, 'schemas/shop/OrderPlaced.v1.avsc');
    const schema = JSON.parse(await readFile(file, 'utf8')) as { fields: { doc?: string }[] };
    delete schema.fields[1]!.doc;
    const { writeFile } = await import('node:fs/promises');
    await writeFile(file, JSON.stringify(schema, null, 2));
    const lenient = await runHerald(['lint', '--cwd', dir, '--format', 'json']);
    expect(lenient.code).toBe(0);
    const report = JSON.parse(lenient.stdout) as JsonReport;
    expect(report.diagnostics).toEqual([
      expect.objectContaining({ rule: 'FIELD_DOC_MISSING', severity: 'warning', file: 'schemas/shop/OrderPlaced.v1.avsc', pointer: '/fields/1' }),
    ]);
    expect((await runHerald(['lint', '--cwd', dir, '--strict'])).code).toBe(2);
  });
});

describe('herald CLI usage', () => {
  it('lists every planned command in --help', async () => {
    const help = await runHerald(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['lint', 'compat', 'check', 'generate', 'docs', 'register', 'registry', 'outbox', 'dlq']) {
      expect(help.stdout).toMatch(new RegExp(`herald ${command}\\b`));
    }
    for (const [group, sub] of [['registry', 'serve'], ['outbox', 'relay'], ['dlq', 'replay']] as const) {
      const nested = await runHerald([group, '--help']);
      expect(nested.stdout).toContain(`herald ${group} ${sub}`);
      expect((await runHerald([group, sub, '--help'])).code).toBe(0);
    }
  });

  it.each([
    [['lnt'], /unknown command/],
    [['lint', '--bogus'], /Unknown argument: bogus/],
    [['lint', '--format', 'xml'], /Invalid values/],
    [[], /Name a command/],
  ])('rejects %j with a message and exit 2', async (args, message) => {
    const run = await runHerald(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(STACK_TRACE);
  });
});
