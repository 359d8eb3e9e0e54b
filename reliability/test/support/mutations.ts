import fc from 'fast-check';
import { KNOWN_TYPES } from './protocol-arbitraries.js';

/** One change to a message: what to do, and where (an index into the message's nodes). */
export type Mutation =
  | { readonly kind: 'drop'; readonly at: number }
  | { readonly kind: 'retype'; readonly at: number; readonly value: unknown }
  | { readonly kind: 'replace'; readonly at: number; readonly value: unknown }
  | { readonly kind: 'junk'; readonly at: number; readonly key: string; readonly value: unknown }
  | { readonly kind: 'swap-type'; readonly type: string };

/** Values of every JSON type and then some (NaN, -0, huge numbers), to put where another type belongs. */
const WRONG_TYPES: readonly unknown[] = [null, 0, -1, -0, 1.5, 1e308, Number.NaN, '', 'x', '2025-13-45', true, false, [], [1], {}, { type: 'x' }];

const junkKey = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'type', 'data'));

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('retype' as const), at: fc.nat(), value: fc.constantFrom(...WRONG_TYPES) }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: fc.jsonValue({ maxDepth: 3 }) }),
  fc.record({ kind: fc.constant('junk' as const), at: fc.nat(), key: junkKey, value: fc.jsonValue({ maxDepth: 2 }) }),
  fc.record({ kind: fc.constant('swap-type' as const), type: fc.constantFrom(...KNOWN_TYPES) }),
);

/** Junk fields only, with keys no schema uses: a loose message must still parse. */
export const junkOnly: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constant('junk' as const),
  at: fc.nat(),
  key: fc.string({ minLength: 1, maxLength: 10 }).map((key) => `x-junk-${key}`),
  value: fc.jsonValue({ maxDepth: 2 }),
});

type Container = Record<string, unknown> | unknown[];
interface Slot {
  readonly parent: Container;
  readonly key: string | number;
}

function isContainer(value: unknown): value is Container {
  return typeof value === 'object' && value !== null;
}

/** Every property and element in the tree, parents before children. */
function slotsOf(root: Container): Slot[] {
  const slots: Slot[] = [];
  const visit = (node: Container): void => {
    const keys: Array<string | number> = Array.isArray(node) ? node.map((_, index) => index) : Object.keys(node);
    for (const key of keys) {
      slots.push({ parent: node, key });
      const child = (node as Record<string | number, unknown>)[key];
      if (isContainer(child)) visit(child);
    }
  };
  visit(root);
  return slots;
}

function containersOf(root: Container): Container[] {
  return [root, ...slotsOf(root).map((slot) => (slot.parent as Record<string | number, unknown>)[slot.key]).filter(isContainer)];
}

function setOwn(target: Container, key: string | number, value: unknown): void {
  // defineProperty, so that a `__proto__` key becomes a field, as JSON.parse makes it, not a prototype.
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Applies `mutations` to a deep copy of `message` and returns the copy. */
export function mutate(message: Record<string, unknown>, mutations: readonly Mutation[]): Record<string, unknown> {
  const copy = structuredClone(message);
  for (const change of mutations) {
    if (change.kind === 'swap-type') {
      copy.type = change.type;
      continue;
    }
    if (change.kind === 'junk') {
      const containers = containersOf(copy);
      const target = containers[change.at % containers.length] ?? copy;
      if (Array.isArray(target)) target.push(structuredClone(change.value));
      else setOwn(target, change.key, structuredClone(change.value));
      continue;
    }
    const slots = slotsOf(copy);
    const slot = slots[change.at % Math.max(1, slots.length)];
    if (!slot) continue;
    if (change.kind === 'drop') {
      if (Array.isArray(slot.parent)) slot.parent.splice(slot.key as number, 1);
      else delete slot.parent[slot.key as string];
    } else {
      // A copy: fast-check shares generated values, and a later mutation must not make a cycle.
      setOwn(slot.parent, slot.key, structuredClone(change.value));
    }
  }
  return copy;
}
