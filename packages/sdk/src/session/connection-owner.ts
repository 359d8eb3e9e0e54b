import type { TpaError } from '../errors.js';
import type { CloudToTpaMessage, ConnectionAck, ProtocolError } from '../protocol/index.js';
import type { CloudConnection, ConnectionLoss } from './cloud-connection.js';

/**
 * How a connection reports to its session: methods under module-private symbols rather than
 * callbacks, so that a session costs no closures per connection and the methods stay out of the
 * session's public API. Not exported from the package.
 */
export const onConnectionAck = Symbol('tpa.onConnectionAck');
export const onConnectionMessage = Symbol('tpa.onConnectionMessage');
export const onConnectionBinary = Symbol('tpa.onConnectionBinary');
export const onConnectionProtocolError = Symbol('tpa.onConnectionProtocolError');
export const onConnectionLost = Symbol('tpa.onConnectionLost');
export const onConnectionInternalError = Symbol('tpa.onConnectionInternalError');
export const onConnectionBlocked = Symbol('tpa.onConnectionBlocked');
export const onConnectionDrained = Symbol('tpa.onConnectionDrained');

export interface ConnectionOwner {
  /**
   * Called synchronously with the ack, before `open()` resolves: frames that arrive in the same
   * read as the ack (a settings_update right behind it) must find its effects already applied.
   */
  [onConnectionAck](ack: ConnectionAck): void;
  [onConnectionMessage](message: CloudToTpaMessage): void;
  [onConnectionBinary](data: Buffer): void;
  [onConnectionProtocolError](error: ProtocolError): void;
  /** The socket closed after it was acknowledged. Never called once the connection is disposed. */
  [onConnectionLost](connection: CloudConnection, loss: ConnectionLoss): void;
  /** A bug of ours surfaced while handling a socket event; it must not escape into ws. */
  [onConnectionInternalError](error: TpaError): void;
  /** The socket stopped taking data (the cloud does not read it): displays wait. Once per episode. */
  [onConnectionBlocked](bufferedBytes: number): void;
  /** A blocked socket took its data again: what waited can be sent. */
  [onConnectionDrained](): void;
}
