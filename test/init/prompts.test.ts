import { existsSync, readFileSync } from 'node:fs';
import { PassThrough, Writable } from 'node:stream';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initCommand } from '../../cli/commands/init.ts';
import { KEY, Terminal } from './terminal.ts';
import { SCRIPT } from '../support/outside-programs.ts';
import { REPO, scratch } from './support.ts';

/**
 * The wizards' real prompts (@inquirer/prompts) driven on a pseudo-terminal, as a person would:
 * wrong answers first (shown the reason under the prompt), then right ones, arrow keys for choices.
 */
const tmp = scratch('herald-prompts-');
afterAll(() => tmp.dispose());
const HERALD = join(REPO, 'bin', 'herald.js');

describe.skipIf(SCRIPT.skip)(SCRIPT.title('herald init and herald new on a terminal'), () => {
  beforeAll(() => SCRIPT.require());

  it('herald init asks each question, rejects bad answers with the reason, and creates the workspace', async () => {
    const term = new Terminal([process.execPath, HERALD, 'init', 'corner'], tmp.dir);
    try {
      let at = await term.waitFor('Workspace name');
      term.type(`${KEY.backspace.repeat(10)}Corner Shop${KEY.enter}`);
      at = await term.waitFor('is not snake_case', at);
      term.type(`${KEY.backspace.repeat(11)}corner_shop${KEY.enter}`);
      at = await term.waitFor('Database', at);
      await term.waitFor('Embedded SQLite', at);
      term.type(KEY.down + KEY.enter);
      at = await term.waitFor('PostgreSQL URL', at);
      term.type(`postgres://shop@localhost:5432/corner${KEY.enter}`);
      at = await term.waitFor('Time zone', at);
      term.type(`${KEY.backspace.repeat(40)}Europe/Lisbn${KEY.enter}`);
      at = await term.waitFor('did you mean "Europe/Lisbon"?', at);
      term.type(`${KEY.backspace.repeat(12)}Europe/Lisbon${KEY.enter}`);
      at = await term.waitFor('Starter pack', at);
      await term.waitFor('e-commerce lifecycle', at);
      term.type(KEY.enter);
      await term.waitFor('created workspace corner_shop', at);
      expect(await term.exitCode()).toBe(0);
    } finally {
      term.kill();
    }
    const herald = readFileSync(join(tmp.dir, 'corner', 'herald.yaml'), 'utf8');
    expect(herald).toContain('name: corner_shop');
    expect(herald).toContain('database: postgres://shop@localhost:5432/corner');
    expect(herald).toContain('timezone: Europe/Lisbon');
    expect(existsSync(join(tmp.dir, 'corner', 'journeys', 'cart_recovery.yaml'))).toBe(true);
  });

  it('herald new picks the kind with the arrow keys and asks for its details', async () => {
    const term = new Terminal([process.execPath, HERALD, 'new'], join(tmp.dir, 'corner'));
    try {
      let at = await term.waitFor('What to add');
      term.type(KEY.down + KEY.down + KEY.enter); // Segment, Trait, Template
      at = await term.waitFor('Name of the template', at);
      term.type(`cart_reminder${KEY.enter}`);
      at = await term.waitFor('already exists', at);
      term.type(`${KEY.backspace.repeat(13)}spring_promo${KEY.enter}`);
      at = await term.waitFor('Description', at);
      term.type(`Spring promotion${KEY.enter}`);
      at = await term.waitFor('Subject line', at);
      term.type(`Spring is here${KEY.enter}`);
      await term.waitFor('added Template spring_promo', at);
      expect(await term.exitCode()).toBe(0);
    } finally {
      term.kill();
    }
    const yaml = readFileSync(join(tmp.dir, 'corner', 'templates', 'spring_promo.yaml'), 'utf8');
    expect(yaml).toContain('description: Spring promotion');
    expect(yaml).toContain('subject: Spring is here');
  });
});

describe('herald init in-process on a terminal-like stream', () => {
  it('Ctrl-C at a prompt cancels and writes nothing', async () => {
    const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => undefined });
    let shown = '';
    const output = Object.assign(new Writable({ write: (chunk, _e, done) => ((shown += String(chunk)), done()) }), {
      isTTY: true,
      columns: 120,
      rows: 40,
    });
    const errors: string[] = [];
    const stderr = new Writable({ write: (chunk, _e, done) => (errors.push(String(chunk)), done()) });
    const run = initCommand.run(['never'], { stdin: input, stdout: output, stderr, cwd: tmp.dir, env: {} });
    for (let i = 0; i < 200 && !shown.includes('Workspace name'); i++) await new Promise((r) => setTimeout(r, 10));
    expect(shown).toContain('Workspace name');
    input.write(KEY.ctrlC);
    expect(await run).toBe(2);
    expect(errors.join('')).toContain('cancelled; nothing was written');
    expect(existsSync(join(tmp.dir, 'never'))).toBe(false);
  });
});
