import type { CodeEntry, MessageTable } from './types.ts';

/** Codes HL30x-HL31x: names, references and the dependency graph (phase 3, generic checks). */
export const analyzeCodes: CodeEntry[] = [
  {
    code: 'HL301',
    title: 'duplicate definition name',
    severity: 'error',
    explanation:
      'Two definitions of the same kind have the same `metadata.name`. Names are unique per kind ' +
      '(a Segment and a Template may share a name, two Segments may not), because references, ' +
      'the manifest and the database all identify a definition by kind and name. The diagnostic ' +
      'points at the second definition and a note says where the first one is. Rename one of ' +
      'them, or delete the copy.',
  },
  {
    code: 'HL302',
    title: 'unknown reference',
    severity: 'error',
    explanation:
      "A field that names another definition (a Campaign's `audience`, a send step's template, " +
      "`in_segment(...)` in a rule, a Segment's `include` list...) names one that does not " +
      'exist in the workspace. The diagnostic suggests the closest existing name of the expected ' +
      'kind, and mentions it when a definition of another kind has that name. A reference to a ' +
      'definition that exists but has errors of its own is not reported here: fix that ' +
      'definition first.',
  },
  {
    code: 'HL303',
    title: 'reference cycle',
    severity: 'error',
    explanation:
      'Definitions refer to each other in a circle, for example a segment that includes a second ' +
      'segment which includes the first. Herald compiles every definition after the ones it uses, ' +
      'so a cycle has no valid order (and a segment defined through itself has no meaning). The ' +
      'message prints the cycle once, e.g. `segment a -> segment b -> segment a`, at the reference ' +
      'that closes it. Break the cycle by removing one of the references.',
  },
  {
    code: 'HL304',
    title: 'unused definition',
    severity: 'warning',
    explanation:
      'A definition nothing uses. The rules: a Template that no Journey or Campaign sends (a ' +
      'Template with `partial: true` is exempt: other templates include it); a Segment that no ' +
      'Journey, Campaign, Segment, Model or rule uses, unless it is marked `live: true` (kept ' +
      'materialized for reporting or live use). A reference from a Test does not count as ' +
      'a use: tests check what is sent, they do not send. Sources, Traits, Models, Journeys, ' +
      'Campaigns and Tests are never reported: they are entry points or are read by name at run ' +
      'time (templates read traits and scores). The check runs only when the workspace has no ' +
      'errors, because a misspelt reference would otherwise make its intended target look unused. ' +
      'Delete the definition, reference it, or mark it `live: true`.',
  },
  {
    code: 'HL305',
    title: 'internal error in a kind analyzer',
    severity: 'error',
    explanation:
      'The checks for one kind of definition failed unexpectedly. This is a bug in Herald, not in ' +
      'your workspace; the message names the definition being analyzed. The other definitions ' +
      'are still checked. Please report it with the definition that triggers it.',
  },
];

/** Messages of the analyze codes raised while analyzing definitions (compiler/3-analyze). */
export const analyzeMessages = {
  HL301: (p: { definition: string }) => `${p.definition} is defined twice`,
  HL302: (p: { kind: string; name: string; definition: string }) => `unknown ${p.kind} "${p.name}" referenced by ${p.definition}`,
  HL303: (p: { path: string }) => `reference cycle: ${p.path}`,
  HL304: (p: { definition: string; what: string }) => `${p.definition} is unused: ${p.what}`,
  HL305: (p: { definition: string; message: string }) => `internal error while analyzing ${p.definition}: ${p.message}`,
} satisfies MessageTable;
