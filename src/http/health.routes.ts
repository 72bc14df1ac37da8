// GET /healthz: 200 when the database answers, 503 with a reason when it does not.
import { Router } from 'express';
import { pingDatabase } from '../db/connection.js';

export function healthRouter(): Router {
  const router = Router();
  router.get('/healthz', async (_req, res) => {
    if (await pingDatabase()) {
      res.json({ status: 'ok', db: 'ok' });
    } else {
      res.status(503).json({ status: 'unavailable', db: 'unreachable', reason: 'The database did not answer a ping and a query correctly.' });
    }
  });
  return router;
}
