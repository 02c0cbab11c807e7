import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseMarkdown } from '../../../src/ingestion/files/markdown.js';
import { UnreadableFileError } from '../../../src/ingestion/files/types.js';

const opts = { filename: 'guide.md', extractTables: false };

const md = `---
title: "Front Title"
author: Ada Lovelace
date: 2024-03-05
---

Intro paragraph with **bold** and a [link](https://example.com).

# Guide

Guide text
continues here.

## Install

- step one
- step *two*
  - nested step
1. first

> quoted text

\`\`\`js
const x = 1;
\`\`\`

### Deep

Deep text ![diagram](d.png)

## Use

| a | b |
|---|---|
| 1 | 2 |

# Appendix

Last words.
`;

describe('parseMarkdown', () => {
  it('nests headings, reads front matter, keeps blocks as text', async () => {
    const parsed = await parseMarkdown(Buffer.from(md), opts);
    expect(parsed.title).toBe('Front Title');
    expect(parsed.metadata).toMatchObject({ title: 'Front Title', author: 'Ada Lovelace', created_at: '2024-03-05T00:00:00.000Z' });
    const [intro, guide, appendix] = parsed.sections;
    expect(parsed.sections).toHaveLength(3);
    expect(intro).toEqual({ text: 'Intro paragraph with bold and a link.' });
    expect(guide!.title).toBe('Guide');
    expect(guide!.text).toBe('Guide text\ncontinues here.');
    const [install, use] = guide!.sections!;
    expect(install!.title).toBe('Install');
    expect(install!.text).toBe('- step one\n- step two\n  - nested step\n\n1. first\n\nquoted text\n\nconst x = 1;');
    expect(install!.sections).toEqual([{ title: 'Deep', text: 'Deep text diagram' }]);
    expect(use!.title).toBe('Use');
    expect(use!.text).toContain('| a | b |'); // GFM tables stay as text
    expect(appendix).toEqual({ title: 'Appendix', text: 'Last words.' });
  });

  it('takes the first h1 as the title without front matter', async () => {
    const parsed = await parseMarkdown(Buffer.from('Setext Title\n============\n\nBody\n\n# Second h1\n\nx'), opts);
    expect(parsed.title).toBe('Setext Title');
    expect(parsed.sections.map((s) => s.title)).toEqual(['Setext Title', 'Second h1']);
  });

  it('skips empty headings sections', async () => {
    const parsed = await parseMarkdown(Buffer.from('# A\n\n## Empty\n\n## Full\n\ntext'), opts);
    expect(parsed.sections).toEqual([{ title: 'A', sections: [{ title: 'Full', text: 'text' }] }]);
  });

  it('refuses binary content', async () => {
    await expect(parseMarkdown(randomBytes(2048), opts)).rejects.toBeInstanceOf(UnreadableFileError);
  });
});
