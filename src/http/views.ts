// Handlebars set-up: layouts, partials and the helpers the views share.
import path from 'node:path';
import type { Express } from 'express';
import { create } from 'express-handlebars';
import type { HelperOptions } from 'handlebars';
import { formatDate, formatDuration, formatIsoDay, isCalendarDay } from '../calendar/calendar.js';

type Translate = (key: string, options?: Record<string, unknown>) => string;

/** What pageLocals puts in every view's context, as far as the helpers read it. */
interface ViewRoot {
  t?: Translate;
  language?: string;
}

/** The view's context: Handlebars types `options.data` as `any`, its `root` is the object given to res.render. */
function rootOf(options: HelperOptions): ViewRoot | undefined {
  return (options.data as { root?: ViewRoot } | undefined)?.root;
}

/** The helpers every view may call (exported for their unit tests). */
export const viewHelpers = {
  /** {{t "key" name=value}}: the translation of key in the request's language. */
  t(key: string, options: HelperOptions) {
    const translate = rootOf(options)?.t;
    return translate ? translate(key, options.hash as Record<string, unknown>) : key;
  },
  eq: (a: unknown, b: unknown) => a === b,
  not: (a: unknown) => !a,
  or: (...args: unknown[]) => args.slice(0, -1).some(Boolean),
  and: (...args: unknown[]) => args.slice(0, -1).every(Boolean),
  add: (a: number, b: number) => Number(a) + Number(b),
  /** A date as the person reads it, in Warsaw time: 23.11.2026 (pl) or 23/11/2026 (en); a YYYY-MM-DD day as that day. */
  date(value: unknown, options: HelperOptions) {
    if (!value) return '';
    const language = rootOf(options)?.language ?? 'pl';
    // A calendar day (a legal state date) names no instant, so no time zone may move it.
    if (typeof value === 'string' && isCalendarDay(value)) return formatIsoDay(value, language);
    // Any other object (or a boolean) names no date: String() would only make an Invalid Date of it.
    const when = value instanceof Date ? value : typeof value === 'string' || typeof value === 'number' ? new Date(String(value)) : undefined;
    return !when || Number.isNaN(when.getTime()) ? '' : formatDate(when, language);
  },
  /** {{duration minutes}}: "2 godz. 15 min" (pl) or "2 h 15 min" (en); nothing for a value that is not a number. */
  duration(minutes: unknown, options: HelperOptions) {
    return typeof minutes === 'number' && Number.isFinite(minutes) ? formatDuration(minutes, rootOf(options)?.language ?? 'pl') : '';
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
    // Handlebars indents every line of a partial by the indentation of its call: inside a <textarea> that adds
    // spaces to what a person typed (a lesson's Markdown), each time the form comes back. Never indent.
    compilerOptions: { preventIndent: true },
  });
  // Express wants a callback; renderView also returns a promise, which rejects when it fails before it calls
  // the callback (reading the partials), so that failure goes to the callback too instead of being unhandled.
  // Express types the options as `object`; they are the render context, a plain record of the view's values.
  app.engine('.hbs', (viewPath, options, callback) => {
    engine.renderView(viewPath, options as Record<string, unknown>, callback).catch(callback);
  });
  app.set('view engine', '.hbs');
  app.set('views', viewsDir);
}
