#!/usr/bin/env node
// The workspace runs TypeScript sources directly through tsx (see docs/decisions/0001-workspace.md).
import { register } from 'tsx/esm/api';

register();
await import('../src/bin.ts');
