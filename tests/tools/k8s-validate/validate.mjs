#!/usr/bin/env node
// Validates every document of multi-document YAML streams offline: built-in kinds against the OpenAPI schemas of
// a pinned Kubernetes release (kubernetes-models), ServiceMonitors against prometheus-operator's, and custom
// resources against the openAPIV3Schema of the CRDs given with --crd. One line per problem; exit 1 on any.
//
// Usage: node validate.mjs [--crd CRD.yaml]... FILE.yaml|-...
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import { compileCrd } from "./crd-schema.mjs";

const PIPELINE_GROUP = "pipeline.efficient-reasoning.dev";
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

const problems = [];
const crdValidators = new Map();

function usage(msg) {
  console.error(`k8s-validate: ${msg}\nusage: node validate.mjs [--crd CRD.yaml]... FILE.yaml|-...`);
  process.exit(2);
}

/** Each document of a file with its source: file#index, and helm's "# Source:" template when there is one. */
function documents(file) {
  const text = readFileSync(file === "-" ? 0 : file, "utf8");
  // YAML 1.1, as Kubernetes' YAML reader (go-yaml v2) reads manifests; duplicate keys are errors.
  return parseAllDocuments(text, { version: "1.1", uniqueKeys: true }).map((doc, i) => {
    const head = [doc.commentBefore, doc.contents?.commentBefore].filter(Boolean).join("\n");
    const helmSource = /Source:\s*(\S+)/.exec(head)?.[1];
    const source = `${file === "-" ? "stdin" : file}#${i}${helmSource ? ` (${helmSource})` : ""}`;
    return { doc, source };
  });
}

/** ajv's instancePath (/spec/containers/0/image) as a JSON path (spec.containers[0].image). */
function jsonPath(instancePath, extra) {
  const parts = instancePath.split("/").slice(1).map((p) => p.replaceAll("~1", "/").replaceAll("~0", "~"));
  if (extra !== undefined) parts.push(extra);
  return parts.reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), "") || "(root)";
}

function describe(e) {
  switch (e.keyword) {
    case "additionalProperties":
      return [jsonPath(e.instancePath, e.params.additionalProperty), "unknown field"];
    case "required":
      return [jsonPath(e.instancePath, e.params.missingProperty), "required field is missing"];
    case "enum":
      return [jsonPath(e.instancePath), `must be one of: ${e.params.allowedValues.join(", ")}`];
    default:
      return [jsonPath(e.instancePath), e.message];
  }
}

async function modelFor(apiVersion, kind) {
  const group = apiVersion.includes("/") ? apiVersion : `core/${apiVersion}`;
  const modules = group.startsWith("monitoring.coreos.com/")
    ? [`@kubernetes-models/prometheus-operator/${apiVersion}`]
    : [`kubernetes-models/${apiVersion}`];
  for (const m of modules) {
    try {
      const cls = (await import(m))[kind];
      if (cls && cls.kind === kind && cls.apiVersion === apiVersion) return cls;
    } catch { /* no such group/version in the models */ }
  }
  return undefined;
}

function checkMeta(obj, report) {
  for (const f of ["apiVersion", "kind"]) if (typeof obj[f] !== "string" || !obj[f]) report(f, "required field is missing");
  const name = obj.metadata?.name;
  if (typeof name !== "string" || !name) report("metadata.name", "required field is missing");
  else if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) report("metadata.name", `"${name}" is not a valid DNS subdomain name`);
  for (const [k, v] of Object.entries(obj.metadata?.labels ?? {})) {
    if (typeof v !== "string" || v.length > 63 || !LABEL_VALUE.test(v)) report(`metadata.labels.${k}`, `invalid label value ${JSON.stringify(v)}`);
  }
}

async function validate(obj, source) {
  const id = `${obj.kind ?? "?"}/${obj.metadata?.name ?? "?"}`;
  const report = (path, msg) => problems.push(`${source}: ${id}: ${path}: ${msg}`);
  checkMeta(obj, report);
  if (!obj.apiVersion || !obj.kind) return;
  const crd = crdValidators.get(`${obj.apiVersion} ${obj.kind}`);
  if (crd) {
    if (!crd(obj)) for (const e of crd.errors) report(...describe(e));
    return;
  }
  const model = await modelFor(obj.apiVersion, obj.kind);
  if (model) {
    try {
      new model(obj).validate();
    } catch (err) {
      if (!Array.isArray(err.errors)) throw err;
      for (const e of err.errors) report(...describe(e));
    }
    return;
  }
  if (obj.apiVersion.startsWith(`${PIPELINE_GROUP}/`) && obj.kind === "Experiment") {
    if (crdValidators.size) report("apiVersion", `no --crd defines ${obj.apiVersion} ${obj.kind}`);
    return; // without --crd an Experiment is checked only as an object with a name
  }
  report("kind", `no schema for ${obj.apiVersion} ${obj.kind}`);
}

const args = process.argv.slice(2);
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--crd") {
    if (!args[i + 1]) usage("--crd needs a file");
    for (const { doc, source } of documents(args[++i])) {
      const crd = doc.toJS();
      if (crd?.kind !== "CustomResourceDefinition") continue;
      files.push({ crd, source });
      for (const [key, fn] of compileCrd(crd)) crdValidators.set(key, fn);
    }
  } else if (args[i].startsWith("--")) usage(`unknown option ${args[i]}`);
  else files.push(args[i]);
}
if (!files.some((f) => typeof f === "string")) usage("no files to validate");

let count = 0;
for (const f of files) {
  if (typeof f !== "string") { count++; await validate(f.crd, f.source); continue; }
  for (const { doc, source } of documents(f)) {
    for (const e of doc.errors) problems.push(`${source}: YAML: ${e.message.split("\n")[0]}`);
    if (doc.errors.length) continue;
    const obj = doc.toJS();
    if (obj === null || obj === undefined) continue;
    if (typeof obj !== "object" || Array.isArray(obj)) { problems.push(`${source}: (root): a manifest must be a mapping`); continue; }
    count++;
    await validate(obj, source);
  }
}
for (const p of problems) console.log(p);
console.error(`k8s-validate: ${count} documents, ${problems.length} problem(s)`);
process.exit(problems.length ? 1 : 0);
