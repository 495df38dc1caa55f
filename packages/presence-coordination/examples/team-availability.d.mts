// Types for the runnable JavaScript example (used by its test).
export function main(): Promise<string[]>
