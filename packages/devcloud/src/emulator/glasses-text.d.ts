// Types of glasses-text.js for the node tests; the browser loads the JavaScript as it is.
export declare const LINE_WIDTH: number;
export declare function wrapText(text: string, width?: number): string[];
export declare function dashboardLine(left: string, right: string, width?: number): string;
export declare function imageTypeOf(base64: string): string;

export type ShownSectionRole = 'body' | 'title' | 'top' | 'bottom' | 'card';
export type ShownLayout =
  | { kind: 'cleared' }
  | { kind: 'text'; sections: { role: ShownSectionRole; lines: string[] }[] }
  | { kind: 'bitmap'; src: string; note: string }
  | { kind: 'unsupported'; layoutType: string };
export declare function describeLayout(layout: unknown, width?: number): ShownLayout;
