// Builds the app against the current test database and serves it on a free local port.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { loadCourseCatalogue, setCourseCatalogue } from '../../src/courses/course-catalogue.js';

export interface TestServer {
  url: string;
  config: Config;
  close(): Promise<void>;
}

/** A config as the tests run it: quiet logs, a fixed secret, the repository's courses. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    SESSION_SECRET: 'test-session-secret-test-session-secret',
    PORT: '0',
    ...overrides,
  });
}

/** Starts the app (call inside `before`, after useTestDatabase's hook has connected). */
export async function startTestServer(overrides: Record<string, string> = {}): Promise<TestServer> {
  const config = testConfig(overrides);
  const logger = createLogger(config.LOG_LEVEL);
  // The app serves whatever catalogue is set, as at start-up (src/startup.ts).
  setCourseCatalogue(await loadCourseCatalogue({ dir: config.COURSES_DIR, logger }));
  const app = await createApp({ config, logger });
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    config,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
