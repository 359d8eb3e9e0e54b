/**
 * The wire protocol between TPAs and the AugmentOS cloud: schemas, inferred types, parsers,
 * builders and helpers. No I/O. Shared by the SDK and the dev cloud so that the two sides can
 * never disagree about the wire.
 */
export * from './timestamps.js';
export * from './streams.js';
export * from './session-id.js';
export * from './layouts.js';
export * from './settings.js';
export * from './stream-data.js';
export * from './parse.js';
export * from './fast-accept.js';
export * from './cloud-to-tpa.js';
export * from './tpa-to-cloud.js';
export * from './webhooks.js';
export * from './webhook-signature.js';
export * from './transport.js';
