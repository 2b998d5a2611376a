// Markdown table pieces for the generated reference (the reference pages of docs/).

/** Text for one table cell: on one line, its pipes escaped. */
export const cell = (text: string) =>
  text
    .replace(/\s*\n\s*/g, ' ')
    .replace(/\|/g, '\\|')
    .trim();

export const code = (text: string) => `\`${cell(text)}\``;

export const table = (head: string[], rows: string[][]) =>
  [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');
