export * from './errors.js';
export * from './logging/index.js';
export * from './protocol/index.js';
export * from './resources/index.js';
export * from './events/index.js';
export * from './layouts/index.js';
export * from './session/index.js';
export * from './server/index.js';
