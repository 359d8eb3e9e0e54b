// The events the emulated phone and glasses send, as bodies of `POST /api/users/:userId/events`.
// Pure functions: emulator-modules.test.ts checks every shape against the SDK's protocol schemas,
// since the page cannot import TypeScript and would otherwise drift from the wire silently.

let sequence = 0;

/** A notification id that stays unique within one page, even for two sends in one millisecond. */
function nextNotificationId(now) {
  sequence += 1;
  return `emulator-${now}-${sequence}`;
}

/** A notification arriving on the phone. Like the phone, it stamps epoch milliseconds. */
export function phoneNotification({ app, title, content, priority }, now = Date.now()) {
  return {
    streamType: 'phone_notification',
    data: { type: 'phone_notification', notificationId: nextNotificationId(now), app, title, content, priority, timestamp: now },
  };
}

/** A line the user spoke. `startTime`/`endTime` are milliseconds, as the speech service sends them. */
export function transcription({ text, language, isFinal }, now = Date.now()) {
  // A rough speaking time, so that an app measuring utterances sees a plausible span.
  const spokenMs = Math.max(300, text.length * 60);
  return {
    streamType: 'transcription',
    data: { type: 'transcription', text, isFinal, transcribeLanguage: language, startTime: now - spokenMs, endTime: now },
  };
}

/** A press of a button on the glasses. */
export function buttonPress({ buttonId, pressType }, now = Date.now()) {
  return { streamType: 'button_press', data: { type: 'button_press', buttonId, pressType, timestamp: now } };
}

/** The user looking up (which opens the dashboard) or down. */
export function headPosition({ position }, now = Date.now()) {
  return { streamType: 'head_position', data: { type: 'head_position', position, timestamp: now } };
}

/** The choices the page offers, in the protocol's spelling. */
export const NOTIFICATION_PRIORITIES = ['low', 'normal', 'high'];
export const PRESS_TYPES = ['short', 'long'];
export const HEAD_POSITIONS = ['up', 'down'];
