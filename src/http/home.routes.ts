// The landing page.
import { Router } from 'express';

export function homeRouter(): Router {
  const router = Router();
  router.get('/', (req, res) => {
    res.render('home', { title: req.t('home.title') });
  });
  return router;
}
