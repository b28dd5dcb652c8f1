/**
 * `npm run demo`: the whole scenario on embedded defaults (mock Kafka cluster, embedded registry,
 * one PGlite database per service), then a short report. `--projects N` sets the load.
 */
import { parseArgs } from 'node:util';
import { formatReport, runScenario } from './scenario/run.js';

const { values } = parseArgs({ options: { projects: { type: 'string', default: '200' }, verbose: { type: 'boolean', default: false } } });
const projects = Number(values.projects);
if (!Number.isInteger(projects) || projects < 10) {
  console.error(`--projects must be a whole number of at least 10, got "${values.projects}"`);
  process.exit(2);
}

try {
  const result = await runScenario({
    projects,
    progress: (line) => console.log(`• ${line}`),
    ...(values.verbose ? { echo: (source: string, line: string) => console.log(`  [${source}] ${line}`) } : {}),
  });
  console.log(formatReport(result));
  const complete = result.contracts === result.posted.length && result.emails === result.expectedEmails;
  const clean = result.consumers['contract-service'].deadLettered + result.consumers['notification-service'].deadLettered === 0;
  if (!complete || !clean) {
    console.error('scenario failed: every project needs exactly one contract and one e-mail per stakeholder, and nothing may be dead-lettered');
    process.exit(1);
  }
} catch (error) {
  console.error(`scenario failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
