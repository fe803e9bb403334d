/** Types of dist-fresh.mjs, for the TypeScript scripts that import it. */
export declare const STAMP: string;
export declare function distState(root: string): 'fresh' | 'stale' | 'missing' | 'installed';
