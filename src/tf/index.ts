export { loadTf, type TfBackendChoice, type TfBackendName, type TfRuntime, tensorCount } from './runtime.ts'
