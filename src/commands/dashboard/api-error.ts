/** An answer other than 2xx: its status and the contract's `{ error: { code, message } }` (docs/dashboard-api.md). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Seconds after which to ask again (the Retry-After header of a 503). */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}
