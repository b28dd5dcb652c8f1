#!/usr/bin/env node
// Installs the Debian packages the test suite needs (the test command runs this first), or says
// exactly what is missing. It never skips: a suite without its real Kafka or oracle must fail.
// Package names as arguments restrict it to those (the example needs only the Kafka launcher's).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const known = [
  {
    pkg: 'librdkafka-dev',
    why: "the Kafka mock cluster launcher (librdkafka's rdkafka_mock.h)",
    present: () => existsSync('/usr/include/librdkafka/rdkafka_mock.h'),
  },
  {
    pkg: 'python3-avro',
    why: 'the Avro compatibility oracle (avro.compatibility)',
    present: () => spawnSync('/usr/bin/python3', ['-c', 'import avro.compatibility'], { stdio: 'ignore' }).status === 0,
  },
  {
    pkg: 'chromium',
    why: 'the browser tests of the docs site (driven by playwright-core)',
    present: () => existsSync('/usr/bin/chromium'),
  },
  {
    pkg: 'gcc',
    why: 'compiling the mock cluster launcher',
    present: () => spawnSync('cc', ['--version'], { stdio: 'ignore' }).status === 0,
  },
];

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !known.some((r) => r.pkg === name));
if (unknown.length > 0) {
  console.error(`ensure-system-deps: unknown package(s) ${unknown.join(', ')}; known: ${known.map((r) => r.pkg).join(', ')}`);
  process.exit(2);
}
const requirements = wanted.length === 0 ? known : known.filter((r) => wanted.includes(r.pkg));
const missing = requirements.filter((r) => !r.present());
if (missing.length === 0) process.exit(0);

const list = missing.map((r) => `  ${r.pkg}: for ${r.why}`).join('\n');
if (process.getuid?.() !== 0) {
  console.error(`herald needs these Debian packages, and only root can install them:\n${list}\nRun: sudo apt-get install -y ${missing.map((r) => r.pkg).join(' ')}`);
  process.exit(1);
}
console.error(`installing Debian packages herald needs:\n${list}`);
const apt = (args) => execFileSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
apt(['update']);
apt(['install', '-y', '--no-install-recommends', ...missing.map((r) => r.pkg)]);
const still = missing.filter((r) => !r.present());
if (still.length > 0) {
  console.error(`still missing after apt-get install: ${still.map((r) => r.pkg).join(', ')}`);
  process.exit(1);
}
