/**
 * Confluent's wire format for Kafka record values: a zero magic byte, the writer schema's registry
 * id as a 4-byte big-endian integer, then the Avro binary or UTF-8 JSON body. Any Confluent
 * deserializer can read what this writes.
 */
export const MAGIC_BYTE = 0;
export const HEADER_LENGTH = 5;

export function frame(schemaId: number, body: Uint8Array): Buffer {
  if (!Number.isInteger(schemaId) || schemaId < 0 || schemaId > 0x7fffffff) {
    throw new RangeError(`schema id must be an integer from 0 to 2147483647, got ${schemaId}`);
  }
  const out = Buffer.allocUnsafe(HEADER_LENGTH + body.length);
  out.writeUInt8(MAGIC_BYTE, 0);
  out.writeInt32BE(schemaId, 1);
  out.set(body, HEADER_LENGTH);
  return out;
}

export class WireFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WireFormatError';
  }
}

export interface Framed {
  schemaId: number;
  body: Buffer;
}

/** Splits a framed value; a record that is not in the wire format is an error the caller can dead-letter. */
export function unframe(value: Buffer | null): Framed {
  if (!value || value.length < HEADER_LENGTH) {
    throw new WireFormatError(`value of ${value?.length ?? 0} bytes is too short for the Confluent wire format`);
  }
  if (value.readUInt8(0) !== MAGIC_BYTE) {
    throw new WireFormatError(`unknown magic byte ${value.readUInt8(0)}; expected ${MAGIC_BYTE}`);
  }
  return { schemaId: value.readInt32BE(1), body: value.subarray(HEADER_LENGTH) };
}
