export { DEMO_PACKAGE, DEMO_SCRIPT, DEMO_USER, startNotifyDemo } from './notify-demo.js';
export type { DemoStep, NotifyDemo, NotifyDemoOptions } from './notify-demo.js';
export { LiveCaptions } from './live-captions.js';
export { CaptionStyle, CAPTION_STYLE_CONFIG, styleCaption } from './caption-style.js';
