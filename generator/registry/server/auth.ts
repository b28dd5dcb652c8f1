/**
 * Optional authentication from a JSON file: each user has a password (HTTP Basic) or a token
 * (Bearer) and a role. `read` may call every endpoint that changes nothing (including lookups and
 * compatibility checks, which are POSTs); `write` may call everything.
 *
 * ```json
 * { "users": [
 *   { "name": "ci", "password": "s3cret", "role": "write" },
 *   { "name": "dashboards", "token": "eyJ…", "role": "read" } ] }
 * ```
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';

export type Role = 'read' | 'write';

export interface AuthUser {
  name: string;
  password?: string;
  token?: string;
  role: Role;
}

export interface AuthConfig {
  users: AuthUser[];
}

export class AuthConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuthConfigError';
  }
}

export function parseAuthConfig(value: unknown, source = 'auth config'): AuthConfig {
  const fail = (why: string): never => {
    throw new AuthConfigError(`${source}: ${why}`);
  };
  if (typeof value !== 'object' || value === null || !Array.isArray((value as { users?: unknown }).users)) {
    return fail('expected {"users": [...]}');
  }
  const users = (value as { users: unknown[] }).users.map((raw, i): AuthUser => {
    if (typeof raw !== 'object' || raw === null) return fail(`users[${i}] must be an object`);
    const { name, password, token, role } = raw as Record<string, unknown>;
    if (typeof name !== 'string' || name === '') return fail(`users[${i}].name must be a non-empty string`);
    if (role !== 'read' && role !== 'write') return fail(`users[${i}].role must be "read" or "write"`);
    if (password !== undefined && (typeof password !== 'string' || password === '')) return fail(`users[${i}].password must be a non-empty string`);
    if (token !== undefined && (typeof token !== 'string' || token === '')) return fail(`users[${i}].token must be a non-empty string`);
    if (password === undefined && token === undefined) return fail(`users[${i}] needs a password or a token`);
    if (name.includes(':')) return fail(`users[${i}].name cannot contain ':' (HTTP Basic separates name and password with it)`);
    return { name, role, ...(password !== undefined ? { password } : {}), ...(token !== undefined ? { token } : {}) };
  });
  if (users.length === 0) fail('no users: an empty list would lock everyone out');
  return { users };
}

export async function loadAuthConfig(file: string): Promise<AuthConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new AuthConfigError(`cannot read auth config ${file}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new AuthConfigError(`${file} is not JSON: ${(error as Error).message}`);
  }
  return parseAuthConfig(json, file);
}

/** Hashing both sides first gives equal-length inputs, so the comparison time says nothing about the secret. */
function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export type AuthOutcome = { ok: true; user: AuthUser } | { ok: false; reason: 'missing' | 'invalid' };

/** Checks an Authorization header against the configured users. */
export function authenticate(config: AuthConfig, header: string | undefined): AuthOutcome {
  if (!header) return { ok: false, reason: 'missing' };
  const space = header.indexOf(' ');
  const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase();
  const credentials = space < 0 ? '' : header.slice(space + 1).trim();
  if (scheme === 'basic') {
    const decoded = Buffer.from(credentials, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return { ok: false, reason: 'invalid' };
    const name = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    // Every user is compared, so the answer time does not reveal which names exist.
    let found: AuthUser | undefined;
    for (const user of config.users) {
      if (user.password !== undefined && sameSecret(name, user.name) && sameSecret(password, user.password)) found ??= user;
    }
    return found ? { ok: true, user: found } : { ok: false, reason: 'invalid' };
  }
  if (scheme === 'bearer') {
    let found: AuthUser | undefined;
    for (const user of config.users) {
      if (user.token !== undefined && sameSecret(credentials, user.token)) found ??= user;
    }
    return found ? { ok: true, user: found } : { ok: false, reason: 'invalid' };
  }
  return { ok: false, reason: 'invalid' };
}

export function mayWrite(user: AuthUser): boolean {
  return user.role === 'write';
}
