#!/usr/bin/env node
import { main } from '../dist/commands/get-offsets/index.js';

process.exitCode = await main(process.argv.slice(2));
