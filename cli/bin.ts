/** The process entry of the CLI: bin/herald.js runs its compiled form; tests may run it from source. */
import { main } from './main.ts';

process.exitCode = await main(process.argv.slice(2));
