// Types of lint/import-boundaries.js, which ESLint loads as plain JavaScript.
export declare const COMPILER_LAYERS: string[][];
export declare function areaOf(path: string): string;
export declare function boundaryViolation(from: string, to: string): string | undefined;
export declare const importBoundariesRule: unknown;
