/**
 * Wraps text to lines of at most `width` characters, the way the glasses do: at spaces where it
 * can, inside a word when the word alone is too long. Line breaks in the text are kept.
 */
export function wrapText(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/ +/)) {
      let rest = word;
      while (rest.length > 0) {
        const room = line.length === 0 ? width : width - line.length - 1;
        if (rest.length <= room) {
          line = line.length === 0 ? rest : `${line} ${rest}`;
          rest = '';
        } else if (line.length > 0) {
          lines.push(line);
          line = '';
        } else {
          lines.push(rest.slice(0, width));
          rest = rest.slice(width);
        }
      }
    }
    lines.push(line);
  }
  return lines;
}
