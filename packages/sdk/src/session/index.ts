export * from './errors.js';
export * from './reconnect-policy.js';
export * from './session-config.js';
export * from './settings-store.js';
export * from './tpa-session.js';
export * from './session-context.js';
