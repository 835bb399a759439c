#!/usr/bin/env node
// Thin entry: registers the TypeScript loader and hands over to the CLI.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
