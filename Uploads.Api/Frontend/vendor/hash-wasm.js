// Incremental SHA-256 in WebAssembly: Web Crypto has no streaming digest, and hashing a file whole would hold it in memory.
export { createSHA256 } from 'hash-wasm';
