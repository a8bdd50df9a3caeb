#!/usr/bin/env node
// Runs any TypeScript entry file (benchmarks, worker bootstraps) through tsx.
import { pathToFileURL } from 'node:url'
import { resolve } from 'node:path'
import { register } from 'tsx/esm/api'

const file = process.argv[2]
if (!file) {
  console.error('usage: run-ts.js FILE.ts [args...]')
  process.exit(2)
}
process.argv.splice(1, 1)
register()
await import(pathToFileURL(resolve(file)).href)
