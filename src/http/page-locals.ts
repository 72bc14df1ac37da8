// Values every page's layout needs: language, current path, the signed-in person, the config's public bits.
import type { NextFunction, Request, Response } from 'express';
import type { Config } from '../config.js';

export function pageLocals(config: Config) {
  return (req: Request, res: Response, next: NextFunction) => {
    const language = (res.locals.language as string | undefined) ?? 'pl';
    res.locals.lang = language === 'en' ? 'en' : 'pl';
    res.locals.otherLang = res.locals.lang === 'pl' ? 'en' : 'pl';
    res.locals.currentPath = req.path;
    // The language switch keeps the rest of the query (e.g. /verify?code=…) and changes only lang.
    const query = new URLSearchParams(req.originalUrl.split('?')[1] ?? '');
    query.set('lang', res.locals.otherLang as string);
    res.locals.languageSwitchHref = `?${query.toString()}`;
    res.locals.baseUrl = config.BASE_URL;
    res.locals.isDevelopment = !config.isProduction;
    next();
  };
}
