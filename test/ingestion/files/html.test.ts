import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { htmlToParsed, parseHtml } from '../../../src/ingestion/files/html.js';
import { UnreadableFileError } from '../../../src/ingestion/files/types.js';

const page = `<!doctype html>
<html><head>
<title>Page &amp; Title</title>
<meta name="author" content="Grace Hopper">
<meta name="description" content="A test page">
<meta property="article:published_time" content="2024-01-02T03:04:05Z">
<style>.x { color: red }</style>
<script>var secret = "script text";</script>
</head>
<body>
<header><nav><a href="/">Home</a> <a href="/about">About</a></nav><h1>Site name</h1></header>
<div role="navigation">Menu item</div>
<main>
<article>
<header><h1>Article   Heading</h1></header>
<p>First   paragraph
 with &lt;entities&gt; &eacute; and&nbsp;a <a href="#">link</a>.<br>New line.</p>
<ul><li>one</li><li>two <b>bold</b></li></ul>
<h2>Data</h2>
<p>Before the table.</p>
<table>
  <caption>Prices</caption>
  <thead><tr><th>Item</th><th colspan="2">Cost</th></tr></thead>
  <tbody>
    <tr><td rowspan="2">Tea</td><td>1</td><td>EUR</td></tr>
    <tr><td>2</td><td>USD</td></tr>
  </tbody>
</table>
<p>After the table.</p>
<h3>Sub</h3>
<pre>  code
    indented</pre>
<blockquote>Quoted</blockquote>
<h2>Other</h2>
<p>Other text</p>
<form><input name="q"><button>Search</button></form>
</article>
</main>
<aside>Related links</aside>
<footer>Copyright</footer>
<noscript>Enable JS</noscript>
</body></html>`;

describe('parseHtml', () => {
  it('extracts title, metadata, nested sections and tables', async () => {
    const parsed = await parseHtml(Buffer.from(page), { filename: 'p.html', extractTables: true });
    expect(parsed.title).toBe('Page & Title');
    expect(parsed.metadata).toEqual({
      title: 'Page & Title',
      author: 'Grace Hopper',
      description: 'A test page',
      created_at: '2024-01-02T03:04:05.000Z',
    });
    expect(parsed.sections).toHaveLength(1);
    const article = parsed.sections[0]!;
    expect(article.title).toBe('Article Heading');
    expect(article.text).toBe('First paragraph with <entities> é and a link.\nNew line.\n\none\ntwo bold');
    const [data, other] = article.sections!;
    expect(data!.title).toBe('Data');
    expect(data!.text).toBe('Before the table.\n\nAfter the table.');
    expect(data!.tables).toEqual([
      {
        title: 'Prices',
        data: {
          headers: [[{ text_value: 'Item' }, { text_value: 'Cost', colspan: 2 }]],
          rows: [
            [{ text_value: 'Tea', rowspan: 2 }, { text_value: '1' }, { text_value: 'EUR' }],
            [{ text_value: '2' }, { text_value: 'USD' }],
          ],
        },
      },
    ]);
    expect(data!.sections).toEqual([{ title: 'Sub', text: '  code\n    indented\n\nQuoted' }]);
    expect(other).toEqual({ title: 'Other', text: 'Other text' });
    const all = JSON.stringify(parsed);
    for (const junk of ['script text', 'color: red', 'Home', 'Menu item', 'Related', 'Copyright', 'Enable JS', 'Search', 'Site name']) {
      expect(all).not.toContain(junk);
    }
  });

  it('puts table text into the section text when not extracting tables', async () => {
    const parsed = await parseHtml(Buffer.from(page), { filename: 'p.html', extractTables: false });
    const data = parsed.sections[0]!.sections![0]!;
    expect(data.tables).toBeUndefined();
    expect(data.text).toBe('Before the table.\n\nPrices\n\nItem | Cost\nTea | 1 | EUR\n2 | USD\n\nAfter the table.');
  });

  it('takes the first h1 as title without <title>, treats all-<th> first rows as headers', () => {
    const parsed = htmlToParsed(
      '<p>lead</p><h1>Main</h1><table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr></table>',
      { filename: 'x.html', extractTables: true },
    );
    expect(parsed.title).toBe('Main');
    expect(parsed.sections[0]).toEqual({ text: 'lead' });
    expect(parsed.sections[1]!.tables![0]!.data).toEqual({
      headers: [[{ text_value: 'A' }, { text_value: 'B' }]],
      rows: [[{ text_value: '1' }, { text_value: '2' }]],
    });
  });

  it('reads a page declared in windows-1252', async () => {
    const bytes = Buffer.from('<meta charset="windows-1252"><p>caf\xe9</p>', 'latin1');
    const parsed = await parseHtml(bytes, { filename: 'x.html', extractTables: false });
    expect(parsed.sections[0]!.text).toBe('café');
  });

  it('is lenient with broken markup and truncated files', async () => {
    const parsed = await parseHtml(Buffer.from(page.slice(0, page.indexOf('<h2>Other'))), { filename: 'x.html', extractTables: true });
    expect(parsed.sections[0]!.title).toBe('Article Heading');
    const broken = await parseHtml(Buffer.from('<p>unclosed <b>bold <div>div</p></span>'), { filename: 'x.html', extractTables: false });
    expect(broken.sections[0]!.text).toContain('unclosed bold');
  });

  it('refuses binary content and survives deep nesting', async () => {
    await expect(parseHtml(randomBytes(4096), { filename: 'x.html', extractTables: false })).rejects.toBeInstanceOf(UnreadableFileError);
    const start = Date.now();
    await expect(parseHtml(Buffer.from('<div>'.repeat(200_000) + 'x'), { filename: 'x.html', extractTables: false })).rejects.toBeInstanceOf(UnreadableFileError);
    expect(Date.now() - start).toBeLessThan(2000);
    // moderately deep nesting is fine
    const parsed = await parseHtml(Buffer.from('<div><span>'.repeat(1000) + 'x'), { filename: 'x.html', extractTables: false });
    expect(parsed.sections[0]!.text).toBe('x');
    // many unclosed <p> (closed implicitly by the parser) are not nesting
    const paras = await parseHtml(Buffer.from('<p>para'.repeat(20_000)), { filename: 'x.html', extractTables: false });
    expect(paras.sections[0]!.text!.split('\n\n')).toHaveLength(20_000);
  });
});
