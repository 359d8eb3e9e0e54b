/* global document */
// The one way the page makes elements: text always goes in as text, never as HTML, because app
// names, notifications and transcripts come from outside.

/** `h('li', {class: 'x', 'data-testid': 'y'}, 'text', child)`; `on*` attributes take listeners. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  element.append(...children.flat().filter((child) => child !== undefined && child !== null && child !== false));
  return element;
}

/** The element with this `data-testid`, which the page's HTML promises to have. */
export function byTestId(testId) {
  const element = document.querySelector(`[data-testid="${testId}"]`);
  if (!element) throw new Error(`the page has no element [data-testid="${testId}"]`);
  return element;
}
