import path from 'node:path';
import type { ContractSet } from '../contracts/model.js';
import { RegistryClient, RegistryHttpError, RegistryUnreachableError } from '../registry/client.js';
import { startRegistryServer } from '../registry/server/start.js';
import { CliError, ExitCode } from './exit-codes.js';

/** Where the embedded registry keeps its data, relative to the project root. */
export const EMBEDDED_REGISTRY_DIR = '.herald/registry';

export interface RegistryTarget {
  client: RegistryClient;
  /** `http://…` for a remote registry, or the embedded store's folder. */
  description: string;
  close(): Promise<void>;
}

/**
 * The registry a command talks to: `--registry`, else `registryUrl` in herald.json, else the
 * embedded one under `.herald/registry`, served on a loopback port for the duration of the
 * command so that every path goes through the same Confluent REST client.
 */
export async function openRegistryTarget(contracts: ContractSet, url: string | undefined): Promise<RegistryTarget> {
  const remote = url ?? contracts.config.registryUrl;
  if (remote) {
    return { client: new RegistryClient({ url: remote }), description: remote.replace(/\/\/[^@/]*@/, '//'), close: async () => undefined };
  }
  const store = path.join(contracts.config.root, EMBEDDED_REGISTRY_DIR);
  const server = await startRegistryServer({ store, host: '127.0.0.1', port: 0, logger: false });
  return { client: new RegistryClient({ url: server.url }), description: `embedded registry (${EMBEDDED_REGISTRY_DIR})`, close: () => server.close() };
}

/** Registry failures at the CLI boundary: unreachable or refusing is invalid input/environment (exit 2). */
export function registryCliError(error: unknown): CliError | undefined {
  if (error instanceof RegistryUnreachableError) return new CliError(error.message, ExitCode.InvalidInput);
  if (error instanceof RegistryHttpError) {
    return new CliError(`registry answered ${error.status} (error code ${error.errorCode}) to ${error.method} ${error.url}: ${error.message}`, ExitCode.InvalidInput);
  }
  return undefined;
}
