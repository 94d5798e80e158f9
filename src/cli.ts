/** Process entry of the `guichet` command (bin/guichet.js runs the compiled copy). */
import { runCli } from './main.js';

process.exit(await runCli(process.argv.slice(2)));
