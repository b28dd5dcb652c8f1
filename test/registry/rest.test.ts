/**
 * The Confluent REST surface of herald's registry, endpoint by endpoint, over real HTTP with
 * fetch: statuses, error codes and bodies as API.md (written from Confluent's source) has them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { avroRecord, http, startTestRegistry, uniqueSubject, V1, type TestRegistry } from './helpers.js';

let registry: TestRegistry;
let url: string;

beforeAll(async () => {
  registry = await startTestRegistry();
  url = registry.url;
});

afterAll(async () => {
  await registry?.dispose();
});

const v1Schema = avroRecord('Order', [{ name: 'id', type: 'string' }]);
const v2Schema = avroRecord('Order', [
  { name: 'id', type: 'string' },
  { name: 'note', type: ['null', 'string'], default: null },
]);
const breaking = avroRecord('Order', [{ name: 'id', type: 'int' }]);

async function register(subject: string, schema: string, extra: Record<string, unknown> = {}, query = ''): Promise<{ id: number; version: number }> {
  const answer = await http<{ id: number; version: number }>(url, 'POST', `/subjects/${encodeURIComponent(subject)}/versions${query}`, { schema, ...extra });
  expect(answer.status, answer.text).toBe(200);
  return answer.body;
}

describe('root, probes, unknown paths', () => {
  it('answers {} on GET and POST /', async () => {
    expect((await http(url, 'GET', '/')).body).toEqual({});
    expect((await http(url, 'POST', '/')).body).toEqual({});
  });

  it('answers an unknown path with a Confluent 404 body', async () => {
    const answer = await http(url, 'GET', '/no/such/path');
    expect(answer.status).toBe(404);
    expect(answer.body).toEqual({ error_code: 404, message: 'HTTP 404 Not Found' });
  });

  it('lists the schema types it parses, without PROTOBUF', async () => {
    expect((await http(url, 'GET', '/schemas/types')).body).toEqual(['JSON', 'AVRO']);
  });

  it('reports liveness and readiness', async () => {
    expect(await http(url, 'GET', '/health')).toMatchObject({ status: 200, body: { status: 'UP' } });
    expect(await http(url, 'GET', '/ready')).toMatchObject({ status: 200, body: { status: 'READY' } });
  });

  it('has server metadata, the default context and no associations', async () => {
    const id = await http<{ id: string }>(url, 'GET', '/v1/metadata/id');
    expect(id.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await http(url, 'GET', '/v1/metadata/version')).body).toMatchObject({ version: expect.any(String) });
    expect((await http(url, 'GET', '/contexts')).body).toEqual(['.']);
    const associations = await http(url, 'GET', '/associations/resources/-/orders?resourceType=topic&associationType=value');
    expect(associations).toMatchObject({ status: 200, body: [] });
  });
});

describe('content types', () => {
  it.each([V1, 'application/vnd.schemaregistry+json', 'application/json', 'application/octet-stream', `${V1}; charset=utf-8`])(
    'accepts a %s request body',
    async (type) => {
      const subject = uniqueSubject('ct');
      const answer = await http(url, 'POST', `/subjects/${subject}/versions`, { schema: v1Schema }, { 'content-type': type });
      expect(answer.status, answer.text).toBe(200);
    },
  );

  it('refuses other request types with 415', async () => {
    const answer = await http(url, 'POST', `/subjects/${uniqueSubject()}/versions`, JSON.stringify({ schema: v1Schema }), { 'content-type': 'text/plain' });
    expect(answer.status).toBe(415);
    expect(answer.body).toEqual({ error_code: 415, message: 'HTTP 415 Unsupported Media Type' });
  });

  it('refuses a body that is not JSON with a Confluent error body', async () => {
    const answer = await http<{ error_code: number }>(url, 'POST', `/subjects/${uniqueSubject()}/versions`, '{"schema": ');
    expect(answer.status).toBe(400);
    expect(answer.body.error_code).toBe(400);
  });

  it.each([
    [undefined, V1],
    ['*/*', V1],
    ['application/json', 'application/json'],
    ['application/json, text/plain, */*', 'application/json'],
    ['text/html, image/gif, image/jpeg, *; q=.2, */*; q=.2', V1],
    ['application/vnd.schemaregistry+json', 'application/vnd.schemaregistry+json'],
  ])('answers Accept %s with %s, errors included', async (accept, expected) => {
    const headers: Record<string, string> = accept ? { accept } : {};
    const ok = await http(url, 'GET', '/subjects', undefined, headers);
    expect(ok.contentType?.split(';')[0]).toBe(expected);
    const failed = await http(url, 'GET', `/subjects/${uniqueSubject()}/versions`, undefined, headers);
    expect(failed.status).toBe(404);
    expect(failed.contentType?.split(';')[0]).toBe(expected);
  });

  it('answers 406 when nothing acceptable is produced', async () => {
    const answer = await http(url, 'GET', '/subjects', undefined, { accept: 'text/html' });
    expect(answer.status).toBe(406);
    expect(answer.body).toEqual({ error_code: 406, message: 'HTTP 406 Not Acceptable' });
  });
});

describe('registration', () => {
  it('assigns an id and version 1, and answers the stored schema', async () => {
    const subject = uniqueSubject();
    const answer = await http<Record<string, unknown>>(url, 'POST', `/subjects/${subject}/versions`, { schema: v1Schema });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ id: expect.any(Number), version: 1, schemaType: 'AVRO' });
    expect(answer.body).not.toHaveProperty('references');
  });

  it('is idempotent, also across whitespace and attribute order', async () => {
    const subject = uniqueSubject();
    const first = await register(subject, v1Schema);
    const again = await register(subject, v1Schema);
    const reformatted = await register(
      subject,
      `{ "fields": [ { "type": "string", "name": "id" } ],\n  "namespace": "com.acme", "name": "Order", "type": "record" }`,
    );
    expect(again).toMatchObject({ id: first.id, version: 1 });
    expect(reformatted).toMatchObject({ id: first.id, version: 1 });
    expect((await http(url, 'GET', `/subjects/${subject}/versions`)).body).toEqual([1]);
  });

  it('gives an identical schema under another subject the same id, and different schemas different ids', async () => {
    const a = await register(uniqueSubject(), v1Schema);
    const b = await register(uniqueSubject(), v1Schema);
    const c = await register(uniqueSubject(), v2Schema);
    expect(b.id).toBe(a.id);
    expect(c.id).not.toBe(a.id);
  });

  it('returns the existing version when an older live version holds the schema', async () => {
    const subject = uniqueSubject();
    const first = await register(subject, v1Schema);
    await register(subject, v2Schema);
    expect(await register(subject, v1Schema)).toMatchObject({ id: first.id, version: 1 });
  });

  it('stores the canonical form: redundant namespaces and primitive wrappers collapse', async () => {
    const subject = uniqueSubject();
    const verbose = JSON.stringify({
      type: 'record',
      name: 'com.acme.Wrapped',
      namespace: 'ignored.because.name.is.full',
      fields: [
        { name: 'inner', type: { type: 'record', name: 'Inner', namespace: 'com.acme', fields: [{ name: 'n', type: { type: 'long' } }] } },
        { name: 'again', type: 'com.acme.Inner' },
      ],
    });
    await register(subject, verbose);
    const stored = await http<{ schema: string }>(url, 'GET', `/subjects/${subject}/versions/1`);
    expect(stored.body.schema).toBe(
      '{"type":"record","name":"Wrapped","namespace":"com.acme","fields":[{"name":"inner","type":{"type":"record","name":"Inner","fields":[{"name":"n","type":"long"}]}},{"name":"again","type":"Inner"}]}',
    );
  });

  it('keeps long defaults exactly', async () => {
    const subject = uniqueSubject();
    await register(subject, '{"type":"record","name":"Big","fields":[{"name":"n","type":"long","default":9223372036854775807}]}');
    const stored = await http(url, 'GET', `/subjects/${subject}/versions/latest/schema`);
    expect(stored.text).toContain('"default":9223372036854775807');
  });

  it.each([
    ['not JSON', '{"type":'],
    ['an unknown type', '{"type":"record","name":"X","fields":[{"name":"a","type":"nope"}]}'],
    ['a record without a name', '{"type":"record","fields":[]}'],
    ['a bad default', '{"type":"record","name":"X","fields":[{"name":"a","type":"int","default":"x"}]}'],
  ])('refuses %s with 42201', async (_what, schema) => {
    const answer = await http<{ error_code: number; message: string }>(url, 'POST', `/subjects/${uniqueSubject()}/versions`, { schema });
    expect(answer.status).toBe(422);
    expect(answer.body.error_code).toBe(42201);
    expect(answer.body.message).toMatch(/^Invalid schema/);
  });

  it('refuses an empty schema, PROTOBUF and unknown types with 42201', async () => {
    const empty = await http(url, 'POST', `/subjects/${uniqueSubject()}/versions`, {});
    expect(empty.body).toEqual({ error_code: 42201, message: 'Empty schema' });
    const proto = await http(url, 'POST', `/subjects/${uniqueSubject()}/versions`, { schema: 'syntax = "proto3";', schemaType: 'PROTOBUF' });
    expect(proto.body).toEqual({ error_code: 42201, message: 'Invalid schema type PROTOBUF' });
    const unknown = await http(url, 'POST', `/subjects/${uniqueSubject()}/versions`, { schema: v1Schema, schemaType: 'avro' });
    expect(unknown.body).toEqual({ error_code: 42201, message: 'Invalid schema type avro' });
  });

  it('refuses reserved and control-character subjects with 42208', async () => {
    for (const subject of ['__GLOBAL', '__EMPTY', 'bad\u0001name']) {
      const answer = await http<{ error_code: number }>(url, 'POST', `/subjects/${encodeURIComponent(subject)}/versions`, { schema: v1Schema });
      expect(answer.status, subject).toBe(422);
      expect(answer.body.error_code).toBe(42208);
    }
  });

  it('answers an incompatible schema with 409 and the reasons, and force=true skips the check', async () => {
    const subject = uniqueSubject();
    await register(subject, v1Schema);
    const refused = await http<{ error_code: number; message: string }>(url, 'POST', `/subjects/${subject}/versions`, { schema: breaking });
    expect(refused.status).toBe(409);
    expect(refused.body.error_code).toBe(409);
    expect(refused.body.message).toContain(`incompatible with an earlier schema for subject "${subject}"`);
    expect(refused.body.message).toContain('{oldSchemaVersion: 1}');
    expect((await http(url, 'GET', `/subjects/${subject}/versions`)).body).toEqual([1]);
    expect(await register(subject, breaking, {}, '?force=true')).toMatchObject({ version: 2 });
  });

  it('accepts a compatible evolution as the next version', async () => {
    const subject = uniqueSubject();
    await register(subject, v1Schema);
    expect(await register(subject, v2Schema)).toMatchObject({ version: 2 });
  });

  it('refuses an explicit id outside IMPORT mode with 42205', async () => {
    const answer = await http<{ error_code: number }>(url, 'POST', `/subjects/${uniqueSubject()}/versions`, { schema: v1Schema, id: 4242 });
    expect(answer.status).toBe(422);
    expect(answer.body.error_code).toBe(42205);
  });

  it('reuses the latest schema when a request only changes metadata', async () => {
    const subject = uniqueSubject();
    const first = await register(subject, v1Schema);
    const answer = await http<{ id: number; version: number }>(url, 'POST', `/subjects/${subject}/versions`, { metadata: { properties: { owner: 'team-a' } } });
    expect(answer.body.version).toBe(2);
    expect(answer.body.id).not.toBe(first.id);
    const latest = await http<{ schema: string; metadata: unknown }>(url, 'GET', `/subjects/${subject}/versions/latest`);
    expect(latest.body.metadata).toEqual({ properties: { owner: 'team-a' } });
    const found = await http(url, 'GET', `/subjects/${subject}/metadata?key=owner&value=team-a`);
    expect(found.body).toMatchObject({ version: 2 });
    expect((await http(url, 'GET', `/subjects/${subject}/metadata?key=owner&value=nobody`)).body).toMatchObject({ error_code: 40403 });
  });

  it('handles subjects that need URL encoding', async () => {
    for (const subject of ['orders/v1-value', 'with space', 'ünïcödé-value', 'a+b', `${'long'.repeat(60)}-value`]) {
      const path = `/subjects/${encodeURIComponent(subject)}`;
      const answer = await http<{ version: number }>(url, 'POST', `${path}/versions`, { schema: v1Schema });
      expect(answer.status, `${subject}: ${answer.text}`).toBe(200);
      expect((await http<{ subject: string }>(url, 'GET', `${path}/versions/1`)).body.subject).toBe(subject);
    }
    expect((await http<string[]>(url, 'GET', '/subjects')).body).toEqual(expect.arrayContaining(['orders/v1-value', 'with space', 'ünïcödé-value', 'a+b']));
  });
});

describe('normalize', () => {
  it('with normalize=true, JSON Schemas differing in key order share an id; without it they do not', async () => {
    const a = '{"type":"object","properties":{"x":{"type":"string"}}}';
    const b = '{"properties":{"x":{"type":"string"}},"type":"object"}';
    const plainA = await register(uniqueSubject(), a, { schemaType: 'JSON' });
    const plainB = await register(uniqueSubject(), b, { schemaType: 'JSON' });
    expect(plainB.id).not.toBe(plainA.id);
    const normA = await register(uniqueSubject(), a, { schemaType: 'JSON' }, '?normalize=true');
    const normB = await register(uniqueSubject(), b, { schemaType: 'JSON' }, '?normalize=true');
    expect(normB.id).toBe(normA.id);
  });

  it('normalizes Avro custom property order, and a config normalize:true applies without the query flag', async () => {
    const a = '{"type":"record","name":"P","fields":[],"x-owner":"a","x-team":"b"}';
    const b = '{"type":"record","name":"P","fields":[],"x-team":"b","x-owner":"a"}';
    expect((await register(uniqueSubject(), a)).id).not.toBe((await register(uniqueSubject(), b)).id);
    const subject = uniqueSubject();
    expect((await http(url, 'PUT', `/config/${subject}`, { normalize: true })).status).toBe(200);
    const first = await register(subject, a);
    expect(await register(subject, b)).toMatchObject({ id: first.id, version: 1 });
  });
});

describe('lookup', () => {
  it('finds the version holding a schema', async () => {
    const subject = uniqueSubject();
    const { id } = await register(subject, v1Schema);
    const answer = await http(url, 'POST', `/subjects/${subject}`, { schema: v1Schema });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ subject, version: 1, id, schema: expect.any(String) });
  });

  it('answers 40401 for an unknown subject and 40403 for a schema not under it', async () => {
    const missing = await http(url, 'POST', `/subjects/${uniqueSubject()}`, { schema: v1Schema });
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ error_code: 40401 });
    const subject = uniqueSubject();
    await register(subject, v1Schema);
    await register(uniqueSubject(), v2Schema);
    expect((await http(url, 'POST', `/subjects/${subject}`, { schema: v2Schema })).body).toMatchObject({ error_code: 40403 });
  });

  it('finds soft-deleted versions only with deleted=true', async () => {
    const subject = uniqueSubject();
    await register(subject, v1Schema);
    await register(subject, v2Schema);
    await http(url, 'DELETE', `/subjects/${subject}/versions/1`);
    expect((await http(url, 'POST', `/subjects/${subject}`, { schema: v1Schema })).body).toMatchObject({ error_code: 40403 });
    expect((await http(url, 'POST', `/subjects/${subject}?deleted=true`, { schema: v1Schema })).body).toMatchObject({ version: 1, deleted: true });
  });
});

describe('subjects and versions', () => {
  it('lists versions and reads each, latest and -1 included', async () => {
    const subject = uniqueSubject();
    await register(subject, v1Schema);
    const second = await register(subject, v2Schema);
    expect((await http(url, 'GET', `/subjects/${subject}/versions`)).body).toEqual([1, 2]);
    for (const v of ['2', 'latest', 'LATEST', '-1']) {
      const answer = await http(url, 'GET', `/subjects/${subject}/versions/${v}`);
      expect(answer.body, v).toMatchObject({ subject, version: 2, id: second.id, schemaType: 'AVRO' });
    }
    const bare = await http(url, 'GET', `/subjects/${subject}/versions/1/schema`);
    expect(JSON.parse(bare.text)).toEqual(JSON.parse(v1Schema));
  });

  it.each(['0', 'abc', '2147483648', '1.5'])('refuses version id %s with 42202', async (v) => {
    const subject = uniqueSubject();
    await register(subject, v1Schema);
    const answer = await http(url, 'GET', `/subjects/${subject}/versions/${v}`);
    expect(answer.status).toBe(422);
    expect(answer.body).toMatchObject({ error_code: 42202 });
  });

  it('answers 40401 for an unknown subject and 40402 for an unknown version', async () => {
    expect((await http(url, 'GET', `/subjects/${uniqueSubject()}/versions`)).body).toMatchObject({ error_code: 40401 });
    expect((await http(url, 'GET', `/subjects/${uniqueSubject()}/versions/latest`)).body).toMatchObject({ error_code: 40401 });
    const subject = uniqueSubject();
    await register(subject, v1Schema);
    const answer = await http(url, 'GET', `/subjects/${subject}/versions/7`);
    expect(answer.status).toBe(404);
    expect(answer.body).toEqual({ error_code: 40402, message: 'Version 7 not found.' });
  });

  it('filters subjects by prefix and pages them', async () => {
    const prefix = uniqueSubject('pfx');
    for (const n of ['a', 'b', 'c']) await register(`${prefix}-${n}`, v1Schema);
    expect((await http(url, 'GET', `/subjects?subjectPrefix=${prefix}`)).body).toEqual([`${prefix}-a`, `${prefix}-b`, `${prefix}-c`]);
    expect((await http(url, 'GET', `/subjects?subjectPrefix=${prefix}&offset=1&limit=1`)).body).toEqual([`${prefix}-b`]);
  });
});

describe('schemas by id', () => {
  it('reads a schema by id, with ?subject= as a hint that never filters', async () => {
    const subject = uniqueSubject();
    const { id } = await register(subject, v1Schema);
    const plain = await http<Record<string, unknown>>(url, 'GET', `/schemas/ids/${id}`);
    expect(plain.body).toMatchObject({ schema: expect.any(String), schemaType: 'AVRO' });
    expect(plain.body).not.toHaveProperty('subject');
    expect((await http(url, 'GET', `/schemas/ids/${id}?subject=${subject}`)).body).toMatchObject({ subject, version: 1 });
    const elsewhere = await http(url, 'GET', `/schemas/ids/${id}?subject=some-topic-value`);
    expect(elsewhere.status).toBe(200);
    expect((await http(url, 'GET', `/schemas/ids/${id}?subject=`)).status).toBe(200);
    const withMax = await http<{ maxId: number }>(url, 'GET', `/schemas/ids/${id}?fetchMaxId=true`);
    expect(withMax.body.maxId).toBeGreaterThanOrEqual(id);
  });

  it('serves the bare schema, its subjects and its versions', async () => {
    const a = uniqueSubject();
    const b = uniqueSubject();
    const { id } = await register(a, v1Schema);
    await register(b, v1Schema);
    expect(JSON.parse((await http(url, 'GET', `/schemas/ids/${id}/schema`)).text)).toEqual(JSON.parse(v1Schema));
    expect((await http<string[]>(url, 'GET', `/schemas/ids/${id}/subjects`)).body).toEqual(expect.arrayContaining([a, b]));
    expect((await http(url, 'GET', `/schemas/ids/${id}/versions`)).body).toEqual(
      expect.arrayContaining([
        { subject: a, version: 1 },
        { subject: b, version: 1 },
      ]),
    );
  });

  it('serves a schema by GUID', async () => {
    const subject = uniqueSubject();
    const { id } = await register(subject, v1Schema);
    const { body } = await http<{ guid: string }>(url, 'GET', `/schemas/ids/${id}`);
    expect((await http(url, 'GET', `/schemas/guids/${body.guid}`)).body).toMatchObject({ schema: expect.any(String) });
    expect((await http(url, 'GET', `/schemas/guids/${body.guid}/ids`)).body).toEqual([{ context: '.', id }]);
  });

  it.each(['999999', 'abc', '0'])('answers 40403 for id %s', async (id) => {
    const answer = await http(url, 'GET', `/schemas/ids/${id}`);
    expect(answer.status).toBe(404);
    expect(answer.body).toMatchObject({ error_code: 40403 });
  });

  it('lists schemas across subjects, latestOnly and by prefix', async () => {
    const prefix = uniqueSubject('list');
    await register(`${prefix}-x`, v1Schema);
    await register(`${prefix}-x`, v2Schema);
    await register(`${prefix}-y`, v1Schema);
    const all = await http<{ subject: string; version: number }[]>(url, 'GET', `/schemas?subjectPrefix=${prefix}`);
    expect(all.body.map((s) => [s.subject, s.version])).toEqual([
      [`${prefix}-x`, 1],
      [`${prefix}-x`, 2],
      [`${prefix}-y`, 1],
    ]);
    const latest = await http<{ subject: string; version: number }[]>(url, 'GET', `/schemas?subjectPrefix=${prefix}&latestOnly=true`);
    expect(latest.body.map((s) => [s.subject, s.version])).toEqual([
      [`${prefix}-x`, 2],
      [`${prefix}-y`, 1],
    ]);
  });
});

describe('deletes', () => {
  it('soft-deletes a subject, hides it, keeps ids readable, and refuses a second soft delete with 40404', async () => {
    const subject = uniqueSubject();
    const { id } = await register(subject, v1Schema);
    await register(subject, v2Schema);
    expect((await http(url, 'DELETE', `/subjects/${subject}`)).body).toEqual([1, 2]);
    expect((await http(url, 'GET', `/subjects/${subject}/versions`)).body).toMatchObject({ error_code: 40401 });
    expect((await http(url, 'GET', `/subjects/${subject}/versions/latest`)).body).toMatchObject({ error_code: 40401 });
    expect((await http<string[]>(url, 'GET', '/subjects')).body).not.toContain(subject);
    expect((await http<string[]>(url, 'GET', '/subjects?deleted=true')).body).toContain(subject);
    expect((await http<string[]>(url, 'GET', '/subjects?deletedOnly=true')).body).toContain(subject);
    expect((await http(url, 'GET', `/subjects/${subject}/versions?deleted=true`)).body).toEqual([1, 2]);
    expect((await http(url, 'GET', `/subjects/${subject}/versions/1?deleted=true`)).body).toMatchObject({ version: 1, deleted: true });
    expect((await http(url, 'GET', `/schemas/ids/${id}`)).status).toBe(200);
    const again = await http(url, 'DELETE', `/subjects/${subject}`);
    expect(again.status).toBe(404);
    expect(again.body).toMatchObject({ error_code: 40404 });
  });

  it('refuses a permanent delete before a soft one (40405), then deletes for good and restarts at version 1', async () => {
    const subject = uniqueSubject();
    const distinct = avroRecord(`Only${subject.replace(/-/g, '')}`, [{ name: 'x', type: 'int' }]);
    const { id } = await register(subject, distinct);
    expect((await http(url, 'DELETE', `/subjects/${subject}?permanent=true`)).body).toMatchObject({ error_code: 40405 });
    await http(url, 'PUT', `/config/${subject}`, { compatibility: 'NONE' });
    await http(url, 'DELETE', `/subjects/${subject}`);
    expect((await http(url, 'DELETE', `/subjects/${subject}?permanent=true`)).body).toEqual([1]);
    expect((await http(url, 'GET', `/subjects/${subject}/versions?deleted=true`)).body).toMatchObject({ error_code: 40401 });
    expect((await http(url, 'GET', `/schemas/ids/${id}`)).body).toMatchObject({ error_code: 40403 });
    // The subject's config went with it.
    expect((await http(url, 'GET', `/config/${subject}`)).body).toMatchObject({ error_code: 40408 });
    expect(await register(subject, v1Schema)).toMatchObject({ version: 1 });
    // Ids are never handed out twice: the same schema comes back under its old id.
    expect(await register(uniqueSubject(), distinct)).toMatchObject({ id });
  });

  it('deletes single versions: latest resolves, numbers are not reused, 40406 and 40407 guard the two phases', async () => {
    const subject = uniqueSubject();
    await register(subject, v1Schema);
    await register(subject, v2Schema);
    expect((await http(url, 'DELETE', `/subjects/${subject}/versions/latest`)).body).toBe(2);
    expect((await http(url, 'GET', `/subjects/${subject}/versions`)).body).toEqual([1]);
    expect((await http(url, 'DELETE', `/subjects/${subject}/versions/2`)).body).toMatchObject({ error_code: 40406 });
    expect((await http(url, 'DELETE', `/subjects/${subject}/versions/1?permanent=true`)).body).toMatchObject({ error_code: 40407 });
    expect((await http(url, 'DELETE', `/subjects/${subject}/versions/9`)).body).toMatchObject({ error_code: 40402 });
    expect((await http(url, 'DELETE', `/subjects/${uniqueSubject()}/versions/1`)).body).toMatchObject({ error_code: 40401 });
    expect((await http(url, 'DELETE', `/subjects/${subject}/versions/zero`)).body).toMatchObject({ error_code: 42202 });
    // A new schema after a soft delete takes version 3: 2 is not reused.
    const v3 = avroRecord('Order', [
      { name: 'id', type: 'string' },
      { name: 'total', type: 'long', default: 0 },
    ]);
    expect(await register(subject, v3)).toMatchObject({ version: 3 });
    expect((await http(url, 'DELETE', `/subjects/${subject}/versions/2?permanent=true`)).body).toBe(2);
    expect((await http(url, 'GET', `/subjects/${subject}/versions?deleted=true`)).body).toEqual([1, 3]);
  });

  it('lists soft-deleted versions as negatives when asked', async () => {
    const subject = uniqueSubject();
    await register(subject, v1Schema);
    await register(subject, v2Schema);
    await http(url, 'DELETE', `/subjects/${subject}/versions/1`);
    expect((await http(url, 'GET', `/subjects/${subject}/versions?deleted=true&deletedAsNegative=true`)).body).toEqual([-1, 2]);
    expect((await http(url, 'GET', `/subjects/${subject}/versions?deletedOnly=true`)).body).toEqual([1]);
  });

  it('re-registering a soft-deleted schema makes a new version and drops the old one', async () => {
    const subject = uniqueSubject();
    const { id } = await register(subject, v1Schema);
    await http(url, 'DELETE', `/subjects/${subject}`);
    expect(await register(subject, v1Schema)).toMatchObject({ id, version: 2 });
    expect((await http(url, 'GET', `/subjects/${subject}/versions?deleted=true`)).body).toEqual([2]);
  });
});

describe('references', () => {
  const address = avroRecord('Address', [{ name: 'street', type: 'string' }], 'com.acme.shared');
  const customer = JSON.stringify({
    type: 'record',
    name: 'Customer',
    namespace: 'com.acme',
    fields: [
      { name: 'name', type: 'string' },
      { name: 'address', type: 'com.acme.shared.Address' },
    ],
  });

  it('registers a schema that references another subject, and protects the referenced version', async () => {
    const addressSubject = uniqueSubject('address');
    const customerSubject = uniqueSubject('customer');
    await register(addressSubject, address);
    const references = [{ name: 'com.acme.shared.Address', subject: addressSubject, version: 1 }];
    const { id } = await register(customerSubject, customer, { references });
    const read = await http(url, 'GET', `/schemas/ids/${id}`);
    expect(read.body).toMatchObject({ references });
    expect((await http(url, 'GET', `/subjects/${customerSubject}/versions/1`)).body).toMatchObject({ references });
    expect((await http(url, 'GET', `/subjects/${addressSubject}/versions/1/referencedby`)).body).toEqual([id]);
    // Same text with a different reference list is a different schema.
    expect((await register(uniqueSubject(), customer, { references: [{ ...references[0]!, version: 1 }] })).id).toBe(id);

    const blocked = await http(url, 'DELETE', `/subjects/${addressSubject}/versions/1`);
    expect(blocked.status).toBe(422);
    expect(blocked.body).toMatchObject({ error_code: 42206 });
    expect((await http(url, 'DELETE', `/subjects/${addressSubject}`)).body).toMatchObject({ error_code: 42206 });
  });

  it('checks compatibility of schemas with references', async () => {
    const addressSubject = uniqueSubject('address');
    const customerSubject = uniqueSubject('customer');
    await register(addressSubject, address);
    const references = [{ name: 'com.acme.shared.Address', subject: addressSubject, version: 1 }];
    await register(customerSubject, customer, { references });
    const extended = JSON.stringify({
      ...JSON.parse(customer),
      fields: [...JSON.parse(customer).fields, { name: 'vip', type: 'boolean', default: false }],
    });
    expect(await register(customerSubject, extended, { references })).toMatchObject({ version: 2 });
    const withoutName = JSON.stringify({ ...JSON.parse(customer), fields: [JSON.parse(customer).fields[1]] });
    const check = await http(url, 'POST', `/compatibility/subjects/${customerSubject}/versions/latest?verbose=true`, {
      schema: withoutName,
      references,
    });
    expect(check.body).toMatchObject({ is_compatible: true });
  });

  it('refuses unresolvable references with 42201', async () => {
    const answer = await http(url, 'POST', `/subjects/${uniqueSubject()}/versions`, {
      schema: customer,
      references: [{ name: 'com.acme.shared.Address', subject: uniqueSubject('nowhere'), version: 1 }],
    });
    expect(answer.body).toMatchObject({ error_code: 42201 });
    const unnamed = await http(url, 'POST', `/subjects/${uniqueSubject()}/versions`, { schema: customer });
    expect(unnamed.body).toMatchObject({ error_code: 42201 });
  });

  it('resolves JSON Schema references by name', async () => {
    const shared = uniqueSubject('json-shared');
    await register(shared, '{"type":"object","properties":{"city":{"type":"string"}}}', { schemaType: 'JSON' });
    const main = '{"type":"object","properties":{"home":{"$ref":"address.json"}}}';
    const ok = await http(url, 'POST', `/subjects/${uniqueSubject()}/versions`, {
      schema: main,
      schemaType: 'JSON',
      references: [{ name: 'address.json', subject: shared, version: 1 }],
    });
    expect(ok.status, ok.text).toBe(200);
    const missing = await http(url, 'POST', `/subjects/${uniqueSubject()}/versions`, { schema: main, schemaType: 'JSON' });
    expect(missing.body).toMatchObject({ error_code: 42201 });
  });

  it('compares JSON Schemas through their references', async () => {
    const shared = uniqueSubject('json-shared');
    await http(url, 'PUT', `/config/${shared}`, { compatibility: 'NONE' });
    await register(shared, '{"type":"object","properties":{"city":{"type":"string"}}}', { schemaType: 'JSON' });
    await register(shared, '{"type":"object","properties":{"city":{"type":"integer"}}}', { schemaType: 'JSON' });
    const subject = uniqueSubject('json-main');
    const main = '{"type":"object","properties":{"home":{"$ref":"address.json"}}}';
    await register(subject, main, { schemaType: 'JSON', references: [{ name: 'address.json', subject: shared, version: 1 }] });
    const same = { schema: main, schemaType: 'JSON', references: [{ name: 'address.json', subject: shared, version: 1 }] };
    expect((await http(url, 'POST', `/compatibility/subjects/${subject}/versions/latest`, same)).body).toEqual({ is_compatible: true });
    const moved = await http<{ is_compatible: boolean; messages: string[] }>(url, 'POST', `/compatibility/subjects/${subject}/versions/latest?verbose=true`, {
      ...same,
      references: [{ name: 'address.json', subject: shared, version: 2 }],
    });
    expect(moved.body.is_compatible).toBe(false);
    expect(moved.body.messages.join(' ')).toContain('city');
  });
});

describe('compatibility endpoint', () => {
  it('answers is_compatible, with messages only when verbose', async () => {
    const subject = uniqueSubject();
    await register(subject, v1Schema);
    expect((await http(url, 'POST', `/compatibility/subjects/${subject}/versions/latest`, { schema: v2Schema })).body).toEqual({ is_compatible: true });
    expect((await http(url, 'POST', `/compatibility/subjects/${subject}/versions/latest?verbose=true`, { schema: v2Schema })).body).toEqual({
      is_compatible: true,
      messages: [],
    });
    expect((await http(url, 'POST', `/compatibility/subjects/${subject}/versions/1`, { schema: breaking })).body).toEqual({ is_compatible: false });
    const verbose = await http<{ is_compatible: boolean; messages: string[] }>(url, 'POST', `/compatibility/subjects/${subject}/versions/1?verbose=true`, {
      schema: breaking,
    });
    expect(verbose.body.is_compatible).toBe(false);
    expect(verbose.body.messages.some((m) => m.startsWith('{errorType:'))).toBe(true);
    expect(verbose.body.messages).toContain('{oldSchemaVersion: 1}');
  });

  it('checks every version with /versions (trailing slash too), and only the live ones', async () => {
    const subject = uniqueSubject();
    await http(url, 'PUT', `/config/${subject}`, { compatibility: 'BACKWARD_TRANSITIVE' });
    const a = avroRecord('T', [{ name: 'x', type: 'int' }]);
    const b = avroRecord('T', [{ name: 'x', type: 'string' }]);
    await register(subject, a);
    await http(url, 'PUT', `/config/${subject}`, { compatibility: 'NONE' });
    await register(subject, b);
    await http(url, 'PUT', `/config/${subject}`, { compatibility: 'BACKWARD_TRANSITIVE' });
    // Reads version 2's data, but not version 1's (an int is not promoted to a string).
    const candidate = avroRecord('T', [
      { name: 'x', type: 'string' },
      { name: 'y', type: 'string', default: '' },
    ]);
    expect((await http(url, 'POST', `/compatibility/subjects/${subject}/versions/latest`, { schema: candidate })).body).toEqual({ is_compatible: true });
    expect((await http(url, 'POST', `/compatibility/subjects/${subject}/versions`, { schema: candidate })).body).toEqual({ is_compatible: false });
    expect((await http(url, 'POST', `/compatibility/subjects/${subject}/versions/`, { schema: candidate })).body).toEqual({ is_compatible: false });
    await http(url, 'DELETE', `/subjects/${subject}/versions/1`);
    expect((await http(url, 'POST', `/compatibility/subjects/${subject}/versions`, { schema: candidate })).body).toEqual({ is_compatible: true });
  });

  it('answers 40402 for a missing version, even of a missing subject, and true for latest of an empty subject', async () => {
    const subject = uniqueSubject();
    expect((await http(url, 'POST', `/compatibility/subjects/${subject}/versions/latest`, { schema: v1Schema })).body).toEqual({ is_compatible: true });
    expect((await http(url, 'POST', `/compatibility/subjects/${subject}/versions/3`, { schema: v1Schema })).body).toMatchObject({ error_code: 40402 });
    expect((await http(url, 'POST', `/compatibility/subjects/${subject}/versions/x`, { schema: v1Schema })).body).toMatchObject({ error_code: 42202 });
  });

  it('reports an invalid schema as 42201, or as a message when verbose', async () => {
    const subject = uniqueSubject();
    await register(subject, v1Schema);
    expect((await http(url, 'POST', `/compatibility/subjects/${subject}/versions/latest`, { schema: '{' })).body).toMatchObject({ error_code: 42201 });
    const verbose = await http<{ is_compatible: boolean; messages: string[] }>(url, 'POST', `/compatibility/subjects/${subject}/versions/latest?verbose=true`, {
      schema: '{',
    });
    expect(verbose.body.is_compatible).toBe(false);
    expect(verbose.body.messages[0]).toMatch(/^Invalid schema/);
  });

  it('applies FORWARD and FULL in their directions', async () => {
    const subject = uniqueSubject();
    await register(subject, v1Schema);
    const addedRequired = avroRecord('Order', [
      { name: 'id', type: 'string' },
      { name: 'total', type: 'long' },
    ]);
    expect((await http(url, 'POST', `/compatibility/subjects/${subject}/versions/latest`, { schema: addedRequired })).body).toEqual({ is_compatible: false });
    await http(url, 'PUT', `/config/${subject}`, { compatibility: 'FORWARD' });
    expect((await http(url, 'POST', `/compatibility/subjects/${subject}/versions/latest`, { schema: addedRequired })).body).toEqual({ is_compatible: true });
    await http(url, 'PUT', `/config/${subject}`, { compatibility: 'FULL' });
    expect((await http(url, 'POST', `/compatibility/subjects/${subject}/versions/latest`, { schema: addedRequired })).body).toEqual({ is_compatible: false });
    expect((await http(url, 'POST', `/compatibility/subjects/${subject}/versions/latest`, { schema: v2Schema })).body).toEqual({ is_compatible: true });
  });

  it('compares JSON Schemas with the JSON rules', async () => {
    const subject = uniqueSubject();
    const open = '{"type":"object","properties":{"a":{"type":"string"}}}';
    await register(subject, open, { schemaType: 'JSON' });
    const typeChanged = '{"type":"object","properties":{"a":{"type":"integer"}}}';
    const check = await http<{ is_compatible: boolean; messages: string[] }>(url, 'POST', `/compatibility/subjects/${subject}/versions/latest?verbose=true`, {
      schema: typeChanged,
      schemaType: 'JSON',
    });
    expect(check.body.is_compatible).toBe(false);
    const refused = await http(url, 'POST', `/subjects/${subject}/versions`, { schema: typeChanged, schemaType: 'JSON' });
    expect(refused.status).toBe(409);
    // A schema of another type never passes a compatibility check.
    expect((await http(url, 'POST', `/compatibility/subjects/${subject}/versions/latest`, { schema: v1Schema })).body).toEqual({ is_compatible: false });
  });
});

describe('JSON Schema', () => {
  it('registers JSON Schemas and answers schemaType JSON everywhere', async () => {
    const subject = uniqueSubject();
    const schema = '{"$schema":"http://json-schema.org/draft-07/schema#","title":"Evt","type":"object","properties":{"n":{"type":"number","maximum":1.0}}}';
    const { id } = await register(subject, schema, { schemaType: 'JSON' });
    expect((await http(url, 'GET', `/schemas/ids/${id}`)).body).toMatchObject({ schemaType: 'JSON' });
    const latest = await http<{ schema: string; schemaType: string }>(url, 'GET', `/subjects/${subject}/versions/latest`);
    expect(latest.body.schemaType).toBe('JSON');
    expect(latest.body.schema).toContain('"maximum":1.0');
    expect((await http(url, 'POST', `/subjects/${subject}`, { schema, schemaType: 'JSON' })).body).toMatchObject({ id });
  });

  it.each([
    ['a wrong keyword type', '{"type":5}'],
    ['not an object', '[1,2]'],
    ['an unresolvable $ref', '{"$ref":"#/definitions/missing"}'],
  ])('refuses %s with 42201', async (_what, schema) => {
    const answer = await http(url, 'POST', `/subjects/${uniqueSubject()}/versions`, { schema, schemaType: 'JSON' });
    expect(answer.body).toMatchObject({ error_code: 42201 });
  });

  it('accepts the 2020-12 and 2019-09 dialects', async () => {
    for (const dialect of ['https://json-schema.org/draft/2020-12/schema', 'https://json-schema.org/draft/2019-09/schema']) {
      const schema = JSON.stringify({ $schema: dialect, type: 'object', properties: { a: { type: 'string' } } });
      expect((await http(url, 'POST', `/subjects/${uniqueSubject()}/versions`, { schema, schemaType: 'JSON' })).status).toBe(200);
    }
  });
});

describe('config', () => {
  it('falls back from subject to global to BACKWARD, and answers 40408 without defaultToGlobal', async () => {
    const subject = uniqueSubject();
    expect((await http(url, 'GET', '/config')).body).toEqual({ compatibilityLevel: 'BACKWARD' });
    const missing = await http(url, 'GET', `/config/${subject}`);
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ error_code: 40408 });
    expect((await http(url, 'GET', `/config/${subject}?defaultToGlobal=true`)).body).toEqual({ compatibilityLevel: 'BACKWARD' });
    const put = await http(url, 'PUT', `/config/${subject}`, { compatibility: 'FULL_TRANSITIVE' });
    expect(put.body).toEqual({ compatibility: 'FULL_TRANSITIVE' });
    expect((await http(url, 'GET', `/config/${subject}`)).body).toEqual({ compatibilityLevel: 'FULL_TRANSITIVE' });
    expect((await http(url, 'DELETE', `/config/${subject}`)).body).toEqual({ compatibilityLevel: 'FULL_TRANSITIVE' });
    expect((await http(url, 'DELETE', `/config/${subject}`)).body).toMatchObject({ error_code: 40401 });
  });

  it('refuses unknown levels with 42203 and reserved subjects with 42208', async () => {
    expect((await http(url, 'PUT', `/config/${uniqueSubject()}`, { compatibility: 'SIDEWAYS' })).body).toMatchObject({ error_code: 42203 });
    expect((await http(url, 'PUT', '/config', { compatibility: 'SIDEWAYS' })).body).toMatchObject({ error_code: 42203 });
    expect((await http(url, 'PUT', '/config/__GLOBAL', { compatibility: 'NONE' })).body).toMatchObject({ error_code: 42208 });
  });

  it('applies the global level to subjects without their own, and DELETE /config restores the default', async () => {
    const subject = uniqueSubject();
    await register(subject, v1Schema);
    try {
      expect((await http(url, 'PUT', '/config', { compatibility: 'NONE' })).body).toEqual({ compatibility: 'NONE' });
      expect((await http(url, 'GET', `/config/${subject}?defaultToGlobal=true`)).body).toEqual({ compatibilityLevel: 'NONE' });
      expect(await register(subject, breaking)).toMatchObject({ version: 2 });
    } finally {
      expect((await http(url, 'DELETE', '/config')).body).toEqual({ compatibilityLevel: 'NONE' });
    }
    expect((await http(url, 'GET', '/config')).body).toEqual({ compatibilityLevel: 'BACKWARD' });
  });

  it('keeps optional fields and merges updates', async () => {
    const subject = uniqueSubject();
    await http(url, 'PUT', `/config/${subject}`, { compatibility: 'FORWARD', normalize: true });
    expect((await http(url, 'PUT', `/config/${subject}`, { compatibility: 'full' })).body).toEqual({ compatibility: 'FULL' });
    expect((await http(url, 'GET', `/config/${subject}`)).body).toEqual({ compatibilityLevel: 'FULL', normalize: true });
  });
});

describe('mode', () => {
  it('defaults to READWRITE and answers 40409 for a subject without its own mode', async () => {
    expect((await http(url, 'GET', '/mode')).body).toEqual({ mode: 'READWRITE' });
    const subject = uniqueSubject();
    expect((await http(url, 'GET', `/mode/${subject}`)).body).toMatchObject({ error_code: 40409 });
    expect((await http(url, 'GET', `/mode/${subject}?defaultToGlobal=true`)).body).toEqual({ mode: 'READWRITE' });
    expect((await http(url, 'PUT', `/mode/${subject}`, { mode: 'SIDEWAYS' })).body).toMatchObject({ error_code: 42204 });
    expect((await http(url, 'DELETE', `/mode/${subject}`)).body).toMatchObject({ error_code: 40401 });
  });

  it('READONLY refuses new schemas and deletes with 42205 but still answers re-registrations', async () => {
    const subject = uniqueSubject();
    const { id } = await register(subject, v1Schema);
    expect((await http(url, 'PUT', `/mode/${subject}`, { mode: 'READONLY' })).body).toEqual({ mode: 'READONLY' });
    expect(await register(subject, v1Schema)).toMatchObject({ id, version: 1 });
    const refused = await http(url, 'POST', `/subjects/${subject}/versions`, { schema: v2Schema });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ error_code: 42205 });
    expect((await http(url, 'DELETE', `/subjects/${subject}`)).body).toMatchObject({ error_code: 42205 });
    expect((await http(url, 'DELETE', `/mode/${subject}`)).body).toEqual({ mode: 'READONLY' });
    expect(await register(subject, v2Schema)).toMatchObject({ version: 2 });
  });

  it('IMPORT keeps given ids and versions, skips compatibility, and guards its preconditions', async () => {
    const subject = uniqueSubject();
    await register(subject, v1Schema);
    expect((await http(url, 'PUT', `/mode/${subject}`, { mode: 'IMPORT' })).body).toMatchObject({ error_code: 42205 });
    const target = uniqueSubject('import');
    expect((await http(url, 'PUT', `/mode/${target}`, { mode: 'IMPORT' })).body).toEqual({ mode: 'IMPORT' });
    const importedId = 900_000 + Math.floor(Math.random() * 90_000);
    const text = avroRecord(`Imported${target.replace(/-/g, '')}`, [{ name: 'x', type: 'string' }]);
    expect(await register(target, text, { id: importedId, version: 5 })).toMatchObject({ id: importedId, version: 5 });
    const incompatible = avroRecord(`Imported${target.replace(/-/g, '')}`, [{ name: 'x', type: 'int' }]);
    expect((await http(url, 'POST', `/subjects/${target}/versions`, { schema: incompatible, id: importedId })).body).toMatchObject({ error_code: 42205 });
    expect(await register(target, incompatible, { id: importedId + 1 })).toMatchObject({ id: importedId + 1, version: 6 });
    expect((await http(url, 'POST', `/subjects/${target}/versions`, { schema: v2Schema })).body).toMatchObject({ error_code: 42205 });
    expect((await http(url, 'GET', `/schemas/ids/${importedId}`)).status).toBe(200);
    expect((await http(url, 'PUT', `/mode/${subject}?force=true`, { mode: 'IMPORT' })).body).toEqual({ mode: 'IMPORT' });
    await http(url, 'DELETE', `/mode/${subject}`);
    await http(url, 'DELETE', `/mode/${target}`);
    // Later allocations continue above the imported ids.
    const fresh = await register(uniqueSubject(), avroRecord(`Fresh${target.replace(/-/g, '')}`, [{ name: 'y', type: 'int' }]));
    expect(fresh.id).toBeGreaterThan(importedId + 1);
  });

  it('a global READONLY mode applies to every subject until removed', async () => {
    const subject = uniqueSubject();
    try {
      expect((await http(url, 'PUT', '/mode', { mode: 'READONLY' })).body).toEqual({ mode: 'READONLY' });
      expect((await http(url, 'POST', `/subjects/${subject}/versions`, { schema: v1Schema })).body).toMatchObject({ error_code: 42205 });
    } finally {
      expect((await http(url, 'DELETE', '/mode')).body).toEqual({ mode: 'READONLY' });
    }
    expect(await register(subject, v1Schema)).toMatchObject({ version: 1 });
  });
});
