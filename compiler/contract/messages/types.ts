/**
 * A code's message, built from typed parameters: call sites pass the values, the catalogue words
 * the text (`diagnostic('HL110', { file, why })`), so one code reads the same wherever it is raised.
 * It lives in the contract because the rule parser and the runtime, which may not import the
 * catalogue, word their codes through tables here that the catalogue re-exports.
 */
export type MessageTable = Record<string, (params: never) => string>;
