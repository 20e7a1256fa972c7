// Unfinished multipart uploads, kept in IndexedDB so that a reload or a lost connection does not lose the parts sent:
// keyed by the file's name, size and modification time (a browser cannot keep a handle on the file itself).
const database = new Promise((resolve, reject) => {
  const request = indexedDB.open("uploads", 1);
  request.onupgradeneeded = () => request.result.createObjectStore("multipart", { keyPath: "fingerprint" });
  request.onsuccess = () => resolve(request.result);
  request.onerror = () => reject(request.error);
});

export const fingerprintOf = (file) => `${file.name}|${file.size}|${file.lastModified}`;

async function run(mode, action) {
  const store = (await database).transaction("multipart", mode).objectStore("multipart");
  return new Promise((resolve, reject) => {
    const request = action(store);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

export const savedUpload = (fingerprint) => run("readonly", (store) => store.get(fingerprint));
export const saveUpload = (upload) => run("readwrite", (store) => store.put(upload));
export const forgetUpload = (fingerprint) => run("readwrite", (store) => store.delete(fingerprint));
export const unfinishedUploads = () => run("readonly", (store) => store.getAll());
