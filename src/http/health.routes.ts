// GET /healthz: 200 when the database answers, 503 (with Retry-After and a reason) at once when it does not.
import { Router } from 'express';
import { pingDatabase } from '../db/connection.js';

export function healthRouter(): Router {
  const router = Router();
  router.get('/healthz', async (_req, res) => {
    if (await pingDatabase()) {
      res.json({ status: 'ok', db: 'ok' });
    } else {
      // `db: 'down'` while the embedded database restarts, or MongoDB is unreachable; the app recovers by itself.
      res.status(503).setHeader('Retry-After', '5');
      res.json({ status: 'unavailable', db: 'down', reason: 'The database did not answer a ping and a query correctly.' });
    }
  });
  return router;
}
