import { extname } from 'node:path';
import { checkJinjaFile, renderJinjaFile, type JinjaOptions } from '../jinja/templar.js';
import { checkHandlebars, renderHandlebars } from './handlebars.js';

// Template files: Handlebars for .hbs (the project's own roles), Jinja2 for every other, as Ansible reads them.

export const isHandlebars = (file: string) => extname(file) === '.hbs';

/** Parse a template file without rendering it. */
export function checkTemplateFileSyntax(text: string, file: string): void {
  if (isHandlebars(file)) return checkHandlebars(text, { loc: { file, line: 1, column: 1 }, what: 'this template', isFile: true });
  checkJinjaFile(text, file);
}

/** Render a template file's text: always a string. */
export function renderTemplateFile(text: string, file: string, scope: object, options: JinjaOptions = {}): string {
  if (isHandlebars(file)) return renderHandlebars(text, scope, { loc: { file, line: 1, column: 1 }, what: `template ${file}`, isFile: true });
  return renderJinjaFile(text, file, scope, options);
}
