// The public pages the law asks of the platform, linked from every page's footer: the privacy notice (art. 13 RODO),
// the terms of service (regulamin: the Act of 18 July 2002 on providing services by electronic means), contact and
// help, and the cookie information. Readable without signing in; a signed-in person also sees their own office.
import { Router, type Request } from 'express';
import type { Config } from '../config.js';
import { quizGrantContacts } from '../learning/quiz-grant.service.js';
import { dataControllerOf } from '../organisations/organisation.service.js';
import { SESSION_MAX_AGE_MS } from '../account/account-sessions.js';
import { installationOf, PUBLIC_PAGES, type PublicPage } from './public-pages.presenter.js';

type PublicPagesConfig = Pick<
  Config,
  'OPERATOR_NAME' | 'OPERATOR_ADDRESS' | 'OPERATOR_EMAIL' | 'OPERATOR_PHONE' | 'OPERATOR_ROLE' | 'IOD_NAME' | 'IOD_EMAIL' | 'IOD_PHONE' | 'ACCESSIBILITY_CONTACT_EMAIL' | 'BASE_URL'
>;

/** What every one of the pages shows: the installation's operator and IOD, and the signed-in person's office. */
async function pageContext(config: PublicPagesConfig, req: Request, page: PublicPage) {
  const office = req.user ? await dataControllerOf(req.user.organisationId) : undefined;
  return {
    title: req.t(`privacy:pages.${page.key}`),
    installation: installationOf(config),
    office,
    sessionHours: SESSION_MAX_AGE_MS / 3_600_000,
  };
}

export function publicPagesRouter(config: PublicPagesConfig): Router {
  const router = Router();
  for (const page of PUBLIC_PAGES) {
    router.get(page.path, async (req, res) => {
      const context = await pageContext(config, req, page);
      // Contact and help names the office's HR people, whom a signed-in clerk asks about attempts and certificates.
      const hr = page.key === 'contact' && req.user ? await quizGrantContacts(req.user.organisationId) : [];
      res.render(`privacy/${page.view}`, { ...context, hr });
    });
  }
  return router;
}
