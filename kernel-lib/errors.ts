/**
 * One error family for everything a user can get wrong. `code` is stable (tests and
 * tools match on it), `message` names the input (file, column, row, parameter) and the
 * problem, `hint` says what to do about it.
 */
export class QuantbookError extends Error {
  override readonly name = 'QuantbookError';
  constructor(
    readonly code: string,
    message: string,
    readonly hint?: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }

  toJSON() {
    return { code: this.code, message: this.message, hint: this.hint, details: this.details };
  }
}

export function isQuantbookError(e: unknown): e is QuantbookError {
  return e instanceof QuantbookError;
}

/** Throws a QuantbookError with code BAD_PARAMETER unless `ok`. */
export function requireParam(ok: boolean, parameter: string, problem: string, hint?: string): asserts ok {
  if (!ok) throw new QuantbookError('BAD_PARAMETER', `parameter '${parameter}': ${problem}`, hint);
}
