// Types of phone-events.js for the node tests; the browser loads the JavaScript as it is.
export interface EmulatedEvent {
  streamType: string;
  data: Record<string, unknown>;
}
export declare function phoneNotification(fields: { app: string; title: string; content: string; priority: string }, now?: number): EmulatedEvent;
export declare function transcription(fields: { text: string; language: string; isFinal: boolean }, now?: number): EmulatedEvent;
export declare function buttonPress(fields: { buttonId: string; pressType: string }, now?: number): EmulatedEvent;
export declare function headPosition(fields: { position: string }, now?: number): EmulatedEvent;
export declare const NOTIFICATION_PRIORITIES: readonly string[];
export declare const PRESS_TYPES: readonly string[];
export declare const HEAD_POSITIONS: readonly string[];
