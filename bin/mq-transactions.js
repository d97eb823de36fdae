#!/usr/bin/env node
import { main } from '../dist/commands/transactions/index.js';

process.exitCode = await main(process.argv.slice(2));
