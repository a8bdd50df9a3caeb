/** The understanding of one message, as named passes in `understand/`; this module keeps the old import path. */
export * from './understand/index.ts'
