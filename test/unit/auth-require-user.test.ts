import { expect } from 'chai';
import type { NextFunction, Request, Response } from 'express';
import { currentUserLocals, requireRole, requireUser } from '../../src/auth/require-user.js';
import type { SessionUser } from '../../src/auth/session-user.js';
import { AppError } from '../../src/http/errors.js';

const learner: SessionUser = {
  id: '0123456789abcdef01234567',
  organisationId: '0123456789abcdef01234568',
  email: 'kursant@example.test',
  fullName: 'Anna Kowalska',
  roles: ['learner'],
  learnerId: 'b7c6f0f4-0000-4000-8000-000000000000',
  language: 'pl',
};

/** Runs a middleware against a minimal request; reports whether it called next, with what, or redirected. */
function run(middleware: (req: Request, res: Response, next: NextFunction) => void, request: Partial<Request> & { html?: boolean }) {
  const outcome: { nextCalled: boolean; error?: unknown; redirect?: string; locals: Record<string, unknown> } = { nextCalled: false, locals: {} };
  const req = {
    method: 'GET',
    originalUrl: '/moje-szkolenia',
    accepts: (type: string) => (request.html === false ? (type === 'json' ? 'json' : false) : type),
    ...request,
  } as unknown as Request;
  const res = { locals: outcome.locals, redirect: (url: string) => (outcome.redirect = url) } as unknown as Response;
  middleware(req, res, (error?: unknown) => {
    outcome.nextCalled = true;
    outcome.error = error;
  });
  return outcome;
}

describe('auth/require-user', () => {
  describe('requireUser', () => {
    it('lets a signed-in person through', () => {
      const outcome = run(requireUser, { user: learner });
      expect(outcome.nextCalled).to.equal(true);
      expect(outcome.error).to.equal(undefined);
    });

    it('sends an anonymous page visit to the login page with the page as ?next=', () => {
      const outcome = run(requireUser, { originalUrl: '/szkolenia/rodo?lekcja=2' });
      expect(outcome.redirect).to.equal('/logowanie?next=%2Fszkolenia%2Frodo%3Flekcja%3D2');
      expect(outcome.nextCalled).to.equal(false);
    });

    it('answers JSON APIs and non-GET requests with a 401 error instead of a redirect', () => {
      for (const request of [{ originalUrl: '/api/postep' }, { html: false }, { method: 'POST' }]) {
        const outcome = run(requireUser, request);
        expect(outcome.redirect).to.equal(undefined);
        expect((outcome.error as AppError).status).to.equal(401);
      }
    });
  });

  describe('requireRole', () => {
    it('lets through a person holding one of the roles', () => {
      const outcome = run(requireRole('hr', 'admin'), { user: { ...learner, roles: ['learner', 'hr'] } });
      expect(outcome.nextCalled).to.equal(true);
      expect(outcome.error).to.equal(undefined);
    });

    it('answers 403 to a signed-in person without the role (admin does not imply hr)', () => {
      expect((run(requireRole('hr'), { user: learner }).error as AppError).status).to.equal(403);
      expect((run(requireRole('hr'), { user: { ...learner, roles: ['admin'] } }).error as AppError).status).to.equal(403);
    });

    it('treats an anonymous visitor like requireUser does', () => {
      expect(run(requireRole('admin'), {}).redirect).to.equal('/logowanie?next=%2Fmoje-szkolenia');
    });
  });

  describe('currentUserLocals', () => {
    it('exposes the display name and role flags for the layout', () => {
      const outcome = run(currentUserLocals, { user: { ...learner, roles: ['hr', 'author'] } });
      expect(outcome.locals.currentUser).to.deep.equal({ displayName: 'Anna Kowalska', roles: ['hr', 'author'], isHr: true, isAdmin: false, isAuthor: true, isManager: true });
      expect(run(currentUserLocals, {}).locals.currentUser).to.equal(undefined);
    });
  });
});
