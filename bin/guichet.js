#!/usr/bin/env node
// The `guichet` command: runs the compiled CLI (`npm run build` produces dist/).
import '../dist/cli.js';
