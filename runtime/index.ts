export * from './api.js';
export { frame, unframe, WireFormatError, MAGIC_BYTE, HEADER_LENGTH, type Framed } from './wire-format.js';
