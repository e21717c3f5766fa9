import { strict as assert } from 'node:assert';
import { renderInline, renderMarkdown } from '../kernel-lib/report/notebook-markdown';
import { highlightTypeScript } from '../kernel-lib/report/notebook-highlight';

describe('report: the Markdown renderer for notebook text cells', () => {
  it('renders headings, paragraphs and emphasis', () => {
    assert.equal(renderMarkdown('# Title\n\nSome **bold**, *em* and `code`.\nSame paragraph.'), '<h1>Title</h1>\n<p>Some <strong>bold</strong>, <em>em</em> and <code>code</code>.\nSame paragraph.</p>');
    assert.equal(renderMarkdown('### Three ###'), '<h3>Three</h3>');
    assert.equal(renderInline('snake_case_name and _em_ and ~~gone~~'), 'snake_case_name and <em>em</em> and <del>gone</del>');
  });

  it('escapes raw HTML: a notebook cannot inject markup into a report', () => {
    assert.equal(renderMarkdown('<script>alert("x")</script> & <b>'), '<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;</p>');
    assert.equal(renderInline('`<b>` stays code'), '<code>&lt;b&gt;</code> stays code');
    assert.equal(renderInline('\\*not em\\*'), '*not em*');
  });

  it('shows web links as text with their address, keeps relative links, drops script links', () => {
    assert.equal(renderInline('[docs](https://example.com/a?b=1&c=2)'), 'docs <span class="md-url">(https://example.com/a?b=1&amp;c=2)</span>');
    assert.equal(renderInline('<https://example.com>'), '<span class="md-url">https://example.com</span>');
    assert.equal(renderInline('[next](other.ipynb)'), '<a href="other.ipynb">next</a>');
    assert.equal(renderInline('[x](javascript:alert(1))'), 'x)');
  });

  it('embeds images it can resolve and shows the alt text for the rest', () => {
    const resolveImage = (src: string) => (src === 'chart.png' ? 'data:image/png;base64,AAAA' : undefined);
    assert.equal(renderInline('![a chart](chart.png)', { resolveImage }), '<img src="data:image/png;base64,AAAA" alt="a chart">');
    assert.equal(renderInline('![remote](https://example.com/x.png)', { resolveImage }), '<span class="md-missing-image">[image: remote]</span>');
  });

  it('renders fenced code, quotes and rules', () => {
    assert.equal(renderMarkdown('```ts\nconst a = 1 < 2;\n```'), '<pre class="md-code"><code class="language-ts">const a = 1 &lt; 2;</code></pre>');
    assert.equal(renderMarkdown('> quoted *text*'), '<blockquote><p>quoted <em>text</em></p></blockquote>');
    assert.equal(renderMarkdown('a\n\n---\n\nb'), '<p>a</p>\n<hr>\n<p>b</p>');
  });

  it('renders nested and ordered lists', () => {
    assert.equal(renderMarkdown('- one\n- two\n  - two.a\n- three'), '<ul><li>one</li><li>two\n<ul><li>two.a</li></ul></li><li>three</li></ul>');
    assert.equal(renderMarkdown('3. c\n4. d'), '<ol start="3"><li>c</li><li>d</li></ol>');
  });

  it('renders pipe tables with alignment', () => {
    assert.equal(
      renderMarkdown('| metric | value |\n|:--|--:|\n| sharpe | **1.2** |\n| a \\| b | 2 |'),
      '<table class="md-table"><thead><tr><th style="text-align:left">metric</th><th style="text-align:right">value</th></tr></thead>' +
        '<tbody><tr><td style="text-align:left">sharpe</td><td style="text-align:right"><strong>1.2</strong></td></tr>' +
        '<tr><td style="text-align:left">a | b</td><td style="text-align:right">2</td></tr></tbody></table>',
    );
  });

  it('highlights TypeScript without changing the text', () => {
    const code = "const s = 'a<b'; // note\nawait f(42);";
    const html = highlightTypeScript(code);
    assert.equal(html, '<span class="k">const</span> s = <span class="s">&#39;a&lt;b&#39;</span>; <span class="c">// note</span>\n<span class="k">await</span> f(<span class="n">42</span>);');
    assert.equal(html.replace(/<[^>]+>/g, '').replace(/&lt;/g, '<').replace(/&#39;/g, "'"), code);
  });
});
