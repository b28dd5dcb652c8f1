import avro from 'avsc';

/**
 * Avro `decimal` as a decimal string (`"1234.50"`): exact, readable, JSON-friendly, and the same
 * representation JSON Schema contracts use for money. Decoded strings are canonical: an optional
 * `-`, no leading zeros, exactly `scale` fraction digits. Encoding also accepts fewer fraction
 * digits (`"12.5"` for scale 2) and rejects more (that would round) or more than `precision` digits.
 */
const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

export function formatUnscaled(unscaled: bigint | number, scale: number): string {
  const negative = unscaled < 0;
  let digits = (negative ? -unscaled : unscaled).toString();
  if (scale === 2 && digits.length >= 3) return `${negative ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`;
  if (scale === 0) return negative ? `-${digits}` : digits;
  if (digits.length <= scale) digits = '0'.repeat(scale - digits.length + 1) + digits;
  const text = `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
  return negative ? `-${text}` : text;
}

/** The unscaled integer of a decimal string, or undefined when it is not one that fits. */
export function parseDecimal(text: unknown, precision: number, scale: number): bigint | undefined {
  if (typeof text !== 'string') return undefined;
  const match = DECIMAL.exec(text);
  if (!match) return undefined;
  const fraction = match[3] ?? '';
  if (fraction.length > scale) return undefined;
  const digits = (match[2]!.replace(/^0+(?=\d)/, '') + fraction.padEnd(scale, '0')).replace(/^0+(?=\d)/, '');
  if (digits.length > precision) return undefined;
  const unscaled = BigInt(digits);
  return match[1] ? -unscaled : unscaled;
}

/** Big-endian two's complement of `value` in the fewest bytes (or exactly `size` bytes). */
export function toTwosComplement(value: bigint, size?: number): Buffer {
  if (size === undefined && value >= -0x800000000000n && value < 0x800000000000n) {
    const n = Number(value);
    let length = 1;
    while (length < 6 && (n < -(2 ** (8 * length - 1)) || n >= 2 ** (8 * length - 1))) length++;
    const out = Buffer.allocUnsafe(length);
    out.writeIntBE(n, 0, length);
    return out;
  }
  let length = size ?? 1;
  if (size === undefined) {
    while (value < -(1n << BigInt(8 * length - 1)) || value >= 1n << BigInt(8 * length - 1)) length++;
  }
  const out = Buffer.alloc(length);
  let rest = BigInt.asUintN(8 * length, value);
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return out;
}

export function fromTwosComplement(bytes: Buffer): bigint | number {
  const length = bytes.length;
  if (length === 0) return 0;
  if (length <= 6) return bytes.readIntBE(0, length);
  let value = 0n;
  for (let i = 0; i < length; i++) value = (value << 8n) | BigInt(bytes[i]!);
  return BigInt.asIntN(8 * length, value);
}

/**
 * The fast path of `parseDecimal` for up to 15 significant digits (exact in a double): one pass
 * over the characters, no regular expression, no BigInt. Undefined means "take the slow path".
 */
function unscaledNumber(text: string, precision: number, scale: number): number | undefined {
  const length = text.length;
  let i = 0;
  let negative = false;
  if (length > 0 && text.charCodeAt(0) === 45) {
    negative = true;
    i = 1;
  }
  let unscaled = 0;
  let digits = 0;
  let fraction = -1;
  let sawDigit = false;
  for (; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code === 46) {
      if (fraction >= 0 || !sawDigit) return undefined;
      fraction = 0;
      continue;
    }
    if (code < 48 || code > 57) return undefined;
    sawDigit = true;
    if (fraction >= 0) fraction++;
    if (unscaled !== 0 || code !== 48) digits++;
    unscaled = unscaled * 10 + (code - 48);
  }
  if (!sawDigit || fraction === 0) return undefined;
  const fractionDigits = fraction < 0 ? 0 : fraction;
  if (fractionDigits > scale) return undefined;
  for (let pad = fractionDigits; pad < scale; pad++) {
    unscaled *= 10;
    if (unscaled !== 0) digits++;
  }
  if (digits > precision || digits > 15) return undefined;
  return negative ? -unscaled : unscaled;
}

function smallTwosComplement(n: number): Buffer {
  let length = 1;
  while (length < 6 && (n < -(2 ** (8 * length - 1)) || n >= 2 ** (8 * length - 1))) length++;
  if (length === 6 && (n < -(2 ** 47) || n >= 2 ** 47)) return toTwosComplement(BigInt(n));
  const out = Buffer.allocUnsafe(length);
  out.writeIntBE(n, 0, length);
  return out;
}

/** avsc's Tap, as far as the fast path below uses it. */
interface Tap {
  buf: Buffer;
  pos: number;
  readLong(): number;
  writeLong(value: number): void;
  isValid(): boolean;
}
interface Internals {
  _read(tap: Tap): unknown;
  _write(tap: Tap, value: unknown): void;
  _check(value: unknown, flags?: unknown, hook?: (value: unknown, type: unknown) => void, path?: string[]): boolean;
}

/**
 * Reads and writes small decimals on `bytes` straight from and into avsc's buffer: no intermediate
 * Buffer, no BigInt. Values the fast path cannot take (over 15 digits, bad input) use the generic
 * logical-type path, which also produces the errors.
 */
function installBytesFastPath(type: DecimalType, precision: number, scale: number): void {
  const self = type as unknown as Internals;
  const generic = { read: self._read.bind(type), write: self._write.bind(type), check: self._check.bind(type) };
  self._write = (tap: Tap, value: unknown) => {
    const n = typeof value === 'string' ? unscaledNumber(value, precision, scale) : undefined;
    if (n === undefined || n < -(2 ** 47) || n >= 2 ** 47) return generic.write(tap, value);
    let length = 1;
    while (n < -(2 ** (8 * length - 1)) || n >= 2 ** (8 * length - 1)) length++;
    tap.writeLong(length);
    const pos = tap.pos;
    tap.pos += length;
    if (tap.isValid()) tap.buf.writeIntBE(n, pos, length);
  };
  self._check = (value: unknown, flags?: unknown, hook?: (value: unknown, type: unknown) => void, path?: string[]) => {
    if (typeof value === 'string' && unscaledNumber(value, precision, scale) !== undefined) return true;
    return generic.check(value, flags, hook, path);
  };
  self._read = (tap: Tap) => {
    const length = tap.readLong();
    if (length > 6 || length < 0) {
      const start = tap.pos;
      tap.pos += length;
      return formatUnscaled(fromTwosComplement(tap.buf.subarray(start, tap.pos)), scale);
    }
    const pos = tap.pos;
    tap.pos += length;
    if (!tap.isValid()) return undefined;
    return formatUnscaled(length === 0 ? 0 : tap.buf.readIntBE(pos, length), scale);
  };
}

interface DecimalAttributes {
  precision: number;
  scale: number;
  size?: number;
}

/** The avsc logical type herald registers for `decimal` on `bytes` and `fixed`. */
export class DecimalType extends avro.types.LogicalType {
  readonly precision: number;
  readonly scale: number;
  private readonly size: number | undefined;

  constructor(schema: avro.Schema, opts?: unknown) {
    super(schema, opts);
    const attrs = schema as unknown as DecimalAttributes & { type: string };
    const precision = attrs.precision;
    const scale = attrs.scale ?? 0;
    if (!Number.isInteger(precision) || precision <= 0 || !Number.isInteger(scale) || scale < 0 || scale > precision) {
      throw new Error(`invalid decimal precision/scale: ${precision}/${scale}`);
    }
    if (attrs.type !== 'bytes' && attrs.type !== 'fixed') throw new Error('decimal must be on bytes or fixed');
    this.precision = precision;
    this.scale = scale;
    this.size = attrs.type === 'fixed' ? attrs.size : undefined;
    if (this.size === undefined) installBytesFastPath(this, precision, scale);
  }

  protected override _fromValue(value: Buffer): string {
    return formatUnscaled(fromTwosComplement(value), this.scale);
  }

  protected override _toValue(value: unknown): Buffer | undefined {
    if (this.size === undefined && typeof value === 'string') {
      const fast = unscaledNumber(value, this.precision, this.scale);
      if (fast !== undefined) return smallTwosComplement(fast);
    }
    const unscaled = parseDecimal(value, this.precision, this.scale);
    return unscaled === undefined ? undefined : toTwosComplement(unscaled, this.size);
  }

  protected override _resolve(type: avro.Type): ((value: unknown) => unknown) | undefined {
    if (type instanceof DecimalType) {
      return type.scale === this.scale ? (value) => value : undefined;
    }
    const name = type.typeName;
    if (name === 'bytes' || name === 'fixed') return (value) => this._fromValue(value as Buffer);
    return undefined;
  }

  protected override _export(attrs: avro.Schema): void {
    const target = attrs as unknown as DecimalAttributes;
    target.precision = this.precision;
    target.scale = this.scale;
  }
}
