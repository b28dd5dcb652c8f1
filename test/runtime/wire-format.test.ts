import { describe, expect, it } from 'vitest';
import { frame, unframe, WireFormatError } from '../../runtime/index.js';

describe('Confluent wire format', () => {
  it('frames a body behind magic byte 0 and a big-endian schema id', () => {
    const framed = frame(258, Buffer.from('{"a":1}'));
    expect([...framed.subarray(0, 5)]).toEqual([0, 0, 0, 1, 2]);
    expect(unframe(framed)).toEqual({ schemaId: 258, body: Buffer.from('{"a":1}') });
  });

  it('rejects values that are not framed', () => {
    expect(() => unframe(Buffer.from([1, 0, 0, 0, 1, 9]))).toThrow(WireFormatError);
    expect(() => unframe(Buffer.from([0, 0]))).toThrow(/too short/);
    expect(() => unframe(null)).toThrow(WireFormatError);
    expect(() => frame(-1, Buffer.alloc(0))).toThrow(RangeError);
  });
});
