import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runHerald, STACK_TRACE } from '../support/cli.js';

const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/check');

interface BreakingCase {
  description: string;
  rule: string;
  /** The file the finding must name. */
  file: string;
  /** A field, symbol or value the message must name. */
  field: string;
  /** `lock`: lock the clean tree first; `git`: commit it and check `--against HEAD`. */
  setup?: 'lock' | 'git';
  remove?: string[];
}

interface JsonReport {
  ok: boolean;
  findings: { rule: string; file: string; pointer: string; line?: number; message: string; subject: string }[];
}

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  await Promise.all(cleanups.map((c) => c()));
});

/** A scratch project holding a copy of the example contracts. */
async function exampleProject(): Promise<string> {
  const project = await mkdtemp(path.join(tmpdir(), 'herald-check-'));
  cleanups.push(() => rm(project, { recursive: true, force: true }));
  await cp(path.join(REPO_ROOT, 'schemas'), path.join(project, 'schemas'), { recursive: true });
  await cp(path.join(REPO_ROOT, 'herald.json'), path.join(project, 'herald.json'));
  await rm(path.join(project, 'schemas', 'herald.lock.json'), { force: true });
  return project;
}

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.email=ci@herald.test', '-c', 'user.name=herald', ...args], { cwd, stdio: 'ignore' });
}

const cases = await Promise.all(
  (await readdir(FIXTURES)).sort().map(async (name) => ({
    name,
    spec: JSON.parse(await readFile(path.join(FIXTURES, name, 'case.json'), 'utf8')) as BreakingCase,
  })),
);

describe('herald check', () => {
  it('passes the example contracts (exit 0), including against a lock and a git ref of themselves', async () => {
    const project = await exampleProject();
    const plain = await runHerald(['check', '--cwd', project]);
    expect(plain.stdout, plain.stderr).toMatch(/no breaking changes/);
    expect(plain.code).toBe(0);
    expect((await runHerald(['lock', '--cwd', project])).code).toBe(0);
    git(project, 'init', '-q');
    git(project, 'add', '.');
    git(project, 'commit', '-qm', 'base');
    const full = await runHerald(['check', '--cwd', project, '--against', 'HEAD', '--format', 'json']);
    expect(full.code, full.stdout + full.stderr).toBe(0);
    expect(JSON.parse(full.stdout)).toMatchObject({ ok: true, findings: [] });
  });

  it('has at least 12 kinds of breaking change as fixtures', () => {
    expect(new Set(cases.map((c) => c.spec.rule)).size).toBeGreaterThanOrEqual(12);
  });

  it.each(cases)('$name: exit 1 naming the file and the field', async ({ name, spec }) => {
    const project = await exampleProject();
    if (spec.setup === 'lock') expect((await runHerald(['lock', '--cwd', project])).code).toBe(0);
    if (spec.setup === 'git') {
      git(project, 'init', '-q');
      git(project, 'add', '.');
      git(project, 'commit', '-qm', 'base');
    }
    await cp(path.join(FIXTURES, name, 'tree'), project, { recursive: true }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
    for (const removed of spec.remove ?? []) await rm(path.join(project, removed));
    const against = spec.setup === 'git' ? ['--against', 'HEAD'] : [];

    const json = await runHerald(['check', '--cwd', project, '--format', 'json', ...against]);
    expect(json.code, json.stdout + json.stderr).toBe(1);
    const report = JSON.parse(json.stdout) as JsonReport;
    const finding = report.findings.find((f) => f.rule === spec.rule && f.file === spec.file);
    expect(finding, JSON.stringify(report.findings, null, 2)).toBeDefined();
    expect(finding?.message).toContain(spec.field);

    const human = await runHerald(['check', '--cwd', project, ...against]);
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(new RegExp(`^${spec.file.replace(/[.]/g, '\\.')}(:\\d+:\\d+)?: breaking ${spec.rule}: .*${spec.field.replace(/[.]/g, '\\.')}`, 'm'));
    expect(human.stdout + human.stderr).not.toMatch(STACK_TRACE);
  });

  it('writes JUnit XML and GitHub annotations', async () => {
    const project = await exampleProject();
    const spec = cases.find((c) => c.name === 'avro-field-type-changed')!;
    await cp(path.join(FIXTURES, spec.name, 'tree'), project, { recursive: true });

    const junit = await runHerald(['check', '--cwd', project, '--format', 'junit']);
    expect(junit.code).toBe(1);
    expect(junit.stdout).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="herald check" tests="(\d+)" failures="1">/);
    const testcases = junit.stdout.match(/<testcase /g) ?? [];
    expect(testcases.length).toBeGreaterThanOrEqual(22);
    expect(junit.stdout).toMatch(/<testcase classname="herald.check" name="ProjectCreated.v3" file="schemas\/project\/ProjectCreated.v3.avsc">\n\s+<failure message="[^"]*clientId[^"]*" type="TYPE_MISMATCH">/);
    expect(junit.stdout).not.toMatch(/<(?!\/?(testsuites|testsuite|testcase|failure)\b|\?xml)/);

    const github = await runHerald(['check', '--cwd', project, '--format', 'github']);
    expect(github.code).toBe(1);
    expect(github.stdout).toMatch(/^::error file=schemas\/project\/ProjectCreated\.v3\.avsc,line=\d+,col=\d+,title=herald TYPE_MISMATCH::.*clientId.*$/m);
  });

  it('stops with exit 2 on invalid contracts and on an unknown git ref', async () => {
    const project = await exampleProject();
    await cp(path.join(REPO_ROOT, 'test/fixtures/lint/broken/avro-unknown-type/tree/schemas/shop'), path.join(project, 'schemas/shop'), { recursive: true });
    const broken = await runHerald(['check', '--cwd', project]);
    expect(broken.code).toBe(2);
    const clean = await exampleProject();
    git(clean, 'init', '-q');
    const badRef = await runHerald(['check', '--cwd', clean, '--against', 'no-such-ref']);
    expect(badRef.code).toBe(2);
    expect(badRef.stderr).toContain('unknown git ref "no-such-ref"');
  });
});

describe('herald lock', () => {
  it('refuses to re-lock an edited published version without --force', async () => {
    const project = await exampleProject();
    expect((await runHerald(['lock', '--cwd', project])).code).toBe(0);
    const lock = JSON.parse(await readFile(path.join(project, 'schemas/herald.lock.json'), 'utf8')) as { events: Record<string, Record<string, { fingerprint: string }>> };
    expect(lock.events['com.acme.project.ProjectCreated']?.['1']?.fingerprint).toMatch(/^sha256:/);
    await cp(path.join(FIXTURES, 'published-version-edited/tree'), project, { recursive: true });
    const refused = await runHerald(['lock', '--cwd', project]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('ProjectCreated.v1: PUBLISHED_VERSION_EDITED');
    expect((await runHerald(['lock', '--cwd', project, '--force'])).code).toBe(0);
    expect((await runHerald(['check', '--cwd', project])).code).toBe(0);
  });
});
