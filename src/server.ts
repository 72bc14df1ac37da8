// Starts the platform: config, database (embedded or MONGODB_URI), listen, graceful shutdown.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createApp } from './app.js';
import { loadConfigOrExit } from './config.js';
import { openDatabase, type DatabaseHandle } from './db/connection.js';
import { createLogger } from './logger.js';
import { createPlatform } from './platform.js';
import { runStartupTasks, type StartedJobs } from './startup.js';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config.LOG_LEVEL);

  let database: DatabaseHandle | undefined;
  let server: Server | undefined;
  let jobs: StartedJobs | undefined;
  let stopping = false;
  // Installed before the database starts, so a signal during start-up also stops FerretDB.
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: no new connections, finishing requests in flight');
    if (server) {
      const listening = server;
      // Give slow requests 10 s, then cut the remaining sockets so close() can finish.
      const force = setTimeout(() => listening.closeAllConnections(), 10_000);
      // close() stops accepting; idle keep-alive sockets go now, the busy ones once their response is done
      // (closeAfterResponses below), so a browser's open connection does not hold the stop for 10 s.
      const closed = new Promise<void>((resolve) => listening.close(() => resolve()));
      listening.closeIdleConnections();
      await closed;
      clearTimeout(force);
    }
    // No new job runs; a run in flight (a mail being sent) may finish within the same 10 s before the
    // database closes under it (an unfinished send is retried by any instance later: delivery is at least once).
    jobs?.stop();
    if (jobs) await Promise.race([jobs.settled(), new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
    await database?.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  try {
    database = await openDatabase(config, undefined, {
      logger,
      // The embedded FerretDB is restarted after each death; one that keeps dying (more than 5 times in a minute)
      // is beyond repair here: exit non-zero so the service manager (systemd Restart=on-failure, Docker
      // restart: unless-stopped) starts the whole application again, or an operator looks at DATA_DIR.
      onGiveUp: (reason) => {
        if (stopping) return;
        logger.fatal(`${reason.message} Exiting so that the service manager restarts the application.`);
        process.exit(70);
      },
    });
  } catch (error) {
    logger.fatal(`Cannot open the database: ${(error as Error).message}`);
    process.exit(1);
  }
  logger.info({ db: database.kind }, database.kind === 'ferretdb' ? 'embedded FerretDB (SQLite) started' : 'connected to MongoDB');

  const platform = await createPlatform(config, logger);
  try {
    jobs = await runStartupTasks(platform, { embedded: database.kind === 'ferretdb' });
  } catch (error) {
    // E.g. the badge signing key cannot be opened with SECRETS_KEY: say why, stop the database, exit.
    logger.fatal(`Start-up failed: ${(error as Error).message}`);
    await database.close();
    process.exit(1);
  }
  if (stopping) return;
  const app = await createApp(platform);
  server = app.listen(config.PORT, config.HOST, () => {
    logger.info(`Akademia JST listening on ${config.BASE_URL} (port ${config.PORT})`);
  });
  closeAfterResponses(server, () => stopping);
}

/**
 * Once stopping, no connection stays open after its response: a response not yet started says
 * `Connection: close` (Node then ends the socket), and after every finished response the sockets that became
 * idle are closed — a request that was already sending its headers when the signal came included.
 */
function closeAfterResponses(server: Server, isStopping: () => boolean): void {
  server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
    if (isStopping() && !res.headersSent) res.setHeader('Connection', 'close');
    res.once('finish', () => {
      // After Node's own 'finish' handling, which marks the connection idle.
      if (isStopping()) setImmediate(() => server.closeIdleConnections());
    });
  });
}

void main();
