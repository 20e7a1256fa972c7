// Hashes one file in a worker thread, a chunk at a time: memory stays at one chunk whatever the file's size, and the page
// keeps uploading while this reads. Posts {progress: bytes} as it goes, then {sha256} or {error}.
import { createSHA256 } from "../vendor/hash-wasm.js";

const chunkBytes = 8 * 1024 * 1024;

self.onmessage = async ({ data: { file } }) => {
  try {
    const sha256 = await createSHA256();
    sha256.init();
    for (let offset = 0; offset < file.size; offset += chunkBytes) {
      const chunk = await file.slice(offset, offset + chunkBytes).arrayBuffer();
      sha256.update(new Uint8Array(chunk));
      self.postMessage({ progress: Math.min(file.size, offset + chunkBytes) });
    }
    self.postMessage({ sha256: sha256.digest("hex") });
  } catch (error) {
    self.postMessage({ error: String(error?.message ?? error) });
  }
};
