// Builds the app against the current test database and serves it on a free local port.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../src/app.js';
import type { Clock } from '../../src/calendar/clock.js';
import { loadConfig, type Config } from '../../src/config.js';
import { CourseCatalogue, loadCourseCatalogue } from '../../src/courses/course-catalogue.js';
import type { Course } from '../../src/courses/course.types.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { createPlatform, type Platform } from '../../src/platform.js';
import { runStartupTasks } from '../../src/startup.js';

export interface TestServer {
  url: string;
  config: Config;
  /** The platform the app was built on (its catalogue, recorder, mailer …), for tests that call services. */
  platform: Platform;
  close(): Promise<void>;
}

export interface TestPlatformOptions {
  /** Environment overrides (e.g. BASE_URL). */
  env?: Record<string, string>;
  /** A catalogue to serve instead of the repository's courses. */
  catalogue?: CourseCatalogue;
  /** A logger instead of one at TEST_LOG_LEVEL (e.g. one that keeps its lines, to see what a job did). */
  logger?: Logger;
  /** A clock the test moves (src/calendar/clock.ts MovableClock) instead of the system clock. */
  clock?: Clock;
}

export interface TestServerOptions extends Omit<TestPlatformOptions, 'env'> {
  /**
   * Run the start-up tasks as the server does, scheduled jobs included (mail sender with SMTP_URL, clean-ups,
   * reminders on REMINDER_CRON); close() stops the jobs. Off by default: tests call the jobs' work themselves.
   */
  startup?: boolean;
  /** The port to listen on (a test that must know BASE_URL before the start, e.g. for an identity provider); a free one otherwise. */
  port?: number;
}

/**
 * The courses of `dir` with `change` applied to one of them (e.g. no cool-down), as a catalogue to serve:
 * a platform's catalogue never changes once built, so a test wanting other rules starts a server with these.
 */
export async function changedCatalogue(dir: string, courseId: string, change: (course: Course) => Course): Promise<CourseCatalogue> {
  const loaded = await loadCourseCatalogue({ dir, logger: createLogger('silent') });
  return new CourseCatalogue(loaded.list().map((course) => (course.id === courseId ? change(course) : course)));
}

/** Builds the platform as the server does (createPlatform), with the tests' config. */
export async function buildTestPlatform(options: TestPlatformOptions = {}): Promise<Platform> {
  const config = testConfig(options.env);
  return createPlatform(config, options.logger ?? createLogger(config.LOG_LEVEL), { catalogue: options.catalogue, clock: options.clock });
}

/** A config as the tests run it: quiet logs, a fixed secret, the repository's courses. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    SESSION_SECRET: 'test-session-secret-test-session-secret',
    // Fixed, as on every instance of one installation (and no key file written into DATA_DIR by a test).
    SECRETS_KEY: '7e57'.repeat(16),
    PORT: '0',
    ...overrides,
  });
}

/**
 * Starts the app on a platform built as the server builds it (call inside `before`, after useTestDatabase's
 * hook has connected). `overrides` are environment variables; `options.catalogue` replaces the courses.
 * Every test server of a file uses the file's database (mongoose's one connection): two of them are two
 * instances of one installation, sharing what the database holds and nothing else.
 */
export async function startTestServer(overrides: Record<string, string> = {}, options: TestServerOptions = {}): Promise<TestServer> {
  const platform = await buildTestPlatform({ env: overrides, catalogue: options.catalogue, logger: options.logger, clock: options.clock });
  const { config } = platform;
  const jobs = options.startup ? await runStartupTasks(platform, { embedded: false }) : undefined;
  const app = await createApp(platform);
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(options.port ?? 0, '127.0.0.1', () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    config,
    platform,
    close: async () => {
      // The jobs first, and their runs in flight to their end: none may outlive the test that started it.
      jobs?.stop();
      await jobs?.settled();
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}

/** A port free right now on 127.0.0.1 (for a server whose BASE_URL must be known before it starts). */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
