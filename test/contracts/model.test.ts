import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalJson, fingerprint } from '../../generator/contracts/canonical.js';
import { parseJsonSource, isJsonSyntaxError } from '../../generator/contracts/json-source.js';
import { loadContracts } from '../../generator/contracts/load.js';
import { subjectName } from '../../generator/contracts/subject.js';
import { REPO_ROOT } from '../support/cli.js';

describe('contract model of the example contracts', async () => {
  const { contracts, diagnostics } = await loadContracts(REPO_ROOT);

  it('loads every domain and event version without a diagnostic', () => {
    expect(diagnostics).toEqual([]);
    expect(contracts?.domains.map((d) => d.name)).toEqual(['contract', 'notification', 'order', 'payment', 'project', 'user']);
    expect(contracts?.events.length).toBeGreaterThanOrEqual(14);
    const formats = new Set(contracts?.events.map((e) => `${e.domain}:${e.format}`));
    expect([...formats].filter((f) => f.endsWith(':avro')).length).toBeGreaterThanOrEqual(2);
    expect([...formats].filter((f) => f.endsWith(':json')).length).toBeGreaterThanOrEqual(2);
  });

  it('fills in domain settings, subject, canonical form and fingerprint', () => {
    const v2 = contracts?.events.find((e) => e.name === 'ProjectCreated' && e.version === 2);
    expect(v2).toMatchObject({
      domain: 'project',
      type: 'com.acme.project.ProjectCreated',
      namespace: 'com.acme.project',
      topic: 'project.events',
      key: 'projectId',
      format: 'avro',
      subject: 'project.events-com.acme.project.ProjectCreated',
      file: 'schemas/project/ProjectCreated.v2.avsc',
      label: 'ProjectCreated.v2',
    });
    expect(v2?.fingerprint).toBe(fingerprint(canonicalJson(v2?.schema)));
    expect(v2?.fingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(JSON.parse(v2?.text ?? '')).toEqual(v2?.schema);
    const versions = contracts?.events.filter((e) => e.name === 'ProjectCreated').map((e) => e.version);
    expect(versions).toEqual([1, 2]);
    expect(contracts?.config.schemasDir).toBe(path.join(REPO_ROOT, 'schemas'));
  });

  it('orders events by domain, name and version', () => {
    const keys = contracts?.events.map((e) => [e.domain, e.name, e.version] as const) ?? [];
    const sorted = [...keys].sort((a, b) => a[0].localeCompare(b[0]) || a[1].localeCompare(b[1]) || a[2] - b[2]);
    expect(keys).toEqual(sorted);
  });
});

describe('canonical form', () => {
  it('ignores key order and whitespace but not content', () => {
    const a = canonicalJson(JSON.parse('{"b": 1, "a": {"y": [1, 2], "x": null}}'));
    const b = canonicalJson(JSON.parse('{"a":{"x":null,"y":[1,2]},"b":1}'));
    expect(a).toBe(b);
    expect(a).toBe('{"a":{"x":null,"y":[1,2]},"b":1}');
    expect(canonicalJson({ a: [2, 1] })).not.toBe(canonicalJson({ a: [1, 2] }));
  });
});

describe('subject name strategies', () => {
  it('follows Confluent naming', () => {
    expect(subjectName('TopicRecordNameStrategy', 't', 'com.x.E')).toBe('t-com.x.E');
    expect(subjectName('TopicNameStrategy', 't', 'com.x.E')).toBe('t-value');
    expect(subjectName('RecordNameStrategy', 't', 'com.x.E')).toBe('com.x.E');
  });
});

describe('JSON source positions', () => {
  it('locates pointers and syntax errors by line and column', () => {
    const source = parseJsonSource('f.json', '{\n  "a": [\n    1,\n    {"b": true}\n  ]\n}\n');
    if (isJsonSyntaxError(source)) throw new Error('expected valid JSON');
    expect(source.position('/a/1/b')).toEqual({ line: 4, column: 6 });
    expect(source.position('/a/7')).toEqual({ line: 2, column: 3 });
    const broken = parseJsonSource('f.json', '{\n  "a": 1,\n}\n');
    expect(isJsonSyntaxError(broken) && broken).toMatchObject({ line: 3, column: 1 });
  });
});
