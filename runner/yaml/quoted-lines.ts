/**
 * PyYAML (Ansible's parser) reads a quoted scalar whose later lines are indented less than its key,
 * down to column 0 (`key: "{{` ... `}}"`); the yaml library refuses those lines. This gives such
 * lines the indentation of the line the scalar started on, plus one space: inside a quoted scalar,
 * a line's leading spaces are folded away, so the value is the same, and so are the line numbers.
 */
export function indentQuotedLines(text: string): string {
  const lines = text.split('\n');
  let quote: '"' | "'" | undefined;
  let minimum = 0;
  for (let l = 0; l < lines.length; l++) {
    let line = lines[l];
    if (quote && line.trim() !== '') {
      const indent = /^ */.exec(line)![0].length;
      if (indent < minimum) line = lines[l] = ' '.repeat(minimum) + line.slice(indent);
    }
    for (let i = 0; i < line.length; i++) {
      const char = line[i];
      if (quote === '"') {
        if (char === '\\') i++;
        else if (char === '"') quote = undefined;
      } else if (quote === "'") {
        if (char === "'" && line[i + 1] === "'") i++;
        else if (char === "'") quote = undefined;
      } else if (char === '#' && (i === 0 || /\s/.test(line[i - 1]))) break;
      else if ((char === '"' || char === "'") && /(^|[:\-[{,])\s*$/.test(line.slice(0, i))) {
        quote = char;
        minimum = /^ */.exec(line)![0].length + 1;
      }
    }
  }
  return lines.join('\n');
}
