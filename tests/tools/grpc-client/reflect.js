#!/usr/bin/env node
// An external gRPC client for the Pipeline services that knows nothing but an address: every service, method and
// message type is resolved through server reflection (grpc.reflection.v1, falling back to v1alpha), the way grpcurl
// works, so it checks that a service is usable by a client that was never given its .proto files.
//
//   node reflect.js list ADDRESS                      every service with its methods, resolved through reflection
//   node reflect.js call ADDRESS SERVICE/METHOD JSON  a unary or server-streaming call; JSON '-' reads stdin
//
// Output is one JSON document on stdout. Messages use the proto3 JSON mapping, as grpcurl prints them:
// lowerCamelCase field names (input also accepts the proto names), enums by name, 64-bit integers as strings,
// bytes as base64, Timestamp and Duration as strings, and fields at their default value included.
// A unary call prints the response; a server-streaming call prints the array of responses.
//
// Exit codes: 0 success; 1 the call ended with a gRPC status other than OK (stdout: {"error": {"code", "name",
// "details"}}); 2 wrong usage or a failure before the call (reflection, unknown method, bad JSON; message on stderr).
'use strict';

const grpc = require('@grpc/grpc-js');
const { GrpcReflection } = require('grpc-js-reflection-client');

const DEADLINE_MS = Number(process.env.GRPC_CLIENT_DEADLINE_MS || 15000);
const USAGE = 'usage: reflect.js list ADDRESS | reflect.js call ADDRESS SERVICE/METHOD JSON|-';

class UsageError extends Error {}

function typeName(type) {
  return type.fullName.replace(/^\./, '');
}

function callOptions() {
  return { deadline: new Date(Date.now() + DEADLINE_MS) };
}

/** A reflection client speaking grpc.reflection.v1, or v1alpha when the server has only that one. */
async function connect(address) {
  const credentials = grpc.credentials.createInsecure();
  let lastError;
  for (const version of ['v1', 'v1alpha']) {
    const reflection = new GrpcReflection(address, credentials, {}, version);
    try {
      const services = await reflection.listServices('*', new grpc.Metadata(), callOptions());
      return { reflection, services: [...services].sort() };
    } catch (error) {
      lastError = error;
      if (!isUnimplemented(error)) break;
    }
  }
  throw new Error(`server reflection at ${address} failed: ${describe(lastError)}`);
}

// The reflection library wraps the gRPC error into its own exception's message ("Error: 12 UNIMPLEMENTED: ...").
function isUnimplemented(error) {
  return (error && error.code === grpc.status.UNIMPLEMENTED) || /\bUNIMPLEMENTED\b/.test(describe(error));
}

function describe(error) {
  if (!error) return 'unknown error';
  return String(error.message || error).replace(/^Error: /, '');
}

/** The protobufjs service for a fully qualified name, from the descriptors reflection returns for it. */
async function resolveService(reflection, serviceName) {
  const descriptor = await reflection.getDescriptorBySymbol(serviceName, new grpc.Metadata(), callOptions());
  const root = descriptor.getProtobufJsRoot();
  const service = root.lookupService(serviceName);
  service.resolveAll();
  return service;
}

async function list(address) {
  const { reflection, services } = await connect(address);
  const result = [];
  for (const name of services) {
    const service = await resolveService(reflection, name);
    result.push({
      name,
      methods: Object.values(service.methods).map((m) => ({
        name: m.name,
        requestType: typeName(m.resolvedRequestType),
        responseType: typeName(m.resolvedResponseType),
        clientStreaming: Boolean(m.requestStream),
        serverStreaming: Boolean(m.responseStream),
      })),
    });
  }
  return { services: result };
}

async function call(address, fullMethod, requestJson) {
  const slash = fullMethod.lastIndexOf('/');
  if (slash <= 0) throw new UsageError(`method '${fullMethod}' is not SERVICE/METHOD (e.g. pipeline.v1.Reward/Score)`);
  const serviceName = fullMethod.slice(0, slash);
  const methodName = fullMethod.slice(slash + 1);

  let request;
  try {
    request = JSON.parse(requestJson);
  } catch (error) {
    throw new UsageError(`the request is not JSON: ${error.message}`);
  }

  const { reflection, services } = await connect(address);
  if (!services.includes(serviceName)) {
    throw new UsageError(`${address} has no service '${serviceName}' (it has: ${services.join(', ')})`);
  }
  const service = await resolveService(reflection, serviceName);
  const method = service.methods[methodName];
  if (!method) {
    throw new UsageError(`${serviceName} has no method '${methodName}' (it has: ${Object.keys(service.methods).join(', ')})`);
  }
  if (method.requestStream) throw new UsageError(`${fullMethod} takes a request stream; only unary and server-streaming calls are supported`);

  const requestType = method.resolvedRequestType;
  const responseType = method.resolvedResponseType;
  const message = requestType.fromObject(fromJson(requestType, request, typeName(requestType)));
  const serialize = (m) => Buffer.from(requestType.encode(m).finish());
  const deserialize = (bytes) => responseType.decode(bytes);
  const path = `/${serviceName}/${methodName}`;

  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  try {
    if (!method.responseStream) {
      const response = await new Promise((resolve, reject) => {
        client.makeUnaryRequest(path, serialize, deserialize, message, new grpc.Metadata(), callOptions(),
          (error, value) => (error ? reject(error) : resolve(value)));
      });
      return toJson(responseType, response);
    }
    const responses = [];
    await new Promise((resolve, reject) => {
      const stream = client.makeServerStreamRequest(path, serialize, deserialize, message, new grpc.Metadata(), callOptions());
      stream.on('data', (value) => responses.push(toJson(responseType, value)));
      stream.on('error', reject);
      stream.on('end', resolve);
    });
    return responses;
  } finally {
    client.close();
  }
}

// ---- proto3 JSON mapping over protobufjs reflection objects ----

/** protoc's json_name: underscores removed, the letter after each one upper-cased. */
function jsonName(protoName) {
  return protoName.replace(/_+([a-zA-Z0-9])/g, (_, c) => c.toUpperCase());
}

const WELL_KNOWN = {
  '.google.protobuf.Timestamp': {
    toJson: (m) => new Date(Number(m.seconds || 0) * 1000 + Math.round((m.nanos || 0) / 1e6)).toISOString(),
    fromJson: (value, where) => {
      const ms = Date.parse(value);
      if (typeof value !== 'string' || Number.isNaN(ms)) throw new UsageError(`${where}: '${value}' is not an RFC 3339 timestamp`);
      return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 };
    },
  },
  '.google.protobuf.Duration': {
    toJson: (m) => `${Number(m.seconds || 0) + (m.nanos || 0) / 1e9}s`,
    fromJson: (value, where) => {
      const match = typeof value === 'string' && /^(-?\d+(?:\.\d+)?)s$/.exec(value);
      if (!match) throw new UsageError(`${where}: '${value}' is not a duration like "1.5s"`);
      const seconds = Number(match[1]);
      return { seconds: Math.trunc(seconds), nanos: Math.round((seconds - Math.trunc(seconds)) * 1e9) };
    },
  },
};

/** A plain object protobufjs' fromObject accepts, from proto3 JSON (lowerCamelCase or proto field names). */
function fromJson(type, value, where) {
  const known = WELL_KNOWN[type.fullName];
  if (known) return known.fromJson(value, where);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new UsageError(`${where}: expected a JSON object for ${typeName(type)}`);
  }
  const byName = new Map();
  for (const field of type.fieldsArray) {
    byName.set(field.name, field);
    byName.set(jsonName(field.name), field);
  }
  const result = {};
  for (const [key, item] of Object.entries(value)) {
    const field = byName.get(key);
    if (!field) throw new UsageError(`${where}: ${typeName(type)} has no field '${key}'`);
    const path = `${where}.${key}`;
    if (item === null) continue;
    if (field.map) {
      result[field.name] = Object.fromEntries(Object.entries(item).map(([k, v]) => [k, fieldFromJson(field, v, `${path}[${k}]`)]));
    } else if (field.repeated) {
      if (!Array.isArray(item)) throw new UsageError(`${path}: expected a JSON array`);
      result[field.name] = item.map((v, i) => fieldFromJson(field, v, `${path}[${i}]`));
    } else {
      result[field.name] = fieldFromJson(field, item, path);
    }
  }
  return result;
}

function fieldFromJson(field, value, where) {
  if (field.resolvedType && field.resolvedType.fieldsArray) return fromJson(field.resolvedType, value, where);
  if (['float', 'double'].includes(field.type) && typeof value === 'string') {
    return { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity }[value] ?? Number(value);
  }
  return value;
}

/** proto3 JSON of a decoded message: lowerCamelCase names, defaults included. */
function toJson(type, message) {
  const known = WELL_KNOWN[type.fullName];
  if (known) return known.toJson(message);
  const object = type.toObject(message, {
    enums: String, longs: String, bytes: String, defaults: true, arrays: true, objects: true, json: true,
  });
  return renameFields(type, object);
}

function renameFields(type, object) {
  const known = WELL_KNOWN[type.fullName];
  if (known) return known.toJson(object);
  const result = {};
  for (const field of type.fieldsArray) {
    if (!(field.name in object)) continue;
    const value = object[field.name];
    const nested = field.resolvedType && field.resolvedType.fieldsArray ? field.resolvedType : null;
    let converted = value;
    if (nested && value !== null && value !== undefined) {
      if (field.map) converted = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renameFields(nested, v)]));
      else if (field.repeated) converted = value.map((v) => renameFields(nested, v));
      else converted = renameFields(nested, value);
    }
    result[jsonName(field.name)] = converted;
  }
  return result;
}

async function main(argv) {
  const [command, address, ...rest] = argv;
  if (command === 'list' && address && rest.length === 0) return list(address);
  if (command === 'call' && address && rest.length === 2) {
    const json = rest[1] === '-' ? require('fs').readFileSync(0, 'utf8') : rest[1];
    return call(address, rest[0], json);
  }
  throw new UsageError(USAGE);
}

main(process.argv.slice(2)).then(
  (result) => {
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    process.exit(0);
  },
  (error) => {
    if (error && typeof error.code === 'number' && 'details' in error) {
      const name = Object.keys(grpc.status).find((k) => grpc.status[k] === error.code) || String(error.code);
      process.stdout.write(JSON.stringify({ error: { code: error.code, name, details: error.details } }, null, 2) + '\n');
      process.exit(1);
    }
    process.stderr.write(`reflect.js: ${describe(error)}\n`);
    process.exit(2);
  },
);
