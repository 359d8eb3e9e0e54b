import { z } from 'zod';
import type { AppConnection } from './app-connection.js';
import { fitsCloseFrame, isSendableCloseCode, MAX_CLOSE_REASON_BYTES } from './close-frame.js';

/** The frame a `malformed` fault sends when none is given: a message cut off in the middle. */
export const DEFAULT_MALFORMED_FRAME = '{"type":"data_stream","sessionId":';

/** A fault to inject into a session's socket (the control API's `POST /api/sessions/:id/faults` body). */
export const FaultSchema = z.discriminatedUnion('kind', [
  /** Terminate the socket abruptly (1006 at the app). */
  z.strictObject({ kind: z.literal('drop') }),
  /** Stop answering pings and sending anything: a hung cloud. */
  z.strictObject({ kind: z.literal('silence') }),
  /** Send a text frame that is not a valid message. */
  z.strictObject({ kind: z.literal('malformed'), frame: z.string().optional() }),
  /** Close the socket with this code and reason. */
  z.strictObject({
    kind: z.literal('close'),
    code: z.number().int().refine(isSendableCloseCode, { message: 'not a close code that can be sent (1000-1014 but 1004-1006, or 3000-4999)' }),
    reason: z
      .string()
      .refine(fitsCloseFrame, { message: `a close reason is at most ${MAX_CLOSE_REASON_BYTES} bytes` })
      .optional(),
  }),
]);
export type Fault = z.infer<typeof FaultSchema>;

/** Does to the socket what the fault says. */
export function applyFault(connection: AppConnection, fault: Fault): void {
  switch (fault.kind) {
    case 'drop':
      void connection.terminate();
      return;
    case 'silence':
      connection.silence();
      return;
    case 'malformed':
      connection.sendText(fault.frame ?? DEFAULT_MALFORMED_FRAME);
      return;
    case 'close':
      void connection.close(fault.code, fault.reason);
      return;
  }
}
