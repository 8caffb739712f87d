#!/usr/bin/env node
import { main } from './program.ts';

// `baton audit show log | head`: the reader left, which is no error of ours (and no stack trace for the user).
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = await main(process.argv.slice(2));
