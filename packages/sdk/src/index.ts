export * from './errors.js';
export * from './logging/index.js';
export * from './protocol/index.js';
export * from './resources/index.js';
