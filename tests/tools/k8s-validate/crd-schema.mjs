// Turns a CRD version's openAPIV3Schema (OpenAPI 3.0, structural) into a JSON Schema that ajv compiles, with the
// API server's rules made explicit: unknown fields are errors (the server prunes them; `kubectl apply` in its
// default strict mode rejects them) unless x-kubernetes-preserve-unknown-fields says otherwise. Hand-written: no
// npm package converts Kubernetes' structural schemas (openapi-schema-to-json-schema knows nothing of the
// x-kubernetes-* extensions). CEL rules (x-kubernetes-validations) are not evaluated.
import Ajv from "ajv";

const COPY = ["type", "enum", "required", "minimum", "maximum", "multipleOf", "pattern", "minLength", "maxLength",
  "minItems", "maxItems", "uniqueItems", "minProperties", "maxProperties", "description", "default"];

export function toJsonSchema(s, root = false) {
  if (s === null || typeof s !== "object") return {};
  const out = {};
  for (const k of COPY) if (k in s) out[k] = structuredClone(s[k]);
  if (s.exclusiveMinimum === true && "minimum" in s) { out.exclusiveMinimum = s.minimum; delete out.minimum; }
  if (s.exclusiveMaximum === true && "maximum" in s) { out.exclusiveMaximum = s.maximum; delete out.maximum; }
  if (s["x-kubernetes-int-or-string"]) { delete out.type; out.anyOf = [{ type: "integer" }, { type: "string" }]; }
  if (s.nullable && out.type) out.type = [out.type, "null"];
  for (const k of ["allOf", "anyOf", "oneOf"]) if (Array.isArray(s[k])) out[k] = s[k].map((x) => toJsonSchema(x));
  if (s.not) out.not = toJsonSchema(s.not);
  if (s.items) out.items = toJsonSchema(s.items);
  const props = { ...(s.properties ?? {}) };
  if (root || s["x-kubernetes-embedded-resource"]) {
    props.apiVersion ??= { type: "string" };
    props.kind ??= { type: "string" };
    props.metadata ??= { type: "object", "x-kubernetes-preserve-unknown-fields": true };
  }
  if (Object.keys(props).length) {
    out.properties = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, toJsonSchema(v)]));
  }
  if (s.additionalProperties !== undefined) {
    out.additionalProperties = typeof s.additionalProperties === "object" ? toJsonSchema(s.additionalProperties) : s.additionalProperties;
  } else if (s.type === "object" && !s["x-kubernetes-preserve-unknown-fields"]) {
    out.additionalProperties = false;
  }
  return out;
}

const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });

/** The custom resource kinds a CRD document defines: "group/version kind" -> ajv validate function. */
export function compileCrd(crd) {
  const validators = new Map();
  const spec = crd?.spec ?? {};
  for (const v of spec.versions ?? []) {
    const schema = v.schema?.openAPIV3Schema;
    if (!schema || v.served === false) continue;
    validators.set(`${spec.group}/${v.name} ${spec.names?.kind}`, ajv.compile(toJsonSchema(schema, true)));
  }
  return validators;
}
