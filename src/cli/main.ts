#!/usr/bin/env node
/**
 * The `vaner` bin. The exit status is set, never forced with process.exit(), so a command that is
 * draining workers or closing the store always finishes first.
 */
import { runCli } from './dispatch.js';

process.exitCode = await runCli(process.argv.slice(2), process.env);
