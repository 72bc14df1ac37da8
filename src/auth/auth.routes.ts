// Mounts every account page: registration, confirmation, login/logout, password reset, invitations.
import { Router } from 'express';
import type { AppPassport } from './passport.js';
import type { AccountPagesDeps } from './mail-context.js';
import { checkMailboxRouter } from './check-mailbox.js';
import { invitationRouter } from './invitation.routes.js';
import { loginRouter } from './login.routes.js';
import { passwordResetRouter } from './password-reset.routes.js';
import { registrationRouter } from './registration.routes.js';

/** The account pages; `passport` is the app's instance from createPassport(). */
export function authRouter(deps: AccountPagesDeps, passport: AppPassport): Router {
  const router = Router();
  router.use(registrationRouter(deps));
  router.use(loginRouter(deps, passport));
  router.use(passwordResetRouter(deps));
  router.use(invitationRouter());
  router.use(checkMailboxRouter());
  return router;
}
