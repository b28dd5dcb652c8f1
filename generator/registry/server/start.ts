/**
 * Programmatic entry of `herald registry serve`: opens the store, starts the HTTP server and
 * gives back a handle whose `close()` stops accepting, lets in-flight requests finish, and then
 * closes the store.
 */
import { isIP } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { CompatibilityChecker } from '../compatibility.js';
import { RegistryService } from '../service.js';
import { DEFAULT_STORE_DIR, openStore } from '../store/open.js';
import type { RegistryStore } from '../store/store.js';
import { buildRegistryApp, type RegistryLogger } from './app.js';
import { loadAuthConfig, parseAuthConfig, type AuthConfig } from './auth.js';

export interface StartRegistryOptions {
  /** A directory for the embedded (PGlite) store, a `postgres://` URL, or an open store (which the caller then owns). */
  store?: string | RegistryStore;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 8081, Confluent's port; 0 picks a free one. */
  port?: number;
  /** Path to the auth JSON file, or its parsed content. Without it every request is allowed. */
  auth?: string | AuthConfig;
  /** Without auth the server only binds to loopback addresses, unless this is set. */
  allowUnauthenticatedRemote?: boolean;
  /** fastify's pino logger: true for info-level request logs. Default: on, except under vitest. */
  logger?: RegistryLogger;
  /** Replaces herald's compatibility checker (tests). */
  compatibilityChecker?: CompatibilityChecker;
  /**
   * On a PostgreSQL store, how long another instance's writes may stay unseen by this one's
   * cached reads, in ms (default 1000; 0 turns the cache of changing rows off). See the README.
   */
  cacheTtlMs?: number;
}

export interface RunningRegistry {
  /** Base URL for clients, e.g. `http://127.0.0.1:8081`. */
  url: string;
  host: string;
  port: number;
  /** The fastify instance, for `inject()` in tests and extra hooks. */
  app: FastifyInstance;
  /** Stops accepting, drains in-flight requests, then closes the store it opened. Safe to call twice. */
  close(): Promise<void>;
}

export class UnsafeBindError extends Error {
  constructor(host: string) {
    super(
      `refusing to serve the registry on ${host} without authentication: anyone who can reach it could change schemas. ` +
        'Configure auth, bind to 127.0.0.1, or set allowUnauthenticatedRemote.',
    );
    this.name = 'UnsafeBindError';
  }
}

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  if (h.startsWith('::ffff:')) return isLoopback(h.slice(7));
  return isIP(h) === 4 && h.startsWith('127.');
}

function urlHost(host: string): string {
  return isIP(host) === 6 ? `[${host}]` : host;
}

export async function startRegistryServer(options: StartRegistryOptions = {}): Promise<RunningRegistry> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 8081;
  const auth = typeof options.auth === 'string' ? await loadAuthConfig(options.auth) : options.auth ? parseAuthConfig(options.auth) : undefined;
  if (!auth && !options.allowUnauthenticatedRemote && !isLoopback(host)) throw new UnsafeBindError(host);

  const ownsStore = typeof options.store !== 'object';
  const store = typeof options.store === 'object' ? options.store : await openStore(options.store ?? DEFAULT_STORE_DIR);
  let app: FastifyInstance;
  try {
    const checker = options.compatibilityChecker;
    const service = new RegistryService(store, {
      ...(checker ? { loadChecker: async () => checker } : {}),
      cache: { ttlMs: options.cacheTtlMs },
    });
    app = await buildRegistryApp({ service, auth, logger: options.logger ?? !process.env['VITEST'] });
    await app.listen({ host, port });
  } catch (error) {
    if (ownsStore) await store.close().catch(() => undefined);
    throw error;
  }
  const address = app.server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  app.log.info({ store: store.description, url: `http://${urlHost(host)}:${boundPort}` }, 'registry listening');

  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost(host)}:${boundPort}`,
    host,
    port: boundPort,
    app,
    close() {
      closing ??= (async () => {
        try {
          await app.close();
        } finally {
          if (ownsStore) await store.close();
        }
      })();
      return closing;
    },
  };
}
