// GET /deklaracja-dostepnosci: the accessibility statement required by the Act of 4 April 2019.
import { Router } from 'express';
import { accessibilityContactOf } from './organisation.service.js';

/** Dates the statement states; update them with every significant change to the platform. */
export const ACCESSIBILITY_STATEMENT = {
  publishedOn: '2026-11-23',
  updatedOn: '2026-11-23',
  preparedOn: '2026-11-23',
  reviewedOn: '2026-11-23',
};

export function accessibilityStatementRouter(options: { contactEmail: string; baseUrl: string }): Router {
  const router = Router();
  router.get('/deklaracja-dostepnosci', async (req, res) => {
    // A signed-in clerk also sees their own office's coordinator and contact, when the office has set them.
    const office = req.user ? await accessibilityContactOf(req.user.organisationId) : undefined;
    res.render('organisations/accessibility-statement', {
      office,
      title: req.t('layout.accessibilityStatement'),
      ...ACCESSIBILITY_STATEMENT,
      contactEmail: options.contactEmail,
      siteAddress: options.baseUrl,
    });
  });
  return router;
}
