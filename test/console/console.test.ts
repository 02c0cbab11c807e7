import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { client } from '../helpers/app.js';
import { createCorpus, createKey, personalKeyFor, type Client } from '../http/support.js';
import { expectAccessible, newPage, screenshot, signInWithKey, startConsoleWorld, type ConsoleWorld } from './browser.js';

/**
 * The web console end to end, in headless Chromium against a real server: sign-in, the API keys
 * tab and every action the seed describes (each checked against the API afterwards: a disabled
 * or regenerated key really gets 401), corpora, a streamed query, the admin-only pages, where
 * the credential is kept, the CSP, and axe on every page. Each test saves a screenshot.
 */
let world: ConsoleWorld;
let owner: Client;
const pages: Page[] = [];

beforeAll(async () => {
  world = await startConsoleWorld();
  owner = client(world.server.app, world.server.ownerKey);
  await createCorpus(owner, 'docs');
  await createCorpus(owner, 'notes');
  const res = await owner.post('/v2/corpora/docs/documents', {
    type: 'core', id: 'tea-guide', document_parts: [{ text: 'Green tea is brewed at eighty degrees for two minutes.' }],
  });
  expect(res.status).toBe(201);
}, 60_000);

afterAll(async () => {
  await world?.close();
});

async function open(): Promise<Page> {
  const { page } = await newPage(world);
  pages.push(page);
  return page;
}

/** Status of a key's next API call. */
const statusWith = async (secret: string) => (await client(world.server.app, secret).get('/v2/corpora')).status;

describe('the console', () => {
  it('is served with a strict Content-Security-Policy', async () => {
    const res = await fetch(`${world.base}/console/`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
  });

  it('signs in with a personal key, keeping it in session storage only', async () => {
    const page = await open();
    await page.goto('/console/');
    await expectAccessible(page);
    await screenshot(page, 'sign-in');
    await signInWithKey(page, world.server.ownerKey);
    const stored = await page.evaluate(() => ({
      session: JSON.stringify(Object.fromEntries(Object.entries(sessionStorage))),
      local: localStorage.length,
      cookie: document.cookie,
    }));
    expect(stored.session).toContain(world.server.ownerKey);
    expect(stored.local).toBe(0);
    expect(stored.cookie).toBe('');
    expect(page.url()).not.toContain(world.server.ownerKey);
    await expectAccessible(page);
    await screenshot(page, 'api-keys');
  });

  it('works from the keyboard alone: sign in, reach the create form, create a key, confirm a delete', async () => {
    const page = await open();
    await page.goto('/console/');
    // Tab until the key field has focus: it must be reachable, not only clickable.
    for (let i = 0; i < 10 && !(await page.getByLabel('Personal API key').evaluate((el) => el === document.activeElement)); i++) {
      await page.keyboard.press('Tab');
    }
    await page.keyboard.type(world.server.ownerKey);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();

    const nameField = page.getByLabel('Key name');
    for (let i = 0; i < 40 && !(await nameField.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab');
    expect(await nameField.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.type('keyboard key');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Space'); // the first corpus checkbox
    const create = page.getByRole('button', { name: 'Create key' });
    for (let i = 0; i < 10 && !(await create.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Delete key keyboard key' }).waitFor();

    const del = page.getByRole('button', { name: 'Delete key keyboard key' });
    await del.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Delete API key?' });
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect((await owner.get('/v2/api_keys?limit=100')).body.api_keys.some((k: any) => k.name === 'keyboard key')).toBe(true);
    await screenshot(page, 'keyboard');
  });

  it('creates a QueryService key bound to a corpus, copies it, disables, enables and deletes it', async () => {
    const page = await open();
    await signInWithKey(page, world.server.ownerKey);
    await page.getByLabel('Key name').fill('web search');
    await page.getByLabel('Key type').selectOption({ label: 'QueryService' });
    await page.getByRole('checkbox', { name: 'docs' }).check();
    await page.getByRole('button', { name: 'Create key' }).click();
    const secret = (await page.getByRole('region', { name: 'Your new key' }).locator('code').textContent())!.trim();
    expect(secret).toMatch(/^zqt_/);
    await screenshot(page, 'key-created');

    const listed = (await owner.get('/v2/api_keys?limit=100')).body.api_keys as any[];
    const key = listed.find((k) => k.name === 'web search');
    expect(key.api_key_role).toBe('serving');
    expect(key.corpus_keys).toEqual(['docs']);
    expect(await statusWith(secret)).toBe(200);

    await page.getByRole('button', { name: 'Copy key web search' }).click();
    await page.getByRole('status').filter({ hasText: 'Copied' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);

    await page.getByRole('button', { name: 'Disable key web search' }).click();
    await page.getByRole('button', { name: 'Enable key web search' }).waitFor();
    expect(await statusWith(secret)).toBe(401);
    await screenshot(page, 'key-disabled');

    await page.getByRole('button', { name: 'Enable key web search' }).click();
    await page.getByRole('button', { name: 'Disable key web search' }).waitFor();
    expect(await statusWith(secret)).toBe(200);

    await page.getByRole('button', { name: 'Delete key web search' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete API key?' });
    await dialog.waitFor();
    await expectAccessible(page);
    await screenshot(page, 'key-delete-confirm');
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('button', { name: 'Delete key web search' }).waitFor({ state: 'detached' });
    expect(await statusWith(secret)).toBe(401);
  });

  it('creates an IndexService key and a personal key, each type explained', async () => {
    const page = await open();
    await signInWithKey(page, world.server.ownerKey);
    await page.getByLabel('Key type').selectOption({ label: 'IndexService' });
    await expect(page.getByText(/never in browser code/i).first().isVisible()).resolves.toBe(true);
    await page.getByLabel('Key name').fill('ingest job');
    await page.getByRole('checkbox', { name: 'notes' }).check();
    await page.getByRole('button', { name: 'Create key' }).click();
    const indexSecret = (await page.getByRole('region', { name: 'Your new key' }).locator('code').textContent())!.trim();
    expect(indexSecret).toMatch(/^zwt_/);

    await page.getByLabel('Key type').selectOption({ label: 'Personal' });
    await page.getByLabel('Key name').fill('my laptop');
    await page.getByRole('button', { name: 'Create key' }).click();
    await page.getByRole('button', { name: 'Copy key my laptop' }).waitFor();
    const personal = (await page.getByRole('region', { name: 'Your new key' }).locator('code').textContent())!.trim();
    expect(personal).toMatch(/^zut_/);
    expect(await statusWith(personal)).toBe(200);
    await screenshot(page, 'keys-all-types');
  });

  it('regenerates the personal key: the old secret gets 401, the new one works', async () => {
    const mine = await personalKeyFor(world.server.app, 'owner');
    const name = 'owner personal key';
    const page = await open();
    await signInWithKey(page, world.server.ownerKey);
    // Several personal keys share the name; act on the row of this one.
    const row = page.getByRole('row').filter({ hasText: name }).last();
    await row.getByRole('button', { name: `Regenerate key ${name}` }).click();
    const dialog = page.getByRole('dialog', { name: 'Regenerate personal key?' });
    await dialog.getByRole('button', { name: 'Regenerate' }).click();
    const fresh = (await page.getByRole('region', { name: 'Your new key' }).locator('code').textContent())!.trim();
    expect(fresh).toMatch(/^zut_/);
    expect(await statusWith(mine.secret)).toBe(401);
    expect(await statusWith(fresh)).toBe(200);
    await screenshot(page, 'key-regenerated');
  });

  it('creates a corpus and shows it with its usage', async () => {
    const page = await open();
    await signInWithKey(page, world.server.ownerKey);
    await page.getByRole('link', { name: 'Corpora' }).click();
    await page.getByRole('heading', { level: 1, name: 'Corpora' }).waitFor();
    await page.getByLabel('Corpus key').fill('from-console');
    await page.getByLabel('Corpus name').fill('Made in the console');
    await page.getByRole('button', { name: 'Create corpus' }).click();
    await page.getByRole('button', { name: 'Delete corpus from-console' }).waitFor();
    expect((await owner.get('/v2/corpora/from-console')).status).toBe(200);
    await expectAccessible(page);
    await screenshot(page, 'corpora');
  });

  it('uploads a file to a corpus with progress, and the document is there', async () => {
    const page = await open();
    await signInWithKey(page, world.server.ownerKey);
    await page.getByRole('link', { name: 'Corpora' }).click();
    await page.getByRole('heading', { level: 1, name: 'Corpora' }).waitFor();
    await page.getByLabel('Corpus for upload').selectOption('notes');
    await page.getByLabel('File', { exact: true }).setInputFiles({
      name: 'kettle.md', mimeType: 'text/markdown', buffer: Buffer.from('# Kettles\n\nA kettle boils water quickly.\n'),
    });
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'kettle.md' }).waitFor();
    expect((await owner.get('/v2/corpora/notes/documents/kettle.md')).status).toBe(200);
    await screenshot(page, 'uploaded');
  });

  it('runs a streamed query in the playground and shows a copyable curl command', async () => {
    const page = await open();
    await signInWithKey(page, world.server.ownerKey);
    await page.getByRole('link', { name: 'Playground' }).click();
    await page.getByRole('heading', { level: 1, name: 'Playground' }).waitFor();
    await page.getByLabel('Corpus', { exact: true }).selectOption('docs');
    await page.getByLabel('Query').fill('how hot for green tea');
    await page.getByRole('button', { name: 'Run query' }).click();
    const results = page.getByRole('list', { name: 'Results' });
    await results.getByText('Green tea is brewed').waitFor();
    await expect(results.textContent()).resolves.toContain('tea-guide');
    const curl = (await page.locator('pre').filter({ hasText: 'curl' }).textContent()) ?? '';
    expect(curl).toContain('/v2/corpora/docs/query');
    expect(curl).not.toContain(world.server.ownerKey);
    await expectAccessible(page);
    await screenshot(page, 'playground');

    // A grounded answer from the built-in summariser, streamed, with citations that lead to results.
    await page.getByLabel('Generation preset').selectOption('quarry-extractive');
    await page.getByRole('button', { name: 'Run query' }).click();
    const answer = page.getByRole('region', { name: 'Answer' });
    await answer.getByText('Factual consistency score').waitFor();
    await expect(answer.textContent()).resolves.toContain('Green tea is brewed');
    await answer.getByRole('button', { name: 'Go to result 1' }).click();
    await expectAccessible(page);
    await screenshot(page, 'playground-answer');
  });

  it('signs in with a user name and a password set through the reset flow', async () => {
    expect((await owner.post('/v2/users', { email: 'ada@example.com', username: 'ada', api_roles: ['corpus_administrator'] })).status).toBe(201);
    const code = (await owner.post('/v2/users/ada/reset_password', {})).body.one_time_code as string;
    const page = await open();
    await page.goto('/console/');
    await page.getByLabel('User name for new password').fill('ada');
    await page.getByLabel('One-time code').fill(code);
    await page.getByLabel('New password', { exact: true }).fill('a long enough password');
    await page.getByRole('button', { name: 'Set password' }).click();
    await page.getByRole('status').filter({ hasText: /password/i }).first().waitFor();
    await page.getByLabel('User name', { exact: true }).fill('ada');
    await page.getByLabel('Password', { exact: true }).fill('a long enough password');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
    // ada administers corpora, not the account: no Users or App clients pages.
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Corpora' }).waitFor();
    expect(await nav.getByRole('link', { name: 'Users' }).count()).toBe(0);
    expect(await nav.getByRole('link', { name: 'App clients' }).count()).toBe(0);
    await screenshot(page, 'password-sign-in');
  });

  it('shows owners the Users and App clients pages', async () => {
    const page = await open();
    await signInWithKey(page, world.server.ownerKey);
    for (const name of ['Users', 'App clients']) {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name }).click();
      await page.getByRole('heading', { level: 1, name }).waitFor();
      await expectAccessible(page);
      await screenshot(page, name.toLowerCase().replace(' ', '-'));
    }
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sign in to Quarry' }).waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  });

  it('a credential that stops working signs the console out with the reason', async () => {
    const key = await createKey(owner, 'personal', undefined, 'short lived');
    const page = await open();
    await signInWithKey(page, key.secret_key);
    expect((await owner.delete(`/v2/api_keys/${key.id}`)).status).toBe(204);
    await page.getByRole('link', { name: 'Corpora' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sign in to Quarry' }).waitFor();
    await screenshot(page, 'signed-out');
  });
});
