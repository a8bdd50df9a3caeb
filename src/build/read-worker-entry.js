// Worker threads do not inherit the parent's TypeScript loader: register tsx here, then load the reader.
import { register } from 'tsx/esm/api'

register()
await import('./read-worker.ts')
