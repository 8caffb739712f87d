export { createProgram, main, EXIT_USAGE } from './program.ts';
