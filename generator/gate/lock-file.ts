import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Ajv } from 'ajv';
import { CliError } from '../cli/exit-codes.js';
import { isJsonSyntaxError, parseJsonSource } from '../contracts/json-source.js';
import type { ContractSet } from '../contracts/model.js';
import { publishedVersionDeleted, publishedVersionEdited, type GateFinding } from './findings.js';

export const LOCK_FILE = 'herald.lock.json';

export interface LockedVersion {
  file: string;
  fingerprint: string;
  subject: string;
  /** Registry id, once `herald register` has registered the version. */
  id?: number;
}

/** `schemas/herald.lock.json`: the published versions, by event type and version number. */
export interface LockFile {
  lockVersion: 1;
  events: Record<string, Record<string, LockedVersion>>;
}

const LOCK_SCHEMA = {
  type: 'object',
  required: ['lockVersion', 'events'],
  properties: {
    lockVersion: { const: 1 },
    events: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        propertyNames: { pattern: '^[1-9][0-9]*$' },
        additionalProperties: {
          type: 'object',
          required: ['file', 'fingerprint', 'subject'],
          properties: {
            file: { type: 'string' },
            fingerprint: { type: 'string', pattern: '^sha256:[0-9a-f]{64}$' },
            subject: { type: 'string' },
            id: { type: 'integer', minimum: 0 },
          },
          additionalProperties: false,
        },
      },
    },
  },
  additionalProperties: false,
} as const;
const validateLock = new Ajv({ allErrors: false }).compile(LOCK_SCHEMA);

export function lockPath(contracts: ContractSet): string {
  return path.join(contracts.config.schemasDir, LOCK_FILE);
}

/** Reads the lock file; `undefined` when the project has none. A corrupt one is invalid input (exit 2). */
export async function readLock(contracts: ContractSet): Promise<LockFile | undefined> {
  const file = lockPath(contracts);
  if (!existsSync(file)) return undefined;
  const shown = path.relative(contracts.config.root, file);
  const parsed = parseJsonSource(shown, await readFile(file, 'utf8'));
  if (isJsonSyntaxError(parsed)) {
    throw new CliError(`${shown}:${parsed.line}:${parsed.column}: invalid JSON: ${parsed.message}`);
  }
  if (!validateLock(parsed.value)) {
    const error = validateLock.errors?.[0];
    const pointer = error?.instancePath ?? '';
    const where = parsed.position(pointer);
    throw new CliError(`${shown}:${where.line}:${where.column}: not a herald lock file: ${error?.message ?? 'invalid'} (at ${pointer || '/'})`);
  }
  return parsed.value as LockFile;
}

/** Locked versions that were deleted or whose canonical form changed. */
export function checkLock(contracts: ContractSet, lock: LockFile): GateFinding[] {
  const findings: GateFinding[] = [];
  const current = new Map(contracts.events.map((e) => [`${e.type}@${e.version}`, e]));
  for (const [type, versions] of Object.entries(lock.events)) {
    for (const [version, locked] of Object.entries(versions)) {
      const event = current.get(`${type}@${version}`);
      const label = `${type.slice(type.lastIndexOf('.') + 1)}.v${version}`;
      if (!event) {
        findings.push(publishedVersionDeleted(label, locked.file, `(${type}) is published (${LOCK_FILE}) but its file is gone`));
      } else if (event.fingerprint !== locked.fingerprint) {
        findings.push(publishedVersionEdited(label, event.file, `differs from its published form (${LOCK_FILE})`));
      }
    }
  }
  return findings;
}

/**
 * The lock for the current contracts: every version with its fingerprint, keeping registry ids
 * of versions whose content is unchanged. Keys are sorted so the file diffs cleanly.
 */
export function buildLock(contracts: ContractSet, previous: LockFile | undefined): LockFile {
  const events: LockFile['events'] = {};
  for (const event of [...contracts.events].sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : a.version - b.version))) {
    const old = previous?.events[event.type]?.[String(event.version)];
    const keepId = old?.id !== undefined && old.fingerprint === event.fingerprint && old.subject === event.subject;
    (events[event.type] ??= {})[String(event.version)] = {
      file: event.file,
      fingerprint: event.fingerprint,
      subject: event.subject,
      ...(keepId ? { id: old.id } : {}),
    };
  }
  return { lockVersion: 1, events };
}

export async function writeLock(contracts: ContractSet, lock: LockFile): Promise<void> {
  await writeFile(lockPath(contracts), JSON.stringify(lock, null, 2) + '\n');
}
