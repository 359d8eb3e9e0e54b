// Draws one view of the glasses (main or dashboard) from the cloud's ViewState, and its header:
// which app owns it and how long it stays.
import { h, byTestId } from './dom.js';
import { describeLayout } from './glasses-text.js';

function drawText(view, sections) {
  return sections.map(({ role, lines }) =>
    h(
      'div',
      { class: `section section-${role}`, 'data-testid': `view-${view}-${role}` },
      lines.map((line) => h('div', { class: 'line', 'data-testid': `view-${view}-line` }, line)),
    ),
  );
}

function drawBitmap(view, { src, note }, onProblem) {
  const image = h('img', { src, alt: `bitmap sent to the ${view} view`, 'data-testid': `view-${view}-bitmap` });
  image.addEventListener('error', () => onProblem(`The ${view} view got a bitmap that the browser cannot decode.`));
  return [h('div', { class: 'bitmap' }, image), note ? h('div', { class: 'note' }, note) : null];
}

function drawContent(view, state, onProblem) {
  if (state === null) return { kind: 'empty', nodes: [] };
  const shown = describeLayout(state.layout);
  switch (shown.kind) {
    case 'text':
      return { kind: 'text', nodes: drawText(view, shown.sections) };
    case 'bitmap':
      return { kind: 'bitmap', nodes: drawBitmap(view, shown, onProblem) };
    case 'cleared':
      return { kind: 'cleared', nodes: [] };
    default:
      return { kind: 'unsupported', nodes: [h('div', { class: 'line note' }, `[layout ${shown.layoutType} is not supported here]`)] };
  }
}

/** How long a display has left, as the header shows it. */
export function countdownText(state, now = Date.now()) {
  if (state === null || state.expiresAt === null || state.expiresAt === undefined) return state === null ? '' : 'until replaced';
  const leftMs = Date.parse(state.expiresAt) - now;
  return leftMs > 0 ? `${(leftMs / 1000).toFixed(1)} s left` : 'expiring…';
}

/** One lens of the emulator, bound to the elements `view-<name>`, `-owner`, `-countdown`. */
export function createGlassesView(view, { onProblem }) {
  const display = byTestId(`view-${view}`);
  const owner = byTestId(`view-${view}-owner`);
  const countdown = byTestId(`view-${view}-countdown`);
  let current = null;

  return {
    show(state) {
      current = state;
      const { kind, nodes } = drawContent(view, state, onProblem);
      display.replaceChildren(...nodes.filter((node) => node !== null));
      display.dataset.state = kind;
      display.dataset.layout = state?.layout?.layoutType ?? '';
      owner.textContent = state === null ? 'nothing shown' : kind === 'cleared' ? `cleared by ${state.packageName}` : state.packageName;
      this.tick();
    },
    /** Refreshes the countdown; called a few times a second. */
    tick() {
      countdown.textContent = countdownText(current);
    },
  };
}
