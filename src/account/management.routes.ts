// /zarzadzanie: the one header entry of HR, admins and operators, listing the areas their roles open to them.
import { Router, type NextFunction, type Request, type Response } from 'express';
import { requireRole, type NavLink } from '../auth/require-user.js';

/**
 * The page lists the features' header links (res.locals.navExtras, as every page has them) that are not the
 * person's own: so a feature that adds a link for HR appears here without touching this file.
 */
export function managementRouter(): Router {
  const router = Router();
  router.get('/zarzadzanie', requireRole('hr', 'admin', 'operator'), (req: Request, res: Response) => {
    const links = (res.locals.navExtras ?? []) as NavLink[];
    res.render('account/management', { title: req.t('nav.managementTitle'), areas: links.filter((link) => !link.personal) });
  });
  return router;
}

/** Adds the join-policy and approvals pages to the management links (mounted with the other nav links). */
export function joiningNavLinks(req: Request, res: Response, next: NextFunction): void {
  const user = req.user;
  if (user) {
    const links = (res.locals.navExtras ??= []) as NavLink[];
    if (user.roles.includes('hr') || user.roles.includes('admin')) links.push({ href: '/kadry/oczekujacy', label: req.t('joining:nav.pending') });
    if (user.roles.includes('admin')) links.push({ href: '/urzad/rejestracja', label: req.t('joining:nav.policy') });
  }
  next();
}
