import { describe, expect, it } from 'vitest';
import { runPipeline } from '../../compiler/index.ts';
import { writeWorkspace } from '../analyze/support.ts';

const HERALD = `apiVersion: herald/v1
kind: Workspace
metadata: { name: shop }
spec:
  customers:
    fields: { email: { type: email, pii: true }, email_consent: boolean }
`;

const segment = (name: string, spec: string) => `apiVersion: herald/v1\nkind: Segment\nmetadata: { name: ${name} }\nspec: ${spec}\n`;

describe('the pipeline continues on the valid subset', () => {
  it('reports mistakes of load, validate and analyze in one run', () => {
    const dir = writeWorkspace({
      'herald.yaml': HERALD,
      'a-broken.yaml': 'apiVersion: herald/v1\nkind: Segment\nmetadata: { name: [unclosed\n',
      'b-invalid.yaml': segment('invalid', '{ where: email_consent, live: "yes" }'),
      'c-refs.yaml': segment('refs', '{ include: [missing_segment], live: true }'),
    });
    const result = runPipeline(dir, { emit: true });
    const codes = result.diagnostics.map((d) => `${d.file} ${d.code}`);
    expect(codes).toContain('a-broken.yaml HL103');
    expect(codes).toContain('b-invalid.yaml HL207');
    expect(codes).toContain('c-refs.yaml HL302');
    expect(result.emitted).toBeUndefined();
  });

  it('does not report a reference to a definition that exists but failed validation', () => {
    const dir = writeWorkspace({
      'herald.yaml': HERALD,
      'segments.yaml': [
        segment('invalid', '{ where: email_consent, live: "yes" }'),
        segment('user', '{ include: [invalid], live: true }'),
      ].join('---\n'),
    });
    const result = runPipeline(dir, { emit: false });
    expect(result.diagnostics.map((d) => d.code)).toEqual(['HL207']);
  });

  it('does not warn about unused definitions while there are errors', () => {
    const dir = writeWorkspace({
      'herald.yaml': HERALD,
      'segments.yaml': [segment('lonely', '{ where: email_consent }'), segment('refs', '{ include: [lonley], live: true }')].join('---\n'),
    });
    const result = runPipeline(dir, { emit: false });
    expect(result.diagnostics.map((d) => [d.code, d.help])).toEqual([['HL302', 'did you mean "lonely"?']]);
  });

  it('emits only when there are no errors, and warnings do not stop it', () => {
    const dir = writeWorkspace({ 'herald.yaml': HERALD, 'segments.yaml': segment('lonely', '{ where: email_consent }') });
    const result = runPipeline(dir, { emit: true });
    expect(result.diagnostics.map((d) => d.code)).toEqual(['HL304']);
    expect(result.emitted?.files.has('manifest.json')).toBe(true);
  });

  it('stops after load when there is no workspace to read', () => {
    const result = runPipeline(writeWorkspace({ 'segments.yaml': segment('x', '{ where: email_consent }') }), { emit: true });
    expect(result.diagnostics.map((d) => d.code)).toEqual(['HL102']);
    expect(result.validated).toBeUndefined();
  });
});
