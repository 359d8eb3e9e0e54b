/** The longest close reason a WebSocket close frame carries; `ws` throws for a longer one. */
export const MAX_CLOSE_REASON_BYTES = 123;

/** Close codes that an endpoint may put in a close frame (1005 and 1006 are only ever observed). */
export function isSendableCloseCode(code: number): boolean {
  return (code >= 1000 && code <= 1014 && ![1004, 1005, 1006].includes(code)) || (code >= 3000 && code <= 4999);
}

export function fitsCloseFrame(reason: string): boolean {
  return Buffer.byteLength(reason) <= MAX_CLOSE_REASON_BYTES;
}
