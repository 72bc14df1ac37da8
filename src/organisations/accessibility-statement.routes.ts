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

/** The operator's side of the statement (from the environment): who runs the platform and whom to ask. */
export interface AccessibilityStatementOptions {
  contactEmail: string;
  coordinator?: string;
  phone?: string;
  operatorName: string;
  baseUrl: string;
}

export function accessibilityStatementRouter(options: AccessibilityStatementOptions): Router {
  const router = Router();
  router.get('/deklaracja-dostepnosci', async (req, res) => {
    // A signed-in clerk also sees their own office's coordinator and contact, when the office has set them.
    const office = req.user ? await accessibilityContactOf(req.user.organisationId) : undefined;
    res.render('organisations/accessibility-statement', {
      office,
      title: req.t('layout.accessibilityStatement'),
      ...ACCESSIBILITY_STATEMENT,
      contactEmail: options.contactEmail,
      coordinator: options.coordinator,
      phone: options.phone,
      operatorName: options.operatorName,
      siteAddress: options.baseUrl,
    });
  });
  return router;
}
