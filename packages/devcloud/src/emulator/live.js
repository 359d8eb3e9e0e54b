/* global EventSource, clearTimeout */
// The live feed of the dev cloud (`GET /api/live`, Server-Sent Events), reconnected by us rather
// than by the browser: EventSource gives up for good after a refused connection (a restarted
// cloud), and we want to catch up on what was missed each time the feed comes back.

const FIRST_RETRY_MS = 500;
const LAST_RETRY_MS = 5_000;

/**
 * Follows the feed until `close()`. `onEvent(name, data)` gets every `display` and `sessions`
 * event; `onState('connecting'|'live'|'reconnecting', detail)` tells how the feed is doing;
 * `onOpen()` runs on every (re)connection, which is the moment to reload a fresh snapshot.
 */
export function followLiveFeed({ url = '/api/live', onEvent, onState, onOpen }) {
  let source;
  let retryTimer;
  let retryMs = FIRST_RETRY_MS;
  let closed = false;

  const listen = (name) => {
    source.addEventListener(name, (message) => {
      let data;
      try {
        data = JSON.parse(message.data);
      } catch {
        onState('live', `ignored a ${name} event that is not JSON`);
        return;
      }
      onEvent(name, data);
    });
  };

  const connect = () => {
    onState(retryMs === FIRST_RETRY_MS ? 'connecting' : 'reconnecting', '');
    source = new EventSource(url);
    source.addEventListener('open', () => {
      retryMs = FIRST_RETRY_MS;
      onState('live', '');
      onOpen();
    });
    listen('display');
    listen('sessions');
    source.addEventListener('error', () => {
      source.close();
      if (closed) return;
      onState('reconnecting', `live feed lost, retrying in ${(retryMs / 1000).toFixed(1)} s`);
      retryTimer = setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, LAST_RETRY_MS);
    });
  };

  connect();
  return {
    close() {
      closed = true;
      clearTimeout(retryTimer);
      source.close();
    },
  };
}
