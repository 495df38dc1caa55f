export declare const SHARED_PREFIX: string
export declare function checksum(sql: string): string
export declare function supabaseCopy(
  name: string,
  sql: string,
  first: boolean,
  pkg?: string,
): string
export declare function supabaseName(name: string): string
export declare function sharedMigrations(): { name: string; source: string; sql: string }[]
