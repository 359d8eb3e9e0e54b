/**
 * The base class of every error the SDK raises or reports. Each error carries a stable,
 * machine-readable `code` so that callers can branch on it without parsing messages.
 */
export class TpaError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}
