// Mounts every account page: registration, confirmation, login/logout, password reset.
import { Router } from 'express';
import type { AppPassport } from './passport.js';
import type { Config } from '../config.js';
import { loginRouter } from './login.routes.js';
import { passwordResetRouter } from './password-reset.routes.js';
import { registrationRouter } from './registration.routes.js';

/** The account pages; `passport` is the app's instance from createPassport(). */
export function authRouter(config: Config, passport: AppPassport): Router {
  const router = Router();
  router.use(registrationRouter(config));
  router.use(loginRouter(passport));
  router.use(passwordResetRouter(config));
  return router;
}
