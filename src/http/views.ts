// Handlebars set-up: layouts, partials and the helpers the views share.
import path from 'node:path';
import type { Express } from 'express';
import { create } from 'express-handlebars';
import type { HelperOptions } from 'handlebars';

type Translate = (key: string, options?: Record<string, unknown>) => string;

const viewHelpers = {
  /** {{t "key" name=value}}: the translation of key in the request's language. */
  t(key: string, options: HelperOptions) {
    const translate = (options.data?.root as { t?: Translate })?.t;
    return translate ? translate(key, options.hash as Record<string, unknown>) : key;
  },
  eq: (a: unknown, b: unknown) => a === b,
  not: (a: unknown) => !a,
  or: (...args: unknown[]) => args.slice(0, -1).some(Boolean),
  and: (...args: unknown[]) => args.slice(0, -1).every(Boolean),
  add: (a: number, b: number) => Number(a) + Number(b),
  /** A date as the person reads it, e.g. 23.11.2026 (pl) or 23/11/2026 (en). */
  date(value: unknown, options: HelperOptions) {
    if (!value) return '';
    const language = (options.data?.root as { language?: string })?.language ?? 'pl';
    const when = value instanceof Date ? value : new Date(String(value));
    return Number.isNaN(when.getTime()) ? '' : when.toLocaleDateString(language === 'en' ? 'en-GB' : 'pl-PL');
  },
  /** {{#fieldError errors "email"}}…{{/fieldError}} renders its block with the field's first message. */
  fieldError(errors: Record<string, string[]> | undefined, field: string, options: HelperOptions) {
    const message = errors?.[field]?.[0];
    return message ? options.fn(message) : options.inverse(this);
  },
};

export function configureViews(app: Express): void {
  const viewsDir = path.resolve('views');
  const engine = create({
    extname: '.hbs',
    defaultLayout: 'main',
    layoutsDir: path.join(viewsDir, 'layouts'),
    partialsDir: path.join(viewsDir, 'partials'),
    helpers: viewHelpers,
  });
  app.engine('.hbs', engine.engine);
  app.set('view engine', '.hbs');
  app.set('views', viewsDir);
}
