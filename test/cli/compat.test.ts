import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runHerald, STACK_TRACE } from '../support/cli.js';

const CONFORMANCE = path.resolve(REPO_ROOT, '../shared/conformance');
const scratch = await mkdtemp(path.join(tmpdir(), 'herald-compat-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

interface AvroPair {
  id: string;
  reader: unknown;
  writer: unknown;
  compatible: boolean;
}

interface BatchAnswer {
  id: string | null;
  compatible?: boolean;
  messages?: string[];
  error?: string;
}

function parseLines(stdout: string): BatchAnswer[] {
  return stdout.trim().split('\n').map((line) => JSON.parse(line) as BatchAnswer);
}

describe('herald compat FILES', () => {
  const v1 = { type: 'record', name: 'E', fields: [{ name: 'id', type: 'string' }] };
  const v2ok = { ...v1, fields: [...v1.fields, { name: 'n', type: 'int', default: 0 }] };
  const v2bad = { ...v1, fields: [...v1.fields, { name: 'n', type: 'int' }] };

  it('exits 0 for a compatible change and 1 for an incompatible one, with --json', async () => {
    await writeFile(path.join(scratch, 'v1.avsc'), JSON.stringify(v1));
    await writeFile(path.join(scratch, 'v2ok.avsc'), JSON.stringify(v2ok));
    await writeFile(path.join(scratch, 'v2bad.avsc'), JSON.stringify(v2bad));
    const ok = await runHerald(['compat', '--level', 'BACKWARD', 'v2ok.avsc', 'v1.avsc', '--json'], { cwd: scratch });
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ compatible: true, messages: [] });
    const bad = await runHerald(['compat', '--format', 'avro', '--level', 'BACKWARD', 'v2bad.avsc', 'v1.avsc', '--json'], { cwd: scratch });
    expect(bad.code).toBe(1);
    const result = JSON.parse(bad.stdout) as { compatible: boolean; messages: string[] };
    expect(result.compatible).toBe(false);
    expect(result.messages[0]).toMatch(/v2bad\.avsc readers cannot read v1\.avsc data: .*`n`/);
    const human = await runHerald(['compat', '--level', 'FORWARD', 'v2bad.avsc', 'v1.avsc'], { cwd: scratch });
    expect(human.code).toBe(0);
    expect(human.stdout).toBe('compatible (FORWARD)\n');
  });

  it('exits 2 on invalid input, naming the file', async () => {
    await writeFile(path.join(scratch, 'broken.avsc'), '{"type": "record", "name": "E", "fields": [}');
    await writeFile(path.join(scratch, 'unknown.avsc'), JSON.stringify({ type: 'record', name: 'E', fields: [{ name: 'x', type: 'nope' }] }));
    for (const [args, message] of [
      [['compat', 'broken.avsc', 'v1.avsc'], /broken\.avsc:1:\d+: invalid JSON/],
      [['compat', 'unknown.avsc', 'v1.avsc'], /unknown\.avsc: invalid Avro schema at \/fields\/0\/type: .*`nope`/],
      [['compat', 'missing.avsc', 'v1.avsc'], /cannot read missing\.avsc: ENOENT/],
      [['compat', '--level', 'SIDEWAYS', 'v1.avsc'], /Invalid values/],
      [['compat'], /name the new schema file/],
    ] as const) {
      const run = await runHerald([...args], { cwd: scratch });
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stderr).not.toMatch(STACK_TRACE);
    }
  });
});

describe('herald compat --batch', () => {
  it('answers every Avro conformance pair in one process, in order', async () => {
    const pairs = JSON.parse(await readFile(path.join(CONFORMANCE, 'avro/cases.json'), 'utf8')) as AvroPair[];
    // BACKWARD with one previous version asks exactly "can `new` read data written with `old`".
    const input = pairs.map((p) => JSON.stringify({ id: p.id, format: 'avro', level: 'BACKWARD', new: p.reader, old: [p.writer] })).join('\n') + '\n';
    const run = await runHerald(['compat', '--batch'], { input });
    expect(run.code, run.stderr).toBe(0);
    const answers = parseLines(run.stdout);
    expect(answers.map((a) => a.id)).toEqual(pairs.map((p) => p.id));
    const wrong = answers.filter((a, i) => a.compatible !== pairs[i]!.compatible);
    expect(wrong).toEqual([]);
    console.log(`herald compat --batch: ${answers.length}/${pairs.length} Avro conformance pairs agree`);
  });

  it('answers bad lines with an error and keeps going', async () => {
    const good = { type: 'record', name: 'E', fields: [] };
    const lines = [
      JSON.stringify({ id: 'a', format: 'avro', level: 'FULL', new: good, old: [good] }),
      '{not json',
      JSON.stringify({ id: 'b', format: 'avro', level: 'FULL', new: { type: 'record', name: 'E', fields: [{ name: 'x', type: 'nope' }] }, old: [] }),
      JSON.stringify({ id: 'c', format: 'xml', new: good }),
      JSON.stringify({ id: 'd', format: 'avro', level: 'MOSTLY', new: good }),
      JSON.stringify({ id: 'e', format: 'json', level: 'BACKWARD', new: '{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":false}', old: ['{"type":"object","additionalProperties":false}'] }),
      JSON.stringify({ id: 'f', format: 'json', level: 'BACKWARD', new: { type: 'object', properties: { a: { type: 'string' } } }, old: [{ type: 'object' }], policy: 'LENIENT' }),
      JSON.stringify({ id: 'g', format: 'json', level: 'BACKWARD', new: { type: 'object', properties: { a: { type: 'string' } } }, old: [{ type: 'object' }] }),
      JSON.stringify({ id: 'h', format: 'avro', level: 'BACKWARD', new: '"long"', old: ['"int"'] }),
    ];
    const run = await runHerald(['compat', '--batch'], { input: lines.join('\n') + '\n' });
    expect(run.code).toBe(0);
    const answers = parseLines(run.stdout);
    expect(answers).toHaveLength(lines.length);
    expect(answers[0]).toMatchObject({ id: 'a', compatible: true });
    expect(answers[1]).toMatchObject({ id: null, error: expect.stringMatching(/^line 2: invalid JSON/) });
    expect(answers[2]).toMatchObject({ id: 'b', error: expect.stringMatching(/new: invalid Avro schema at \/fields\/0\/type/) });
    expect(answers[3]).toMatchObject({ id: 'c', error: expect.stringMatching(/"format" must be/) });
    expect(answers[4]).toMatchObject({ id: 'd', error: expect.stringMatching(/unknown "level"/) });
    expect(answers[5]).toMatchObject({ id: 'e', compatible: true });
    expect(answers[6]).toMatchObject({ id: 'f', compatible: true });
    expect(answers[7]).toMatchObject({ id: 'g', compatible: false });
    expect(answers[8]).toMatchObject({ id: 'h', compatible: true });
  });
});
