export * from './config.js';
export * from './errors.js';
export * from './stop-on-signals.js';
export * from './tpa-server.js';
export * from './trusted-urls.js';
