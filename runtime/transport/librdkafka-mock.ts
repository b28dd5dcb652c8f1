/*
 * Why this exists: kafkajs trips over two defects of librdkafka's mock cluster
 * (the Kafka of `herald dev` and of herald's own tests), so clients of it patch
 * the wire instead of the client:
 *
 * 1. Metadata responses name controller id 0, but mock brokers are numbered
 *    from 1. kafkajs looks the controller up among the listed brokers for
 *    InitProducerId (idempotent producer) and admin calls, and fails with
 *    "Broker 0 not found in the cached metadata". The controller id is
 *    replaced by a listed broker.
 * 2. The mock's group coordinator completes a SyncGroup round as soon as the
 *    leader's SyncGroup (which carries every member's assignment) arrives,
 *    without waiting for the followers' requests; a follower whose SyncGroup
 *    comes second gets INVALID_REQUEST, which kafkajs treats as fatal (the
 *    consumer stops). The leader's SyncGroup is therefore held back briefly so
 *    followers go first, and should one still lose the race, its
 *    INVALID_REQUEST is turned into REBALANCE_IN_PROGRESS so it rejoins.
 *
 * Everything else passes through untouched, and a real cluster (valid
 * controller, no such SyncGroup error) is not affected. Exported from the
 * runtime as `librdkafkaMockSocketFactory`; `kafkaOptionsFromEnv` adds it when
 * HERALD_KAFKA_MOCK=1.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { ISocketFactory } from 'kafkajs';

const METADATA = 3;
const SYNC_GROUP = 14;
// Metadata v1 introduced controller_id; v9+ (flexible encoding) is neither
// offered by the mock (v0-v2 in librdkafka 2.0.x) nor spoken by kafkajs (v0-v6).
const METADATA_VERSIONS = { min: 1, max: 8 };
// SyncGroup v4+ is flexible; the mock offers v0-v3.
const SYNC_GROUP_VERSIONS = { min: 0, max: 3 };
const INVALID_REQUEST = 42;
const REBALANCE_IN_PROGRESS = 27;
/** How long the group leader's SyncGroup waits for the followers' to go first. */
export const LEADER_SYNC_DELAY_MS = 200;
const KEEP_ALIVE_DELAY_MS = 60_000;

export interface BrokerAddress {
  host: string;
  port: number;
}

function rewrites(apiKey: number, apiVersion: number): boolean {
  const range = apiKey === METADATA ? METADATA_VERSIONS : apiKey === SYNC_GROUP ? SYNC_GROUP_VERSIONS : undefined;
  return range !== undefined && apiVersion >= range.min && apiVersion <= range.max;
}

/**
 * Returns a copy of a complete Metadata response frame (4-byte size prefix
 * included) whose controller id is replaced when it names no listed broker:
 * by the id of `answeringBroker` when that is listed (it is certainly up, it
 * just answered), else by the first listed broker id. Returns the frame itself
 * when nothing needs changing or it cannot be parsed.
 */
export function fixMetadataController(frame: Buffer, apiVersion: number, answeringBroker?: BrokerAddress): Buffer {
  if (apiVersion < METADATA_VERSIONS.min || apiVersion > METADATA_VERSIONS.max) return frame;
  try {
    let offset = 8; // size, correlation id
    if (apiVersion >= 3) offset += 4; // throttle_time_ms
    const brokerCount = frame.readInt32BE(offset);
    offset += 4;
    const ids: number[] = [];
    let answeringId: number | undefined;
    for (let i = 0; i < brokerCount; i++) {
      const nodeId = frame.readInt32BE(offset);
      offset += 4;
      const hostLength = frame.readInt16BE(offset);
      offset += 2;
      const host = frame.toString('utf8', offset, offset + Math.max(hostLength, 0));
      offset += Math.max(hostLength, 0);
      const port = frame.readInt32BE(offset);
      offset += 4;
      const rackLength = frame.readInt16BE(offset); // nullable: -1
      offset += 2 + Math.max(rackLength, 0);
      ids.push(nodeId);
      if (answeringBroker && host === answeringBroker.host && port === answeringBroker.port) answeringId = nodeId;
    }
    if (apiVersion >= 2) {
      const clusterIdLength = frame.readInt16BE(offset); // nullable: -1
      offset += 2 + Math.max(clusterIdLength, 0);
    }
    const controllerId = frame.readInt32BE(offset);
    const replacement = answeringId ?? ids[0];
    if (replacement === undefined || ids.includes(controllerId)) return frame;
    const fixed = Buffer.from(frame);
    fixed.writeInt32BE(replacement, offset);
    return fixed;
  } catch (error) {
    if (error instanceof RangeError) return frame; // truncated or not Metadata: leave it to kafkajs
    throw error;
  }
}

/**
 * Returns a copy of a complete SyncGroup response frame whose INVALID_REQUEST
 * error is replaced by REBALANCE_IN_PROGRESS (see the top of this file), or
 * the frame itself.
 */
export function fixSyncGroupError(frame: Buffer, apiVersion: number): Buffer {
  const offset = 8 + (apiVersion >= 1 ? 4 : 0); // size, correlation id, throttle_time_ms
  if (apiVersion > SYNC_GROUP_VERSIONS.max || frame.length < offset + 2) return frame;
  if (frame.readInt16BE(offset) !== INVALID_REQUEST) return frame;
  const fixed = Buffer.from(frame);
  fixed.writeInt16BE(REBALANCE_IN_PROGRESS, offset);
  return fixed;
}

/**
 * True for a complete SyncGroup v0-v3 request frame that carries assignments,
 * i.e. one sent by the group leader.
 */
export function isLeaderSyncGroup(frame: Buffer): boolean {
  try {
    if (frame.readInt16BE(4) !== SYNC_GROUP) return false;
    const apiVersion = frame.readInt16BE(6);
    if (apiVersion > SYNC_GROUP_VERSIONS.max) return false;
    let offset = 12;
    const skipString = (): void => {
      const length = frame.readInt16BE(offset);
      offset += 2 + Math.max(length, 0);
    };
    skipString(); // client_id
    skipString(); // group_id
    offset += 4; // generation_id
    skipString(); // member_id
    if (apiVersion >= 3) skipString(); // group_instance_id
    return frame.readInt32BE(offset) > 0;
  } catch (error) {
    if (error instanceof RangeError) return false;
    throw error;
  }
}

/**
 * Follows one connection's byte streams: notes the correlation ids of requests
 * whose responses need fixing, and on the way in holds back only those
 * responses until they are complete. Other frames stream through as they arrive.
 */
export class MockProtocolFixer {
  private readonly pending = new Map<number, { apiKey: number; apiVersion: number }>(); // by correlation id
  private outHeader = Buffer.alloc(0);
  private outSkip = 0;
  private inHeader = Buffer.alloc(0);
  private inPass = 0;
  private capture: { parts: Buffer[]; have: number; need: number; apiKey: number; apiVersion: number } | undefined;

  constructor(private readonly answeringBroker?: BrokerAddress) {}

  /**
   * Feed bytes the client writes (requests). Returns true when they contain a
   * complete leader SyncGroup request, which the caller should hold back.
   */
  outgoing(chunk: Buffer): boolean {
    let leaderSync = false;
    let offset = 0;
    while (offset < chunk.length) {
      if (this.outSkip > 0) {
        const n = Math.min(this.outSkip, chunk.length - offset);
        this.outSkip -= n;
        offset += n;
        continue;
      }
      // Request header: size, api key, api version, correlation id.
      const frameStart = offset - this.outHeader.length;
      const take = Math.min(12 - this.outHeader.length, chunk.length - offset);
      this.outHeader = Buffer.concat([this.outHeader, chunk.subarray(offset, offset + take)]);
      offset += take;
      if (this.outHeader.length < 12) break;
      const size = this.outHeader.readInt32BE(0);
      const apiKey = this.outHeader.readInt16BE(4);
      const apiVersion = this.outHeader.readInt16BE(6);
      const correlationId = this.outHeader.readInt32BE(8);
      if (rewrites(apiKey, apiVersion)) this.pending.set(correlationId, { apiKey, apiVersion });
      // kafkajs writes each request whole; a frame split across writes is
      // only tracked, never held back.
      if (apiKey === SYNC_GROUP && frameStart >= 0 && frameStart + 4 + size <= chunk.length) {
        leaderSync ||= isLeaderSyncGroup(chunk.subarray(frameStart, frameStart + 4 + size));
      }
      this.outSkip = Math.max(size + 4 - 12, 0);
      this.outHeader = Buffer.alloc(0);
    }
    return leaderSync;
  }

  /** Feed bytes the broker sent (responses); returns what to hand to the client. */
  incoming(chunk: Buffer): Buffer[] {
    const out: Buffer[] = [];
    let offset = 0;
    while (offset < chunk.length) {
      if (this.inPass > 0) {
        const n = Math.min(this.inPass, chunk.length - offset);
        out.push(chunk.subarray(offset, offset + n));
        this.inPass -= n;
        offset += n;
        continue;
      }
      if (this.capture) {
        const capture = this.capture;
        const n = Math.min(capture.need - capture.have, chunk.length - offset);
        capture.parts.push(chunk.subarray(offset, offset + n));
        capture.have += n;
        offset += n;
        if (capture.have === capture.need) {
          this.capture = undefined;
          out.push(this.fix(Buffer.concat(capture.parts), capture.apiKey, capture.apiVersion));
        }
        continue;
      }
      // Response header: size, correlation id.
      const take = Math.min(8 - this.inHeader.length, chunk.length - offset);
      this.inHeader = Buffer.concat([this.inHeader, chunk.subarray(offset, offset + take)]);
      offset += take;
      if (this.inHeader.length < 8) break;
      const header = this.inHeader;
      this.inHeader = Buffer.alloc(0);
      const frameLength = Math.max(header.readInt32BE(0) + 4, 8);
      const correlationId = header.readInt32BE(4);
      const request = this.pending.get(correlationId);
      if (request === undefined) {
        out.push(header);
        this.inPass = frameLength - 8;
        continue;
      }
      this.pending.delete(correlationId);
      if (frameLength === 8) out.push(header);
      else this.capture = { parts: [header], have: 8, need: frameLength, ...request };
    }
    return out;
  }

  private fix(frame: Buffer, apiKey: number, apiVersion: number): Buffer {
    return apiKey === METADATA
      ? fixMetadataController(frame, apiVersion, this.answeringBroker)
      : fixSyncGroupError(frame, apiVersion);
  }
}

type WriteFn = (...args: unknown[]) => boolean;
type EmitFn = (event: string | symbol, ...args: unknown[]) => boolean;

function toBuffer(chunk: unknown, encoding: unknown): Buffer | undefined {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (typeof chunk === 'string') return Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  return undefined;
}

/**
 * A kafkajs `socketFactory` (same connection setup as kafkajs's default) whose
 * sockets work around the mock cluster's defects described above.
 */
export function mockClusterSocketFactory(): ISocketFactory {
  return ({ host, port, ssl, onConnect }) => {
    const socket = ssl
      ? tls.connect({ host, port, ...(!net.isIP(host) ? { servername: host } : {}), ...ssl }, onConnect)
      : net.connect({ host, port }, onConnect);
    socket.setKeepAlive(true, KEEP_ALIVE_DELAY_MS);

    const fixer = new MockProtocolFixer({ host, port });
    const patchable = socket as unknown as { write: WriteFn; emit: EmitFn };

    // kafkajs writes whole requests with socket.write and reads via 'data'
    // listeners it adds after we return, so patching these two sees all traffic.
    const write = patchable.write.bind(socket) as WriteFn;
    let held: unknown[][] | undefined; // writes queued behind a held-back leader SyncGroup, in order
    patchable.write = (...args: unknown[]): boolean => {
      const bytes = toBuffer(args[0], args[1]);
      const holdBack = bytes !== undefined && fixer.outgoing(bytes);
      if (held) {
        held.push(args);
        return true;
      }
      if (!holdBack) return write(...args);
      held = [args];
      setTimeout(() => {
        const queue = held ?? [];
        held = undefined;
        for (const queued of queue) if (socket.writable) write(...queued);
      }, LEADER_SYNC_DELAY_MS);
      return true;
    };

    const emit = patchable.emit.bind(socket) as EmitFn;
    patchable.emit = (event: string | symbol, ...args: unknown[]): boolean => {
      const [chunk] = args;
      if (event !== 'data' || !Buffer.isBuffer(chunk)) return emit(event, ...args);
      const parts = fixer.incoming(chunk);
      if (parts.length === 0) return true;
      return emit('data', parts.length === 1 ? parts[0] : Buffer.concat(parts));
    };

    return socket;
  };
}
