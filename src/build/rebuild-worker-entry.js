// Worker threads do not inherit the parent's TypeScript loader: register tsx here, then load the rebuild thread.
import { register } from 'tsx/esm/api'

register()
await import('./rebuild-worker.ts')
