// Validates every object of a rendered chart (a YAML stream on stdin) against the Kubernetes OpenAPI schemas
// (kubernetes-models, compiled with Ajv) and KEDA's CRD schemas. Prints one JSON line per object:
// {"kind","name","errors":[...]}; an object whose apiVersion has no schema here is an error too.
import { parseAllDocuments } from "yaml";

const input = await new Promise((resolve) => {
  let text = "";
  process.stdin.setEncoding("utf8");
  process.stdin.on("data", (chunk) => (text += chunk));
  process.stdin.on("end", () => resolve(text));
});

async function modelsOf(apiVersion) {
  const group = apiVersion.includes("/") ? apiVersion.split("/")[0] : "";
  const module = group.endsWith("keda.sh") ? `@kubernetes-models/keda/${apiVersion}` : `kubernetes-models/${apiVersion}`;
  try {
    return await import(module);
  } catch {
    return null;
  }
}

let failed = false;
for (const document of parseAllDocuments(input)) {
  if (document.errors.length > 0) {
    failed = true;
    console.log(JSON.stringify({ kind: null, name: null, errors: document.errors.map((e) => e.message) }));
    continue;
  }
  const object = document.toJS();
  if (object === null) continue;
  const { apiVersion, kind } = object;
  const name = object.metadata?.name ?? null;
  const Model = (await modelsOf(apiVersion))?.[kind];
  let errors = [];
  if (!Model) {
    errors = [`no schema for ${apiVersion} ${kind}`];
  } else {
    try {
      new Model(object).validate();
    } catch (error) {
      errors = (error.errors ?? [error]).map((e) => e.instancePath !== undefined ? `${e.instancePath} ${e.message}` : String(e.message ?? e));
    }
  }
  failed ||= errors.length > 0;
  console.log(JSON.stringify({ apiVersion, kind, name, errors }));
}
process.exitCode = failed ? 1 : 0;
