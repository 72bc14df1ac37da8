// The one errors module: every error the app raises on purpose carries an HTTP status and a stable code.

export class AppError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    /** Extra details safe to show a client (e.g. field errors). */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class BadRequestError extends AppError {
  constructor(message = 'Nieprawidłowe żądanie.', details?: Record<string, unknown>) {
    super(message, 400, 'bad_request', details);
  }
}

/** Input that failed its zod schema: `fieldErrors` maps a field path to its messages. */
export class ValidationError extends AppError {
  constructor(
    readonly fieldErrors: Record<string, string[]>,
    message = 'Popraw zaznaczone pola.',
  ) {
    super(message, 400, 'validation_failed', { fieldErrors });
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'Zaloguj się, aby kontynuować.') {
    super(message, 401, 'unauthorized');
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'Nie masz uprawnień do tej operacji.') {
    super(message, 403, 'forbidden');
  }
}

export class NotFoundError extends AppError {
  constructor(message = 'Nie znaleziono strony.') {
    super(message, 404, 'not_found');
  }
}

export class ConflictError extends AppError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(message, 409, 'conflict', details);
  }
}

export class PreconditionFailedError extends AppError {
  constructor(message: string) {
    super(message, 412, 'precondition_failed');
  }
}

export class TooManyRequestsError extends AppError {
  constructor(message = 'Zbyt wiele prób. Spróbuj ponownie za chwilę.') {
    super(message, 429, 'too_many_requests');
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(message: string) {
    super(message, 413, 'payload_too_large');
  }
}

/**
 * The platform cannot answer now but should shortly (the database is unreachable): 503 with a `Retry-After` of
 * `retryAfterSeconds`. The error handlers turn every database outage error into one of these.
 */
export class ServiceUnavailableError extends AppError {
  constructor(
    message = 'Platforma jest chwilowo niedostępna: baza danych nie odpowiada. Spróbuj ponownie za kilka sekund.',
    readonly retryAfterSeconds = 5,
  ) {
    super(message, 503, 'service_unavailable', { retryAfterSeconds });
  }
}
