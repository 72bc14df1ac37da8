// Values every page's layout needs: language, current path, the signed-in person, the config's public bits.
import type { NextFunction, Request, Response } from 'express';
import type { Config } from '../config.js';

export function pageLocals(config: Config) {
  return (req: Request, res: Response, next: NextFunction) => {
    const language = (res.locals.language as string | undefined) ?? 'pl';
    res.locals.lang = language === 'en' ? 'en' : 'pl';
    res.locals.otherLang = res.locals.lang === 'pl' ? 'en' : 'pl';
    res.locals.currentPath = req.path;
    res.locals.baseUrl = config.BASE_URL;
    res.locals.isDevelopment = !config.isProduction;
    next();
  };
}
