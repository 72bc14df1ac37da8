// Runs a zod schema over one part of the request; failures become a ValidationError with field messages.
import type { NextFunction, Request, Response } from 'express';
import { z } from 'zod';
import { ValidationError } from './errors.js';

type Part = 'body' | 'query' | 'params';

/** A MongoDB ObjectId as 24 hex digits (mongoose would throw a CastError, a 500, on anything else). */
const OBJECT_ID = /^[0-9a-f]{24}$/i;

/** Whether `text` is an ObjectId in hex, for code that checks an id outside a schema (a session, a query). */
export function isObjectId(text: string): boolean {
  return OBJECT_ID.test(text);
}

/** A zod string that must be an ObjectId in hex; `message` is the field's message (a locale key on forms). */
export function objectId(message = 'Nieprawidłowy identyfikator.') {
  return z.string({ error: message }).regex(OBJECT_ID, { error: message });
}

/** `{ id }` route params holding an ObjectId: `validate(objectIdParam(), 'params')`. */
export function objectIdParam(message?: string) {
  return z.object({ id: objectId(message) });
}

/** Turns zod issues into { 'field.path': ['message', …] }. */
export function fieldErrorsOf(error: z.ZodError): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join('.') : '_';
    (fields[key] ??= []).push(issue.message);
  }
  return fields;
}

/** Parses `value` with `schema` or throws ValidationError. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(fieldErrorsOf(result.error));
  return result.data;
}

/**
 * Middleware: validates `req[part]` and stores the parsed value in `res.locals.input[part]`
 * (Express 5 makes req.query read-only, so the parsed copy lives in res.locals).
 */
export function validate<S extends z.ZodType>(schema: S, part: Part = 'body') {
  return (req: Request, res: Response, next: NextFunction) => {
    storeInput(res, part, parseInput(schema, req[part]));
    next();
  };
}

/** Keeps a parsed part in `res.locals.input` next to the parts parsed before it (params, then body). */
export function storeInput(res: Response, part: Part, value: unknown): void {
  // res.locals is typed `Record<string, any>`: this says what the one writer (here) keeps in it.
  const stored = res.locals.input as Partial<Record<Part, unknown>> | undefined;
  res.locals.input = { ...(stored ?? {}), [part]: value };
}

/** The parsed input that `validate(schema, part)` stored. */
export function inputOf<T>(res: Response, part: Part = 'body'): T {
  return (res.locals.input as Record<Part, T>)[part];
}
