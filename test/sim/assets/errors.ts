/**
 * The error the assets layer throws when an image reference cannot be used.
 *
 * `status`, `code` and `message` are what the simulator puts in the DashScope error envelope
 * (reference §1.5 / §1.6): `{"code": code, "message": message, "request_id": …}` with HTTP `status`.
 */
export class SimInputError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'SimInputError';
    this.status = status;
    this.code = code;
  }
}
