export { ENV_MAP, type LoadConfigOptions, loadConfig, resolveDataDir, splitDialogueSetting } from './load.ts'
export { type Config, configSchema } from './schema.ts'
