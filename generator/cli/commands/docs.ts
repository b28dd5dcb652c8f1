import { existsSync } from 'node:fs';
import path from 'node:path';
import type { CommandModule } from 'yargs';
import { loadContracts } from '../../contracts/load.js';
import type { ContractSet } from '../../contracts/model.js';
import { generateDocsSite } from '../../docs/build.js';
import { clientHistoryReader, sourceFromRegistry } from '../../docs/registry-source.js';
import { sourceFromContracts, withLockFile, type DocsSource } from '../../docs/source.js';
import { readLock } from '../../gate/lock-file.js';
import { DocsOutputError } from '../../docs/write.js';
import { RegistryClient } from '../../registry/client.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { loadProjectOrExit, withProject, type ProjectArgs } from '../project.js';
import { count } from '../terminal.js';
import { openRegistryTarget, registryCliError, type RegistryTarget } from '../registry-target.js';

interface DocsArgs extends ProjectArgs {
  out: string;
  registry?: string;
  title?: string;
}

/**
 * The project's contracts when they load cleanly. With `--registry` they only add owners,
 * consumers and key fields, so a broken or absent tree is a warning there, not a failure.
 */
async function optionalContracts(cwd: string): Promise<ContractSet | undefined> {
  const { contracts, diagnostics } = await loadContracts(cwd);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (contracts && errors.length === 0) return contracts;
  if (existsSync(path.join(cwd, 'herald.json'))) {
    process.stderr.write(`herald: warning: the contracts in ${cwd} have errors (see \`herald lint\`); showing the registry without their owners and consumers\n`);
  }
  return undefined;
}

/** The contract tree, with the lock file's published versions and registry ids when there is one. */
async function contractSource(args: DocsArgs): Promise<DocsSource> {
  const contracts = await loadProjectOrExit(args);
  const source = sourceFromContracts(contracts, args.title ? { title: args.title } : {});
  const lock = await readLock(contracts);
  return lock ? withLockFile(source, lock) : source;
}

async function registrySource(args: DocsArgs): Promise<DocsSource> {
  const contracts = await optionalContracts(args.cwd);
  const url = args.registry || undefined;
  if (url && !URL.canParse(url)) throw new CliError(`--registry: not a URL: ${url}`, ExitCode.InvalidInput);
  let target: RegistryTarget;
  if (contracts) target = await openRegistryTarget(contracts, url);
  else if (url) {
    const client = new RegistryClient({ url });
    target = { client, description: client.baseUrl, close: async () => undefined };
  } else throw new CliError('--registry needs a URL outside a project (there is no herald.json here to name one)', ExitCode.InvalidInput);
  try {
    const subjects = await clientHistoryReader(target.client).read();
    return sourceFromRegistry(subjects, { origin: /^https?:/.test(target.description) ? `registry ${target.description}` : target.description, ...(args.title ? { title: args.title } : {}), ...(contracts ? { contracts } : {}) });
  } catch (error) {
    throw registryCliError(error) ?? error;
  } finally {
    await target.close();
  }
}


function size(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} kB`;
}

export const docsCommand: CommandModule<object, DocsArgs> = {
  command: 'docs',
  describe: 'Render a static schema-browsing site from the contracts, or from a registry with --registry',
  builder: (yargs) =>
    withProject(yargs)
      .option('out', { type: 'string', demandOption: true, describe: 'folder to write the site to (created; must be empty or an earlier herald docs site)' })
      .option('registry', { type: 'string', describe: "read the history from a Confluent-compatible registry (without a value: herald.json's registryUrl, else the embedded registry)" })
      .option('title', { type: 'string', describe: 'site title' })
      .example('$0 docs --out site', 'a site for the contracts in schemas/; open site/index.html')
      .example('$0 docs --registry http://localhost:8081 --out site', "what a registry holds, with this project's owners and consumers")
      .epilogue('The site works from file:// and under any path, loads nothing from other hosts, and follows the light or dark scheme.'),
  handler: async (args) => {
    const source = args.registry !== undefined ? await registrySource(args) : await contractSource(args);
    const outDir = path.resolve(args.cwd, args.out);
    let result;
    try {
      result = await generateDocsSite(source, outDir);
    } catch (error) {
      if (error instanceof DocsOutputError) throw new CliError(error.message, ExitCode.InvalidInput);
      throw error;
    }
    const relativeOut = path.relative(process.cwd(), outDir);
    const shown = relativeOut === '' ? '.' : relativeOut.startsWith('..') || path.isAbsolute(relativeOut) ? outDir : relativeOut;
    process.stdout.write(
      `✓ ${count(source.events.length, 'event type')} in ${count(source.domains.length, 'domain')} from ${source.origin}: ${result.pages} pages (${size(result.bytes)}) in ${shown}/\n` +
        `  open ${path.join(shown, 'index.html')}\n`,
    );
    process.exitCode = ExitCode.Ok;
  },
};
