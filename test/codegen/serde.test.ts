/**
 * How the generated codecs behave at the edges: validation errors name the path, undecodable
 * bytes and incompatible writers are `EventDecodeError`s, resolvers are built once per writer id.
 */
import avro from 'avsc';
import { describe, expect, it, vi } from 'vitest';
import { EventDecodeError, EventValidationError, type WriterSchema } from 'herald/runtime';
import { projectCreatedV1, projectCreatedV2 } from '../../generated/project/codecs.js';
import { orderPlacedV3 } from '../../generated/order/codecs.js';
import { userEmailChangedV1, userCreatedV2 } from '../../generated/user/codecs.js';
import { notificationRequestedV1 } from '../../generated/notification/codecs.js';
import type { ProjectCreatedInput } from '../../generated/project/types.js';

const project: ProjectCreatedInput = {
  projectId: 'p-1',
  projectCode: 'ACME-0042',
  name: 'Bridge',
  clientId: 'c',
  ownerUserId: 'u',
  visibility: 'TEAM',
  startDate: 20150,
  occurredAt: 1,
};
const v2Writer: WriterSchema = { id: 2, schema: projectCreatedV2.schema, format: 'avro' };

function validationError(fn: () => unknown): EventValidationError {
  try {
    fn();
  } catch (error) {
    if (error instanceof EventValidationError) return error;
    throw error;
  }
  throw new Error('expected an EventValidationError');
}

describe('Avro codecs', () => {
  it('publishing input may leave defaulted fields out; the reader sees the defaults', () => {
    const decoded = projectCreatedV2.decode(projectCreatedV2.encode(project as never), v2Writer);
    expect(decoded).toMatchObject({ description: null, tags: [], budget: null, parentProjectId: null });
    expect(projectCreatedV2.key(decoded)).toBe('p-1');
  });

  it('invalid values fail with every problem and its path', () => {
    const error = validationError(() => projectCreatedV2.encode({ ...project, visibility: 'PUBLIC', budget: '12.345', startDate: 'soon' } as never));
    expect(error.eventType).toBe('com.acme.project.ProjectCreated');
    expect(error.issues.map((i) => i.path).sort()).toEqual(['/budget', '/startDate', '/visibility']);
    expect(error.message).toMatch(/\/visibility expected one of "UNKNOWN", "PRIVATE", "TEAM", "CLIENT_PORTAL", got "PUBLIC"/);
    expect(projectCreatedV2.validate({ ...project, projectId: undefined })).toEqual([{ path: '/projectId', message: 'expected a string, got nothing (missing)' }]);
  });

  it('tagged unions: an unknown kind or an avsc-style wrapper is invalid', () => {
    const issues = orderPlacedV3.validate({ paymentMethod: { 'com.acme.order.BankTransfer': { remittanceReference: 'r' } } });
    expect(issues.find((i) => i.path === '/paymentMethod')?.message).toMatch(/tagged union value \{ kind, value \}/);
  });

  it('encodeFramed writes header and body in one buffer, for values of any size, and validates like encode', () => {
    const big = { ...project, description: 'x'.repeat(200_000) };
    const framed = projectCreatedV2.encodeFramed!(big as never, 77);
    expect(framed.readInt32BE(1)).toBe(77);
    expect(projectCreatedV2.decode(framed.subarray(5), v2Writer)).toMatchObject({ description: big.description });
    expect(projectCreatedV2.encodeFramed!(project as never, 78).equals(Buffer.concat([Buffer.from([0, 0, 0, 0, 78]), projectCreatedV2.encode(project as never)]))).toBe(true);
    expect(() => projectCreatedV2.encodeFramed!({ ...project, visibility: 'PUBLIC' } as never, 1)).toThrow(EventValidationError);
    expect(() => projectCreatedV2.encodeFramed!(project as never, -1)).toThrow(RangeError);
  });

  it('truncated bytes, a JSON writer and an incompatible writer are decode errors', () => {
    const body = projectCreatedV2.encode(project as never);
    expect(() => projectCreatedV2.decode(body.subarray(0, 10), v2Writer)).toThrow(EventDecodeError);
    expect(() => projectCreatedV2.decode(body, { id: 3, schema: '{}', format: 'json' })).toThrow(/is json, not Avro/);
    const incompatible = JSON.stringify({ type: 'record', name: 'ProjectCreated', namespace: 'com.acme.project', fields: [{ name: 'projectId', type: 'int' }] });
    expect(() => projectCreatedV2.decode(Buffer.from([2]), { id: 4, schema: incompatible, format: 'avro' })).toThrow(/cannot read writer schema 4 as ProjectCreated\.v2/);
  });

  it('builds one resolver per writer schema id and none for an identical writer', () => {
    const spy = vi.spyOn(avro.Type.prototype, 'createResolver');
    try {
      const v1Body = projectCreatedV1.encode({ ...project, description: null, dueDate: null });
      const v1Writer: WriterSchema = { id: 11, schema: projectCreatedV1.schema, format: 'avro' };
      projectCreatedV2.decode(v1Body, v1Writer);
      const afterFirst = spy.mock.calls.length;
      expect(afterFirst).toBeGreaterThan(0);
      for (let i = 0; i < 5; i++) projectCreatedV2.decode(v1Body, v1Writer);
      expect(spy.mock.calls.length).toBe(afterFirst);
      const reformatted = JSON.stringify(JSON.parse(projectCreatedV2.schema));
      projectCreatedV2.decode(projectCreatedV2.encode(project as never), { id: 12, schema: reformatted, format: 'avro' });
      expect(spy.mock.calls.length).toBe(afterFirst);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('JSON Schema codecs', () => {
  const emailChanged = { userId: '7d1c0f5e-6a55-4a43-9b37-2a3f1c9f3b10', previousEmail: 'a@x.example', newEmail: 'b@x.example', verification: 'sso_claim', changedByUserId: '7d1c0f5e-6a55-4a43-9b37-2a3f1c9f3b10', occurredAt: '2025-01-01T00:00:00Z' };
  const writer: WriterSchema = { id: 21, schema: userEmailChangedV1.schema, format: 'json' };

  it('closed content models reject unknown properties on encode, naming them', () => {
    const error = validationError(() => userEmailChangedV1.encode({ ...emailChanged, note: 'x' } as never));
    expect(() => userEmailChangedV1.encodeFramed!({ ...emailChanged, note: 'x' } as never, 5)).toThrow(EventValidationError);
    const framed = userEmailChangedV1.encodeFramed!(emailChanged as never, 5);
    expect(framed.equals(Buffer.concat([Buffer.from([0, 0, 0, 0, 5]), userEmailChangedV1.encode(emailChanged as never)]))).toBe(true);
    expect(error.issues).toEqual([{ path: '', message: 'unknown property "note"' }]);
    expect(userEmailChangedV1.validate({ ...emailChanged, newEmail: 'not an address' })).toEqual([{ path: '/newEmail', message: 'must match format "email"' }]);
  });

  it('encoding does not touch the value; decoding fills in defaults of the reader version', () => {
    const request = { notificationId: '7d1c0f5e-6a55-4a43-9b37-2a3f1c9f3b10', recipient: { email: 'a@x.example' }, channels: ['email'], template: { templateId: 'welcome' }, occurredAt: '2025-01-01T00:00:00Z' };
    const copy = structuredClone(request);
    const body = notificationRequestedV1.encode(request as never);
    expect(request).toEqual(copy);
    const multibyte = { ...request, variables: { greeting: 'Grüße 😀' } };
    expect(notificationRequestedV1.encodeFramed!(multibyte as never, 9).equals(Buffer.concat([Buffer.from([0, 0, 0, 0, 9]), notificationRequestedV1.encode(multibyte as never)]))).toBe(true);
    const decoded = notificationRequestedV1.decode(body, { id: 22, schema: notificationRequestedV1.schema, format: 'json' });
    expect(decoded).toEqual({ ...request, recipient: { email: 'a@x.example', locale: 'en' }, variables: {}, priority: 'normal' });
  });

  it('bodies that are not JSON, or do not match their writer version, are decode errors', () => {
    expect(() => userEmailChangedV1.decode(Buffer.from('{'), writer)).toThrow(/is not JSON/);
    expect(() => userEmailChangedV1.decode(Buffer.from(JSON.stringify({ ...emailChanged, verification: 'guess' })), writer)).toThrow(EventDecodeError);
    const v1: WriterSchema = { id: 23, schema: userCreatedV2.schema.replace('"maxLength": 200', '"maxLength": 120'), format: 'json' };
    const user = { userId: '7d1c0f5e-6a55-4a43-9b37-2a3f1c9f3b10', email: 'a@x.example', emailVerified: true, displayName: 'x'.repeat(150), organizationId: '7d1c0f5e-6a55-4a43-9b37-2a3f1c9f3b10', accountType: 'staff', roles: ['admin'], signupMethod: 'sso', occurredAt: '2025-01-01T00:00:00Z' };
    // An unknown writer version (not generated here) is checked against the reader version only.
    expect(userCreatedV2.decode(Buffer.from(JSON.stringify(user)), v1)).toMatchObject({ displayName: user.displayName, locale: 'en' });
  });
});
