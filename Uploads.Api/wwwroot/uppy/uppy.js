// Uppy as a client of this API: the only change from a Companion setup is `endpoint` (and the token in `headers`).
// Every upload is one of our files; the table follows each to SYNCED.
import { AwsS3, Dashboard, GoldenRetriever, Uppy } from "../vendor/uppy.js";
import { authorization, call, follow } from "../uploads/api.js";

const uppy = new Uppy({ autoProceed: false })
  .use(Dashboard, { inline: true, target: "#uppy", height: 380, proudlyDisplayPoweredByUppy: false })
  .use(AwsS3, {
    endpoint: `${location.origin}/companion`,
    headers: { authorization: await authorization() },
    shouldUseMultipart: (file) => file.size > 16 * 1024 * 1024,
  })
  .use(GoldenRetriever);

// A multipart completion answers with our file's id; a single POST leaves it in the upload key (tenants/…/uploads/<id>).
const fileIdOf = (body) => body?.file_id ?? body?.key?.match(/\/uploads\/([0-9a-f]{32})$/)?.[1]
  ?.replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, "$1-$2-$3-$4-$5");

uppy.on("upload-success", async (file, response) => {
  const fileId = fileIdOf(response.body);
  const row = document.querySelector("#row").content.firstElementChild.cloneNode(true);
  row.querySelector(".name").textContent = file.name;
  row.querySelector(".file-id").textContent = fileId;
  row.dataset.fileId = fileId;
  document.querySelector("#files tbody").append(row);
  const show = (status) => { row.dataset.status = status; row.querySelector(".status").textContent = status; };
  const settled = await follow(fileId, show);
  if (settled === "SYNCED") row.querySelector(".sha256").textContent = (await call("GET", `/files/${fileId}`)).sha256;
});
