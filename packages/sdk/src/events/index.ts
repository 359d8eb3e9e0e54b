export * from './errors.js';
export * from './event-manager.js';
export * from './handler-registry.js';
