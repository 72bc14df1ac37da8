// Builds the Express app: middleware order, view engine, features, error handler last.
import path from 'node:path';
import cookieParser from 'cookie-parser';
import express, { type Express } from 'express';
import session from 'express-session';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import { loggableRequest } from './http/log-hygiene.js';
import type { Platform } from './platform.js';
import { noStoreForSignedIn } from './http/cache-control.js';
import { createCsrfProtection } from './http/csrf.js';
import { requireDatabase } from './http/database-guard.js';
import { createErrorHandler, notFoundHandler } from './http/error-handler.js';
import { healthRouter } from './http/health.routes.js';
import { createI18nMiddleware } from './http/i18n.js';
import { pageLocals } from './http/page-locals.js';
import { configureViews } from './http/views.js';
import { homeRouter } from './http/home.routes.js';
import { learningRouter } from './learning/learning.routes.js';
import { authRouter } from './auth/auth.routes.js';
import { flashLocals } from './http/flash.js';
import { createPassport } from './auth/passport.js';
import { createSessionStore } from './auth/session-store.js';
import { currentUserLocals } from './auth/require-user.js';
import { SESSION_MAX_AGE_MS } from './account/account-sessions.js';
import { accountRouter } from './account/account.routes.js';
import { joiningNavLinks, managementRouter } from './account/management.routes.js';
import { approvalRouter } from './auth/approval.routes.js';
import { joinPolicyRouter } from './organisations/join-policy.routes.js';
import { accessibilityStatementRouter } from './organisations/accessibility-statement.routes.js';
import { courseMediaRouter } from './courses/course-media.routes.js';
import { certificateNavLinks, certificateRouter } from './certificates/certificate.routes.js';
import { verificationRouters } from './certificates/verification.routes.js';
import { xapiRouter } from './xapi/lrs.routes.js';
import { lrsClientsNavLink, lrsClientsRouter } from './xapi/lrs-clients.routes.js';
import { reportsNavLink, reportsRouter } from './reports/reports.routes.js';
import { personRecordRouter } from './reports/person-record.routes.js';
import { assignmentsRouter } from './assignments/assignments.routes.js';
import { auditNavLink, auditRouter } from './audit/audit.routes.js';
import { peopleNavLink, peopleRouter } from './people/people.routes.js';
import { peopleImportRouter, peopleImportUpload } from './people/people-import.routes.js';
import { operatorNavLink, operatorRouter } from './organisations/operator.routes.js';
import { departmentsRouter } from './organisations/departments.routes.js';
import { associationRouter } from './organisations/association.routes.js';
import { officeSettingsNavLink, officeSettingsRouter, officeSettingsUploadRouter } from './organisations/office-settings.routes.js';
import { studioNavLink, studioRouter } from './studio/studio.routes.js';
import { accessTrailRouter, privacyNavLinks } from './privacy/access-trail.routes.js';
import { dataExportRouter } from './privacy/data-export.routes.js';
import { personErasureRouter } from './privacy/person-erasure.routes.js';
import { publicPagesRouter } from './privacy/public-pages.routes.js';
import { studioEditorRouter } from './studio/studio-editor.routes.js';
import { studioFilesRouter, studioUploadRouter } from './studio/studio-files.routes.js';
import { studioInsightsRouter } from './studio/studio-insights.routes.js';
import { courseSharingRouter } from './studio/course-sharing.routes.js';
import { officeCoursesNavLink, officeCoursesRouter } from './organisations/office-courses.routes.js';
import { scormRouter, scormRuntimeAsset, scormUploadRouter } from './scorm/scorm.routes.js';
import { cmi5FetchRouter, cmi5Router, cmi5UploadRouter } from './cmi5/cmi5.routes.js';
import { cmi5SessionAuthority } from './cmi5/cmi5-lrs.js';
import { ldapSignInRouter } from './sso/ldap/ldap.routes.js';
import { ldapSyncRouter } from './sso/ldap/ldap-sync.routes.js';
import { signInMethodsNavLink, signInMethodsRouter } from './sso/sign-in-methods.routes.js';
import { oidcRouter } from './sso/oidc/oidc.routes.js';
import { oidcSignOutRouter } from './sso/oidc/oidc-sign-out.routes.js';
import { samlAcsRouter, samlRouter } from './sso/saml/saml.routes.js';

/** The Express app of a platform built by createPlatform (it does not listen: server.ts does). */
export async function createApp(platform: Platform): Promise<Express> {
  const { config, logger } = platform;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.TRUST_PROXY);
  configureViews(app);

  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: true,
        directives: {
          // Everything is served by the app itself: no CDN, no third-party origin, no web fonts (system fonts
          // only), no inline style (lesson table alignment is a class: courses/lesson.renderer.ts).
          'img-src': ["'self'", 'data:'],
          'style-src': ["'self'"],
          'font-src': ["'self'"],
          // Lesson video and its captions (<track>) come from /kursy-media on this origin (courses/course-media.routes.ts);
          // stated although default-src 'self' implies it, so that tightening default-src cannot silence the films.
          'media-src': ["'self'"],
          'upgrade-insecure-requests': config.isProduction ? [] : null,
        },
      },
      hsts: config.isProduction,
    }),
  );
  // URLs carry one-time tokens and queries may carry an address: the log gets them masked (http/log-hygiene.ts).
  app.use(pinoHttp({ logger, autoLogging: { ignore: (req) => req.url === '/healthz' }, serializers: { req: loggableRequest } }));

  app.use(healthRouter());
  app.use('/assets', express.static(path.resolve('public'), { maxAge: config.isProduction ? '7d' : 0 }));
  // The SCORM runtime (scorm-again) from node_modules, as a static asset of the platform's own origin.
  app.use('/assets/vendor/scorm-again.js', scormRuntimeAsset(config.isProduction ? '7d' : 0));
  // Browsers ask for /favicon.ico on their own; answered here, before sessions, it cannot touch the session (flash).
  app.get('/favicon.ico', (_req, res) => {
    res.type('image/svg+xml').sendFile(path.resolve('public/favicon.svg'), { maxAge: config.isProduction ? '7d' : 0 });
  });

  // APIs with their own authentication (Basic for xAPI) are mounted here, before sessions and CSRF.
  // [xapi router]
  // cmi5 AUs authenticate with their session's token; its rules admit their statements (src/cmi5/cmi5-lrs.ts).
  app.use('/xapi', xapiRouter(platform, { sessions: cmi5SessionAuthority(platform) }));
  // The cmi5 fetch URL: the AU (maybe on another origin) fetches its token once, without a session or CSRF token.
  app.use(cmi5FetchRouter(platform));
  // [course media]
  app.use(courseMediaRouter(platform.catalogue));
  // Everything below needs the database (sessions, pages): while it is known to be down, 503 at once (the LRS
  // has the same guard inside, so that its 503 is the LRS's JSON with the version header).
  app.use(requireDatabase);

  app.use(express.urlencoded({ extended: false, limit: '200kb' }));
  app.use(cookieParser());
  app.use(
    session({
      name: 'ajst.sid',
      secret: platform.sessionSecret,
      resave: false,
      saveUninitialized: false,
      cookie: { httpOnly: true, sameSite: 'lax', secure: config.isProduction, maxAge: SESSION_MAX_AGE_MS },
      store: createSessionStore(),
    }),
  );
  // [passport: initialize + session, right after the session middleware]
  const passport = createPassport(platform);
  app.use(passport.initialize());
  app.use(passport.session());
  // Right after passport, so that every page of a signed-in person (errors included) is no-store; the static
  // assets above keep their caching.
  app.use(noStoreForSignedIn);
  app.use(flashLocals);
  app.use(currentUserLocals);
  const { middleware: i18nMiddleware } = await createI18nMiddleware();
  app.use(i18nMiddleware);
  // Before anything that may reject the request, so error pages know their language.
  app.use(pageLocals(config));
  // Header links first, so that the upload result pages show the same header as every other page.
  app.use(certificateNavLinks);
  app.use(lrsClientsNavLink);
  app.use(reportsNavLink);
  app.use(joiningNavLinks);
  app.use(auditNavLink);
  app.use(privacyNavLinks);
  app.use(peopleNavLink);
  app.use(operatorNavLink);
  app.use(officeSettingsNavLink);
  app.use(signInMethodsNavLink);
  app.use(officeCoursesNavLink);
  app.use(studioNavLink);
  // Public certificate checks (uploads, JWKS) come before CSRF on purpose: see verification.routes.ts.
  const csrf = createCsrfProtection(platform.sessionSecret, config.isProduction);
  const verification = verificationRouters(platform, csrf.issueToken);
  app.use(verification.beforeCsrf);
  // The people import's multipart body is parsed before the check, so that the check finds its token (see there).
  app.use(peopleImportUpload());
  // The office settings post a herb file (multipart): parsed there, then checked by this same CSRF middleware.
  app.use(officeSettingsUploadRouter(platform, csrf.middleware));
  // The studio's uploads (media, course zips) likewise: parsed there, then this CSRF check.
  app.use(studioUploadRouter(platform, csrf.middleware));
  // The SCORM package import likewise (src/scorm/).
  app.use(scormUploadRouter(platform, csrf.middleware));
  // The cmi5 package import likewise (src/cmi5/).
  app.use(cmi5UploadRouter(platform, csrf.middleware));
  // The SAML Assertion Consumer Service: a cross-site POST from the office's IdP, safe without a token (see there).
  app.use(samlAcsRouter(platform));
  app.use(csrf.middleware);

  app.use(homeRouter());
  // [feature page routers: auth, learning, certificates, admin …]
  app.use(certificateRouter(platform));
  app.use(verification.pages);
  // Before learningRouter: the lesson of a SCORM course is its SCO's player; before studioRouter: /studio/scorm.
  app.use(scormRouter(platform));
  // Likewise for cmi5: a cmi5 course's lesson leads to its AU list; before studioRouter: /studio/cmi5.
  app.use(cmi5Router(platform));
  app.use(learningRouter(platform));
  app.use(lrsClientsRouter(platform));
  app.use(reportsRouter(platform));
  app.use(assignmentsRouter(platform));
  // Before any router with /kadry/osoby/:userId: its literal paths (nowa, import) must not be taken for an id.
  app.use(peopleImportRouter(platform));
  app.use(peopleRouter(platform));
  app.use(personRecordRouter(platform));
  app.use(auditRouter(platform));
  app.use(operatorRouter(platform));
  app.use(departmentsRouter(platform));
  app.use(officeSettingsRouter());
  app.use(officeCoursesRouter(platform));
  app.use(associationRouter(platform));
  // Before studioRouter: /studio/import must not be taken for a course id.
  app.use(studioFilesRouter(platform));
  app.use(studioRouter(platform));
  app.use(studioEditorRouter(platform));
  app.use(studioInsightsRouter(platform));
  app.use(courseSharingRouter(platform));
  // Before signInMethodsRouter: /urzad/logowanie/:id/synchronizacja is HR's too, the rest of /urzad/logowanie the admin's.
  app.use(ldapSyncRouter(platform));
  app.use(signInMethodsRouter(platform));
  app.use(ldapSignInRouter(platform));
  // Directory sign-in with OpenID Connect; its sign-out comes before the platform's own /wyloguj (authRouter).
  app.use(oidcRouter(platform));
  app.use(oidcSignOutRouter(platform));
  app.use(samlRouter(platform));
  app.use(authRouter(platform, passport));
  app.use(accountRouter(platform));
  app.use(managementRouter());
  app.use(approvalRouter(platform));
  app.use(joinPolicyRouter(platform));
  app.use(
    accessibilityStatementRouter({
      contactEmail: config.ACCESSIBILITY_CONTACT_EMAIL,
      coordinator: config.ACCESSIBILITY_COORDINATOR,
      phone: config.ACCESSIBILITY_PHONE,
      operatorName: config.OPERATOR_NAME,
      baseUrl: config.BASE_URL,
    }),
  );
  app.use(publicPagesRouter(config));
  app.use(personErasureRouter(platform));
  app.use(accessTrailRouter(platform));
  app.use(dataExportRouter(platform));

  app.use(notFoundHandler);
  app.use(createErrorHandler(logger));
  return app;
}
