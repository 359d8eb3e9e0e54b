import { TpaError } from '../errors.js';

/** A layout call with an argument the cloud would refuse; nothing was sent. */
export class InvalidLayoutError extends TpaError {
  constructor(message: string) {
    super('INVALID_LAYOUT', message);
  }
}
