import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

const here = path.dirname(fileURLToPath(import.meta.url));
const SOURCE = path.join(here, 'mock-cluster.c');
const BUILD_DIR = path.resolve(here, '..', '..', '.build');
const BINARY = path.join(BUILD_DIR, 'mock-cluster');

const INSTALL_HINT =
  "librdkafka's development files are missing, so the Kafka mock cluster cannot be built. " +
  'Install them with: apt-get install -y librdkafka-dev';

let pending: Promise<string> | undefined;

/**
 * Compiles the mock-cluster launcher into test/.build/ unless an up-to-date
 * binary is already there, and returns its path. Safe to call from every test
 * file: one build per process, and concurrent processes never see a
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

async function mtimeMs(file: string): Promise<number | undefined> {
  try {
    return (await stat(file)).mtimeMs;
  } catch {
    return undefined;
  }
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

async function build(): Promise<string> {
  const sourceTime = await mtimeMs(SOURCE);
  if (sourceTime === undefined) throw new Error(`mock cluster source not found: ${SOURCE}`);
  const binaryTime = await mtimeMs(BINARY);
  if (binaryTime !== undefined && binaryTime >= sourceTime) return BINARY;

  await mkdir(BUILD_DIR, { recursive: true });
  const temp = `${BINARY}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const args = ['-std=c11', '-O2', '-Wall', '-Wextra', '-o', temp, SOURCE, ...(await rdkafkaFlags())];
  try {
    await run('cc', args, { maxBuffer: 4 * 1024 * 1024 });
    await rename(temp, BINARY);
  } catch (error) {
    await rm(temp, { force: true });
    const stderr = typeof error === 'object' && error !== null && 'stderr' in error ? String(error.stderr) : '';
    if (/librdkafka\/rdkafka(_mock)?\.h|cannot find -lrdkafka|rdkafka.*No such file/.test(stderr)) {
      throw new Error(`${INSTALL_HINT}\n${stderr.trim()}`, { cause: error });
    }
    if (typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT') {
      throw new Error('no C compiler: `cc` is needed to build the Kafka mock cluster (apt-get install -y gcc)', {
        cause: error,
      });
    }
    throw new Error(`building the Kafka mock cluster failed: cc ${args.join(' ')}\n${stderr.trim()}`, {
      cause: error,
    });
  }
  return BINARY;
}
