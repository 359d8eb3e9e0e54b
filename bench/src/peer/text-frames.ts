/**
 * Unmasked WebSocket text frames (RFC 6455, section 5.2), as a server sends them. The peer builds
 * a flood's frames ahead of time and writes them in large chunks, so that the client being
 * measured, not the peer, sets the pace.
 */

const FIN_TEXT = 0x81;
const LENGTH_16 = 126;
const LENGTH_64 = 127;

/** One complete, unmasked text frame carrying `payload`. */
export function encodeTextFrame(payload: Buffer): Buffer {
  const length = payload.byteLength;
  let header: Buffer;
  if (length < LENGTH_16) {
    header = Buffer.from([FIN_TEXT, length]);
  } else if (length <= 0xffff) {
    header = Buffer.alloc(4);
    header[0] = FIN_TEXT;
    header[1] = LENGTH_16;
    header.writeUInt16BE(length, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = FIN_TEXT;
    header[1] = LENGTH_64;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  return Buffer.concat([header, payload]);
}

/** `count` copies of `frame`, grouped into chunks of at most `framesPerChunk` frames. */
export function repeatFrame(frame: Buffer, count: number, framesPerChunk = 1000): Buffer[] {
  const chunks: Buffer[] = [];
  for (let remaining = count; remaining > 0; remaining -= framesPerChunk) {
    const frames = Math.min(remaining, framesPerChunk);
    chunks.push(Buffer.concat(Array.from({ length: frames }, () => frame)));
  }
  return chunks;
}
