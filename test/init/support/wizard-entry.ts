/**
 * Runs `herald init` or `herald new` on the real process streams with only those commands loaded
 * (the full CLI also loads model training and the journey runtime, slow to start on a busy CI
 * machine). The prompt tests run it on a pseudo-terminal.
 */
import { initCommand } from '../../../cli/commands/init.ts';
import { newCommand } from '../../../cli/commands/new.ts';
import { UsageError } from '../../../cli/command.ts';

const [name, ...argv] = process.argv.slice(2);
const command = name === 'init' ? initCommand : name === 'new' ? newCommand : undefined;
if (!command) throw new Error(`usage: wizard-entry.ts init|new ...`);
try {
  process.exitCode = await command.run(argv, { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, cwd: process.cwd(), env: process.env });
} catch (e) {
  if (!(e instanceof UsageError)) throw e;
  process.stderr.write(`herald ${name}: ${e.message}\n`);
  process.exitCode = 2;
}
