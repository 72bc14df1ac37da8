// Starts the platform: config, database (embedded or MONGODB_URI), listen, graceful shutdown.
import type { Server } from 'node:http';
import { createApp } from './app.js';
import { loadConfigOrExit } from './config.js';
import { openDatabase, type DatabaseHandle } from './db/connection.js';
import { createLogger } from './logger.js';
import { createPlatform } from './platform.js';
import { runStartupTasks } from './startup.js';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config.LOG_LEVEL);

  let database: DatabaseHandle | undefined;
  let server: Server | undefined;
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
      listening.closeIdleConnections();
      await new Promise<void>((resolve) => listening.close(() => resolve()));
      clearTimeout(force);
    }
    await database?.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  try {
    database = await openDatabase(config);
  } catch (error) {
    logger.fatal(`Cannot open the database: ${(error as Error).message}`);
    process.exit(1);
  }
  logger.info({ db: database.kind }, database.kind === 'ferretdb' ? 'embedded FerretDB (SQLite) started' : 'connected to MongoDB');

  const platform = await createPlatform(config, logger);
  await runStartupTasks(platform, { embedded: database.kind === 'ferretdb' });
  if (stopping) return;
  const app = await createApp(platform);
  server = app.listen(config.PORT, config.HOST, () => {
    logger.info(`Akademia JST listening on ${config.BASE_URL} (port ${config.PORT})`);
  });
}

void main();
