import type { CodeEntry, MessageTable } from './types.ts';

/** Codes HL40x-HL41x: the generic part of phase 4 (manifest and build files). */
export const emitCodes: CodeEntry[] = [
  {
    code: 'HL401',
    title: 'internal error in a kind emitter',
    severity: 'error',
    explanation:
      'Compiling one definition failed unexpectedly. This is a bug in Herald, not in your ' +
      'workspace; the message names the definition. Nothing is written to build/ when this ' +
      'happens. Please report it with the definition that triggers it.',
  },
  {
    code: 'HL402',
    title: 'invalid build file path',
    severity: 'error',
    explanation:
      'A compiled artefact asked for a file path outside build/ (absolute, with `..`, with a ' +
      'backslash or an empty segment). Build paths are relative and use forward slashes so a ' +
      'build is the same on every machine. This is a bug in Herald; nothing is written.',
  },
  {
    code: 'HL403',
    title: 'build file written twice',
    severity: 'error',
    explanation:
      'Two definitions produced the same file under build/ with different contents, so one would ' +
      'silently overwrite the other. Usually two definitions of different kinds map to the same ' +
      'file name; rename one of them. Nothing is written.',
  },
  {
    code: 'HL404',
    title: 'compiled block is not plain JSON',
    severity: 'error',
    explanation:
      'The compiled form of a definition holds a value JSON cannot represent exactly (a function, ' +
      'undefined inside a list, NaN or Infinity, a bigint, or a circular structure). The manifest ' +
      'must be plain JSON so the runtime reads exactly what the compiler wrote. This is a bug in ' +
      'Herald; the message names the definition and the path of the value.',
  },
];

/** Messages of the emit codes. `label` names a definition as `Kind name`. */
export const emitMessages = {
  HL401: (p: { label: string; error: string } | { kind: string; name: string; sqlReason: string }) =>
    'label' in p
      ? `internal error while compiling ${p.label}: ${p.error}`
      : `cannot compile ${p.kind.toLowerCase()} \`${p.name}\` to SQL: ${p.sqlReason}`,
  HL402: (p: { owner: string; path: string }) =>
    `${p.owner} asked to write build file "${p.path}", which is not a plain relative path inside build/`,
  HL403: (p: { owner: string; other: string; path: string }) =>
    `${p.owner} and ${p.other} both write build file "${p.path}" with different contents`,
  HL404: (p: { label: string; at: string }) => `the compiled form of ${p.label} is not plain JSON at ${p.at}`,
} satisfies MessageTable;
