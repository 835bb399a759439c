import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { commands } from '../../cli/commands/index.ts';
import { COMMENT_MARKER } from '../../cli/plan/format/markdown.ts';

const WORKFLOW = join(import.meta.dirname, '..', '..', 'examples', 'github-actions', 'herald.yml');

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  id?: string;
  if?: string;
  with?: Record<string, unknown>;
}

const workflow = parse(readFileSync(WORKFLOW, 'utf8')) as {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  jobs: Record<string, { steps: Step[]; env?: Record<string, string> }>;
};
const steps = Object.values(workflow.jobs).flatMap((j) => j.steps);

describe('the GitHub Actions workflow example', () => {
  it('is a pull-request workflow that may comment, with the full history checked out', () => {
    expect(Object.keys(workflow.on)).toEqual(['pull_request']);
    expect(workflow.permissions['pull-requests']).toBe('write');
    const checkout = steps.find((s) => s.uses?.startsWith('actions/checkout@'))!;
    expect(checkout.with?.['fetch-depth']).toBe(0);
  });

  it('runs only real herald commands with flags they accept: validate with annotations, test, plan', async () => {
    const invocations = steps
      .flatMap((s) => (s.run ?? '').replace(/\\\n\s*/g, ' ').split('\n'))
      .flatMap((line) => [...line.matchAll(/\bherald\s+([a-z-]+)([^\n]*)/g)].map((m) => ({ command: m[1]!, rest: m[2]! })));
    expect(invocations.map((i) => i.command)).toEqual(['validate', 'test', 'plan']);
    for (const { command, rest } of invocations) {
      const found = await commands.find((c) => c.name === command)?.load();
      expect(found, `herald ${command} is a command`).toBeDefined();
      for (const flag of rest.match(/--[a-z-]+/g) ?? []) expect(found!.usage, `herald ${command} accepts ${flag}`).toContain(flag);
    }
    expect(invocations[0]!.rest).toContain('--format github');
    expect(invocations[2]!.rest).toMatch(/--base "origin\/\$GITHUB_BASE_REF" --format markdown --out herald-plan/);
    expect(invocations[2]!.rest).toContain('--detailed-exitcode');
  });

  it("posts one comment, found again by the plan's marker and updated, never duplicated", () => {
    const post = steps.find((s) => s.uses?.startsWith('actions/github-script@'))!;
    const script = String(post.with?.script);
    expect(script).toContain(`const marker = '${COMMENT_MARKER}';`);
    expect(script).toContain("fs.readFileSync('herald-plan/comment.md'");
    expect(script).toMatch(/previous = comments\.find\(.*startsWith\(marker\)\)/);
    expect(script.indexOf('updateComment')).toBeGreaterThan(-1);
    expect(script.indexOf('updateComment')).toBeLessThan(script.indexOf('createComment'));
    // The script is valid JavaScript (as github-script wraps it: an async function body).
    const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (...args: string[]) => unknown;
    expect(() => new AsyncFunction('require', 'github', 'context', script)).not.toThrow();
    const upload = steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'))!;
    expect(upload.with?.path).toBe('herald-plan/');
  });
});
