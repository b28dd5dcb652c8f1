/**
 * Compiles herald's librdkafka mock-cluster launcher (native/mock-cluster.c) on first use and
 * caches the binary per user, so `herald dev` and the test suite share one build and an installed
 * herald needs nothing beyond a C compiler and librdkafka's development files.
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { constants, existsSync } from 'node:fs';
import { access, mkdir, readFile, rename, rm } from 'node:fs/promises';
import { homedir, tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

const COMPILER = 'cc';
const BASE_FLAGS = ['-std=c11', '-O2', '-Wall', '-Wextra'];

/** Why the launcher could not be built; callers turn the missing-prerequisite cases into install hints. */
export type MockClusterBuildFailure = 'librdkafka-missing' | 'compiler-missing' | 'compile-failed' | 'source-missing';

export class MockClusterBuildError extends Error {
  constructor(
    message: string,
    readonly failure: MockClusterBuildFailure,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'MockClusterBuildError';
  }
}

/** native/mock-cluster.c, found by walking up from this module: it sits at the package root both in the repository (sources) and in an installed package (dist/). */
function sourceFile(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'native', 'mock-cluster.c');
    if (existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new MockClusterBuildError('herald: native/mock-cluster.c not found next to the generator', 'source-missing');
    dir = parent;
  }
}

async function writable(dir: string): Promise<boolean> {
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** `$XDG_CACHE_HOME/herald`, else `~/.cache/herald`; a per-user folder in the temp dir when neither can be written (read-only home in CI). */
async function cacheDir(): Promise<string> {
  const xdg = process.env['XDG_CACHE_HOME'];
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(homedir(), '.cache');
  const preferred = path.join(base, 'herald');
  if (await writable(preferred)) return preferred;
  const fallback = path.join(tmpdir(), `herald-cache-${userInfo().uid}`);
  await mkdir(fallback, { recursive: true });
  return fallback;
}

async function rdkafkaFlags(): Promise<string[]> {
  try {
    const { stdout } = await run('pkg-config', ['--cflags', '--libs', 'rdkafka']);
    const flags = stdout.trim().split(/\s+/).filter(Boolean);
    if (flags.length > 0) return flags;
  } catch {
    // No pkg-config or no rdkafka.pc: the plain library name still works on Debian.
  }
  return ['-lrdkafka'];
}

let pending: Promise<string> | undefined;

/**
 * Returns the path of the compiled launcher, compiling it when no binary for this source and
 * these compiler flags is cached yet. One build per process; concurrent processes never see a
 * half-written binary (it is renamed into place).
 */
export function ensureMockClusterBuilt(): Promise<string> {
  pending ??= build().catch((error: unknown) => {
    // A failed build (say, headers installed meanwhile) should be retried.
    pending = undefined;
    throw error;
  });
  return pending;
}

async function build(): Promise<string> {
  const source = sourceFile();
  const flags = await rdkafkaFlags();
  const hash = createHash('sha256')
    .update(await readFile(source))
    .update('\0')
    .update([COMPILER, ...BASE_FLAGS, ...flags].join(' '))
    .digest('hex')
    .slice(0, 16);
  const dir = await cacheDir();
  const binary = path.join(dir, `mock-cluster-${hash}`);
  if (existsSync(binary)) return binary;

  const temp = `${binary}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const args = [...BASE_FLAGS, '-o', temp, source, ...flags];
  try {
    await run(COMPILER, args, { maxBuffer: 4 * 1024 * 1024 });
    await rename(temp, binary);
  } catch (error) {
    await rm(temp, { force: true });
    throw describeFailure(error, args);
  }
  return binary;
}

function describeFailure(error: unknown, args: string[]): MockClusterBuildError {
  const stderr = typeof error === 'object' && error !== null && 'stderr' in error ? String(error.stderr).trim() : '';
  if (typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT') {
    return new MockClusterBuildError(`no C compiler: \`${COMPILER}\` is needed to build the Kafka mock cluster (apt-get install -y gcc)`, 'compiler-missing', { cause: error });
  }
  if (/librdkafka\/rdkafka(_mock)?\.h|cannot find -lrdkafka|rdkafka.*No such file/.test(stderr)) {
    return new MockClusterBuildError(
      "librdkafka's development files are missing, so the Kafka mock cluster cannot be built. " + `Install them with: apt-get install -y librdkafka-dev\n${stderr}`,
      'librdkafka-missing',
      { cause: error },
    );
  }
  return new MockClusterBuildError(`building the Kafka mock cluster failed: ${COMPILER} ${args.join(' ')}\n${stderr}`, 'compile-failed', { cause: error });
}
