// passport set-up: the local (e-mail + password) strategy and how the signed-in user lives in the session.
import type { RequestHandler } from 'express';
import passportModule, { type Authenticator } from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import { checkCredentials, sessionUserById, type LoginFailureReason, type SignInDeps } from './login.service.js';

/** Why a login failed, passed from the strategy to the login route as passport's `info`. */
export interface LoginFailure {
  reason: LoginFailureReason;
}

/**
 * A passport instance of its own per app (not the module singleton), so test servers do not share state.
 * The session stores only the user id; each request reloads the user by _id (roles may change).
 * `deps` (the platform) give the lock-out counters and the mailer for the lock-out mail.
 */
export function createPassport(deps: SignInDeps) {
  // @types/passport leaves what authenticate() returns as `any` (it depends on the framework adapter);
  // with the default Express adapter it is a request handler.
  const passport = new passportModule.Passport() as Authenticator<RequestHandler, RequestHandler>;
  passport.use(
    'local',
    new LocalStrategy({ usernameField: 'email', passwordField: 'password' }, (email, password, done) => {
      checkCredentials(deps, email, password).then((outcome) => ('user' in outcome ? done(null, outcome.user) : done(null, false, { reason: outcome.failure } as never)), done);
    }),
  );
  passport.serializeUser((user, done) => done(null, user.id));
  passport.deserializeUser((id: string, done) => {
    sessionUserById(id).then((user) => done(null, user ?? false), done);
  });
  return passport;
}

export type AppPassport = ReturnType<typeof createPassport>;
