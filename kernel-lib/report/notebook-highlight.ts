import { escapeXml as escapeHtml } from '../plot/render';

const KEYWORDS = new Set(
  ('abstract as async await break case catch class const continue debugger declare default delete do else enum export extends ' +
    'false finally for from function if implements import in instanceof interface keyof let new null of private protected public ' +
    'readonly return satisfies static super switch this throw true try type typeof undefined var void while yield').split(' '),
);

const TOKEN = /(\/\/[^\n]*|\/\*[\s\S]*?\*\/)|('(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\[\s\S])*`)|(\b\d[\d_]*(?:\.\d+)?(?:e[+-]?\d+)?\b)|([A-Za-z_$][\w$]*)/g;

/**
 * Escaped TypeScript with comments, strings, numbers and keywords wrapped in spans (classes
 * c, s, n, k). A lexer-free approximation: good enough to read code in a report, and it
 * never changes the text.
 */
export function highlightTypeScript(code: string): string {
  let out = '';
  let last = 0;
  for (const m of code.matchAll(TOKEN)) {
    const at = m.index!;
    out += escapeHtml(code.slice(last, at));
    const text = escapeHtml(m[0]);
    if (m[1]) out += `<span class="c">${text}</span>`;
    else if (m[2]) out += `<span class="s">${text}</span>`;
    else if (m[3]) out += `<span class="n">${text}</span>`;
    else if (KEYWORDS.has(m[4])) out += `<span class="k">${text}</span>`;
    else out += text;
    last = at + m[0].length;
  }
  return out + escapeHtml(code.slice(last));
}
