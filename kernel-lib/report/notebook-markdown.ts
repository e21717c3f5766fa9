import { escapeXml as escapeHtml } from '../plot/render';

/**
 * A small, safe Markdown renderer for notebook text cells: headings, paragraphs, emphasis,
 * code (inline and fenced), block quotes, nested lists, pipe tables, rules, links and images.
 * Everything the author wrote is escaped - raw HTML in Markdown shows as text - so a notebook
 * cannot inject script into a report.
 *
 * Reports must open offline and load nothing, so web links are shown as text with their
 * address, and images are embedded (`resolveImage` turns a relative path or an attachment
 * into a data: URL) or replaced by their alt text.
 */
export interface MarkdownOptions {
  /** A data: URL for an image reference, or undefined to show its alt text instead. */
  resolveImage?: (src: string) => string | undefined;
}

export function renderMarkdown(markdown: string, options: MarkdownOptions = {}): string {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  return renderBlocks(lines, options);
}

function renderBlocks(lines: string[], options: MarkdownOptions): string {
  const out: string[] = [];
  let i = 0;
  const inline = (s: string) => renderInline(s, options);
  while (i < lines.length) {
    const line = lines[i];
    if (line.trim() === '') {
      i++;
      continue;
    }
    const fence = /^\s*(```+|~~~+)\s*([\w+-]*)/.exec(line);
    if (fence) {
      const body: string[] = [];
      i++;
      while (i < lines.length && !lines[i].trim().startsWith(fence[1])) body.push(lines[i++]);
      i++;
      out.push(`<pre class="md-code"><code${fence[2] ? ` class="language-${escapeHtml(fence[2])}"` : ''}>${escapeHtml(body.join('\n'))}</code></pre>`);
      continue;
    }
    const heading = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      const level = heading[1].length;
      out.push(`<h${level}>${inline(heading[2])}</h${level}>`);
      i++;
      continue;
    }
    if (/^\s{0,3}([-*_])(\s*\1){2,}\s*$/.test(line)) {
      out.push('<hr>');
      i++;
      continue;
    }
    if (/^\s{0,3}>/.test(line)) {
      const body: string[] = [];
      while (i < lines.length && lines[i].trim() !== '' && /^\s{0,3}>?/.test(lines[i])) body.push(lines[i++].replace(/^\s{0,3}>\s?/, ''));
      out.push(`<blockquote>${renderBlocks(body, options)}</blockquote>`);
      continue;
    }
    if (isTableStart(lines, i)) {
      const header = splitRow(lines[i]);
      const aligns = splitRow(lines[i + 1]).map((c) => (/^:-+:$/.test(c) ? 'center' : /-+:$/.test(c) ? 'right' : /^:-+/.test(c) ? 'left' : ''));
      i += 2;
      const rows: string[][] = [];
      while (i < lines.length && lines[i].includes('|') && lines[i].trim() !== '') rows.push(splitRow(lines[i++]));
      const cell = (tag: string, text: string, j: number) => `<${tag}${aligns[j] ? ` style="text-align:${aligns[j]}"` : ''}>${inline(text)}</${tag}>`;
      out.push(
        `<table class="md-table"><thead><tr>${header.map((h, j) => cell('th', h, j)).join('')}</tr></thead><tbody>` +
          rows.map((r) => `<tr>${header.map((_, j) => cell('td', r[j] ?? '', j)).join('')}</tr>`).join('') +
          '</tbody></table>',
      );
      continue;
    }
    const item = LIST_ITEM.exec(line);
    if (item) {
      const [html, next] = renderList(lines, i, options);
      out.push(html);
      i = next;
      continue;
    }
    const para: string[] = [];
    while (i < lines.length && lines[i].trim() !== '' && !startsBlock(lines, i)) para.push(lines[i++]);
    out.push(`<p>${inline(para.join('\n'))}</p>`);
  }
  return out.join('\n');
}

const LIST_ITEM = /^(\s*)([-*+]|\d{1,9}[.)])\s+(.*)$/;

function renderList(lines: string[], start: number, options: MarkdownOptions): [string, number] {
  const first = LIST_ITEM.exec(lines[start])!;
  const indent = first[1].length;
  const ordered = /\d/.test(first[2]);
  const items: string[][] = [];
  let i = start;
  while (i < lines.length) {
    const line = lines[i];
    const m = LIST_ITEM.exec(line);
    if (m && m[1].length === indent && /\d/.test(m[2]) === ordered) {
      items.push([m[3]]);
      i++;
      continue;
    }
    if (line.trim() === '') {
      // a blank line continues the list only if more indented content or another item follows
      const next = lines[i + 1];
      if (next !== undefined && (leadingSpaces(next) > indent || (LIST_ITEM.exec(next)?.[1].length === indent))) {
        items[items.length - 1].push('');
        i++;
        continue;
      }
      break;
    }
    if (leadingSpaces(line) > indent) {
      items[items.length - 1].push(line.slice(Math.min(leadingSpaces(line), indent + 2)));
      i++;
      continue;
    }
    break;
  }
  const startAttr = ordered && parseInt(first[2], 10) !== 1 ? ` start="${parseInt(first[2], 10)}"` : '';
  const body = items
    .map((lines) => {
      const html = renderBlocks(lines, options);
      // a tight item is one paragraph: drop its <p> for compact lists
      const tight = /^<p>[\s\S]*<\/p>/.exec(html);
      return `<li>${tight && !lines.includes('') ? html.replace(/^<p>([\s\S]*?)<\/p>/, '$1') : html}</li>`;
    })
    .join('');
  return [`<${ordered ? 'ol' : 'ul'}${startAttr}>${body}</${ordered ? 'ol' : 'ul'}>`, i];
}

function leadingSpaces(s: string): number {
  return /^\s*/.exec(s)![0].length;
}

function startsBlock(lines: string[], i: number): boolean {
  const line = lines[i];
  return /^\s*(```|~~~)/.test(line) || /^\s{0,3}#{1,6}\s/.test(line) || /^\s{0,3}>/.test(line) || LIST_ITEM.test(line) || isTableStart(lines, i) || /^\s{0,3}([-*_])(\s*\1){2,}\s*$/.test(line);
}

function isTableStart(lines: string[], i: number): boolean {
  return lines[i].includes('|') && i + 1 < lines.length && /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/.test(lines[i + 1]) && lines[i + 1].includes('-');
}

function splitRow(line: string): string[] {
  let s = line.trim();
  if (s.startsWith('|')) s = s.slice(1);
  if (s.endsWith('|') && !s.endsWith('\\|')) s = s.slice(0, -1);
  return s.split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, '|'));
}

/**
 * Inline spans. Code spans are cut out first (their content is literal), then the rest is
 * escaped and the emphasis/link syntax, which survives escaping unchanged, is turned into tags.
 */
export function renderInline(text: string, options: MarkdownOptions = {}): string {
  const slots: string[] = [];
  const hold = (html: string) => `\u0000${slots.push(html) - 1}\u0000`;
  let s = text.replace(/(`+)([\s\S]*?[^`])\1(?!`)/g, (_m, _t, code: string) => hold(`<code>${escapeHtml(code.trim())}</code>`));
  s = s.replace(/\\([\\`*_{}[\]()#+\-.!|~<>])/g, (_m, c: string) => hold(escapeHtml(c)));
  s = s.replace(/!\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+"([^"]*)")?\s*\)/g, (_m, alt: string, src: string) => hold(image(alt, src, options)));
  s = s.replace(/\[([^\]]+)\]\(\s*<?([^)\s>]+)>?(?:\s+"([^"]*)")?\s*\)/g, (_m, label: string, href: string) => hold(link(renderInline(label, options), href)));
  s = s.replace(/<((?:https?:\/\/|mailto:)[^>\s]+)>/g, (_m, url: string) => hold(link(escapeHtml(url), url)));
  s = escapeHtml(s);
  s = s.replace(/(\*\*|__)(?=\S)([\s\S]*?\S)\1/g, '<strong>$2</strong>');
  s = s.replace(/(^|[^\w*])\*(?=\S)([\s\S]*?\S)\*(?!\*)/g, '$1<em>$2</em>');
  s = s.replace(/(^|[^\w])_(?=\S)([\s\S]*?\S)_(?!\w)/g, '$1<em>$2</em>');
  s = s.replace(/~~(?=\S)([\s\S]*?\S)~~/g, '<del>$1</del>');
  s = s.replace(/( {2,}|\\)\n/g, '<br>\n');
  return s.replace(/\u0000(\d+)\u0000/g, (_m, n: string) => slots[Number(n)]);
}

function link(labelHtml: string, href: string): string {
  if (/^https?:\/\//i.test(href) || /^mailto:/i.test(href)) {
    // no network references in a self-contained report: show where the link points
    const shown = href.replace(/^mailto:/i, '');
    return labelHtml === escapeHtml(href) ? `<span class="md-url">${escapeHtml(shown)}</span>` : `${labelHtml} <span class="md-url">(${escapeHtml(shown)})</span>`;
  }
  if (/^[a-z][\w+.-]*:/i.test(href)) return labelHtml; // javascript:, data:, file: ... dropped
  return `<a href="${escapeHtml(href)}">${labelHtml}</a>`;
}

function image(alt: string, src: string, options: MarkdownOptions): string {
  const data = /^[a-z][\w+.-]*:/i.test(src) && !src.startsWith('attachment:') ? undefined : options.resolveImage?.(src);
  if (data) return `<img src="${escapeHtml(data)}" alt="${escapeHtml(alt)}">`;
  return `<span class="md-missing-image">[image: ${escapeHtml(alt || src)}]</span>`;
}
