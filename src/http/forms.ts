// The one form pipeline: a zod schema, field errors as locale keys, and the same form shown again with what was typed.
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import type { TFunction } from 'i18next';
import type { z } from 'zod';
import { ValidationError } from './errors.js';
import { fieldErrorsOf, storeInput } from './validate.js';
import { noStore } from './cache-control.js';

/** What every form view gets: typed values, translated field messages and the summary at the top. */
export interface FormView {
  /** What was typed, per field: text fields as strings, `lists` fields (checkbox groups) as arrays. */
  values: Record<string, string | string[]>;
  /** field → its first message, translated in the request's language. */
  errors: Record<string, string>;
  /** The list at the top of the form, each entry linking (`#field`) to its control. */
  errorSummary: { field: string; message: string }[];
}

/** Which typed values a form shows again, and how its summary is ordered and linked. */
export interface FormViewOptions {
  /** Text fields shown again as typed. Password fields are never listed: they are never sent back. */
  keep?: string[];
  /** Fields sent as repeated names (checkboxes), shown again as lists. */
  lists?: string[];
  /** The fields in page order, so the summary reads like the form rather than in zod's order. */
  order?: string[];
  /** field → id of the control its summary entry links to, when that is not the field's name (a fieldset's first box). */
  anchors?: Record<string, string>;
}

/** Longest typed text shown again: enough for any real field, and a bound on what garbage can make us echo. */
const KEPT_LENGTH = 500;

/**
 * Builds a form's view model from the body as sent and field errors holding locale keys
 * (from the zod schema or a service's ValidationError). Only strings are kept: garbage such as
 * objects is dropped, so a form never shows back what it could not have sent.
 */
export function formView(t: TFunction, body: unknown, options: FormViewOptions & { fieldErrors?: Record<string, string[]> } = {}): FormView {
  const source = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const values: Record<string, string | string[]> = {};
  for (const field of options.keep ?? []) {
    const value = source[field];
    if (typeof value === 'string') values[field] = value.slice(0, KEPT_LENGTH);
  }
  for (const field of options.lists ?? []) {
    const value = source[field];
    const items = Array.isArray(value) ? value : value === undefined ? [] : [value];
    values[field] = items.filter((item): item is string => typeof item === 'string').map((item) => item.slice(0, KEPT_LENGTH));
  }
  const errors: Record<string, string> = {};
  for (const [field, messages] of Object.entries(options.fieldErrors ?? {})) {
    if (messages[0]) errors[field] = t(messages[0]);
  }
  const order = options.order ?? Object.keys(errors);
  const fields = [...order.filter((f) => f in errors), ...Object.keys(errors).filter((f) => !order.includes(f))];
  return { values, errors, errorSummary: fields.map((field) => ({ field: options.anchors?.[field] ?? field, message: errors[field] })) };
}

/** A form: its schema, which values it keeps, and how to show its page. */
export interface FormSpec<S extends z.ZodType> extends FormViewOptions {
  schema: S;
  /**
   * Renders the page with the form (status already set). Reads anything else it needs (params
   * checked earlier, the signed-in person) from req/res; gets the form's view model ready-made.
   */
  show(req: Request, res: Response, form: FormView): void | Promise<void>;
}

/** What a route needs of a form: the blank page, the check before the handler, and the handler's refusals. */
export interface Form<S extends z.ZodType> {
  /** Shows the form: blank (a GET), or with the given values and field errors (e.g. a rate limit's 429). */
  show(req: Request, res: Response, state?: { status?: number; values?: unknown; fieldErrors?: Record<string, string[]> }): Promise<void>;
  /** Middleware: a valid body goes on to the handler (read it with `input`); an invalid one gets the form again, 400. */
  accept: RequestHandler;
  /** Error middleware put after the handler: a ValidationError (a service's refusal) gets the form again, 400. */
  refuse: ErrorRequestHandler;
  /** The body as the schema parsed it, in the handler after `accept`. */
  input(res: Response): z.infer<S>;
}

/**
 * Defines one form of the app. Wiring: `router.post(path, guard, form.accept, handler, form.refuse)`.
 * Every refusal, the schema's or the service's, is the same page with the fields marked — never the error page.
 */
export function defineForm<S extends z.ZodType>(spec: FormSpec<S>): Form<S> {
  const show: Form<S>['show'] = async (req, res, state = {}) => {
    res.status(state.status ?? 200);
    // A form carries a CSRF token and, after a refusal, what was typed: never cached.
    noStore(res);
    await spec.show(req, res, formView(req.t, state.values ?? {}, { ...spec, fieldErrors: state.fieldErrors }));
  };
  return {
    show,
    accept: async (req: Request, res: Response, next: NextFunction) => {
      const parsed = spec.schema.safeParse(req.body);
      if (!parsed.success) {
        await show(req, res, { status: 400, values: req.body, fieldErrors: fieldErrorsOf(parsed.error) });
        return;
      }
      storeInput(res, 'body', parsed.data);
      // Marks the body as this form's, so `refuse` handles only the handler's refusals, never an earlier
      // middleware's ValidationError (bad params), which keeps going to the error page.
      res.locals.acceptedForm = spec;
      next();
    },
    refuse: async (error: unknown, req: Request, res: Response, next: NextFunction) => {
      if (!(error instanceof ValidationError) || res.locals.acceptedForm !== spec || res.headersSent) {
        next(error);
        return;
      }
      await show(req, res, { status: 400, values: req.body, fieldErrors: error.fieldErrors });
    },
    input: (res) => (res.locals.input as { body: z.infer<S> }).body,
  };
}
