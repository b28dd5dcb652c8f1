import { ensureMockClusterBuilt } from './kafka/build.js';
import { createScratchDatabase, TEST_DATABASE_ENV } from './postgres.js';

/**
 * Runs once before the suite: builds the Kafka mock-cluster launcher and creates this run's
 * PostgreSQL database (dropped afterwards). Failures here stop the run: nothing is skipped.
 */
export default async function setup(): Promise<() => Promise<void>> {
  await ensureMockClusterBuilt();
  const database = await createScratchDatabase('herald_run');
  process.env[TEST_DATABASE_ENV] = database.url;
  return async () => {
    await database.drop();
  };
}
