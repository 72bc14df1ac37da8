// Shapes account forms for the views: translated field errors, an error summary, and what was typed.
import type { TFunction } from 'i18next';

export interface FormView {
  values: Record<string, string>;
  /** field → its first message, translated. */
  errors: Record<string, string>;
  /** The list at the top of the form, each entry linking to its field. */
  errorSummary: { field: string; message: string }[];
}

/**
 * Builds a form's view model. `fieldErrors` hold auth-namespace keys (from the zod schemas or services);
 * only string values are kept (garbage such as arrays is dropped) and password fields never are.
 */
export function formView(
  t: TFunction,
  body: unknown,
  options: { keep: string[]; fieldErrors?: Record<string, string[]>; order?: string[] } = { keep: [] },
): FormView {
  const source = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const values: Record<string, string> = {};
  for (const field of options.keep) {
    const value = source[field];
    if (typeof value === 'string') values[field] = value.slice(0, 500);
  }
  const errors: Record<string, string> = {};
  for (const [field, messages] of Object.entries(options.fieldErrors ?? {})) {
    if (messages[0]) errors[field] = t(messages[0]);
  }
  // The summary follows the order of the fields on the page, not the order zod reported them in.
  const order = options.order ?? Object.keys(errors);
  const fields = [...order.filter((f) => f in errors), ...Object.keys(errors).filter((f) => !order.includes(f))];
  return { values, errors, errorSummary: fields.map((field) => ({ field, message: errors[field] })) };
}
