import type { PhoneNotification } from '@tpa/sdk/protocol';

let nextId = 1;

/** A phone notification from the app `Chat` with no title, so that its text is `Chat: <content>`. */
export function phoneNotification(content: string, overrides: Partial<PhoneNotification> = {}): PhoneNotification {
  return { notificationId: `n${nextId++}`, app: 'Chat', title: '', content, priority: 'normal', ...overrides };
}
