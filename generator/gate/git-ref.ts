import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CliError } from '../cli/exit-codes.js';
import { loadContracts } from '../contracts/load.js';
import type { ContractSet } from '../contracts/model.js';

function run(command: string, args: string[], cwd: string, stdin?: NodeJS.ReadableStream): Promise<{ code: number; stdout: string; stderr: string; }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    if (stdin && child.stdin) stdin.pipe(child.stdin);
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/**
 * The contracts as they were at a git ref (like `buf breaking --against`): the schemas folder and
 * herald.json are extracted with `git archive` into a scratch folder and loaded from there.
 */
export async function contractsAtRef(current: ContractSet, ref: string): Promise<ContractSet> {
  const root = current.config.root;
  const top = await run('git', ['rev-parse', '--show-toplevel'], root);
  if (top.code !== 0) throw new CliError(`--against needs a git repository, and ${root} is not in one`);
  const repoRoot = top.stdout.trim();
  const verify = await run('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], root);
  if (verify.code !== 0) throw new CliError(`--against: unknown git ref "${ref}"`);
  const prefix = path.relative(repoRoot, root);
  const wanted = [path.relative(repoRoot, current.config.schemasDir), path.join(prefix, 'herald.json')].map((p) => p.split(path.sep).join('/'));
  const listed = await run('git', ['ls-tree', '--name-only', ref, '--', ...wanted], repoRoot);
  const present = listed.stdout.split('\n').filter(Boolean);
  if (!present.includes(wanted[0]!)) return { config: current.config, domains: [], events: [] };
  const scratch = await mkdtemp(path.join(tmpdir(), 'herald-against-'));
  try {
    {
      const archive = spawn('git', ['archive', '--format=tar', ref, '--', ...present], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
      const extracted = await run('tar', ['-x', '-C', scratch], repoRoot, archive.stdout);
      if (extracted.code !== 0) throw new CliError(`--against: could not extract ${ref}: ${extracted.stderr.trim()}`);
    }
    const { contracts } = await loadContracts(path.join(scratch, prefix));
    if (!contracts) throw new CliError(`--against: the contracts at ${ref} cannot be loaded (herald.json is invalid there)`);
    // Paths in findings should point into the working tree, not the scratch copy.
    return { ...contracts, config: { ...contracts.config, root } };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
