package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// readValues parses a values document the way Helm does (sigs.k8s.io/yaml: YAML through JSON), so every number
// becomes a float64 — the same types a chart's comparisons and printing meet under real Helm.
func readValues(data []byte) (map[string]interface{}, error) {
	var v interface{}
	if err := yaml.Unmarshal(data, &v); err != nil {
		return nil, err
	}
	if v == nil {
		return map[string]interface{}{}, nil
	}
	m, ok := jsonTypes(v).(map[string]interface{})
	if !ok {
		return nil, fmt.Errorf("values must be a map, got %T", v)
	}
	return m, nil
}

// jsonTypes converts what yaml.v3 decoded into encoding/json's types (map[string]interface{}, float64).
func jsonTypes(v interface{}) interface{} {
	switch t := v.(type) {
	case map[string]interface{}:
		for k, e := range t {
			t[k] = jsonTypes(e)
		}
		return t
	case map[interface{}]interface{}:
		m := make(map[string]interface{}, len(t))
		for k, e := range t {
			m[fmt.Sprint(k)] = jsonTypes(e)
		}
		return m
	case []interface{}:
		for i, e := range t {
			t[i] = jsonTypes(e)
		}
		return t
	case int:
		return float64(t)
	case int64:
		return float64(t)
	case uint64:
		return float64(t)
	default:
		return v
	}
}

// mergeValues lays src over dst: maps merge key by key, any other value replaces. A null is kept while user files
// are merged (dropNulls false) and removes the key when user values are coalesced over the chart's defaults, as in
// Helm.
func mergeValues(dst, src map[string]interface{}, dropNulls bool) map[string]interface{} {
	for k, v := range src {
		if v == nil && dropNulls {
			delete(dst, k)
			continue
		}
		if sm, ok := v.(map[string]interface{}); ok {
			if dm, ok := dst[k].(map[string]interface{}); ok {
				dst[k] = mergeValues(dm, sm, dropNulls)
				continue
			}
		}
		dst[k] = v
	}
	return dst
}

func userValues(o *options) (map[string]interface{}, error) {
	vals := map[string]interface{}{}
	for _, f := range o.valueFiles {
		raw, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		m, err := readValues(raw)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		vals = mergeValues(vals, m, false)
	}
	for _, s := range o.sets {
		if err := applySet(vals, s); err != nil {
			return nil, err
		}
	}
	return vals, nil
}

// applySet handles `--set a.b.c=value[,x=y]` with Helm's scalar typing (int64, bool, null, else string). Lists
// (a[0]=x) and escaped separators are not supported: the tests need none, and an error says so.
func applySet(vals map[string]interface{}, expr string) error {
	for _, pair := range strings.Split(expr, ",") {
		key, raw, ok := strings.Cut(pair, "=")
		if !ok || key == "" || strings.ContainsAny(key, "[]\\") {
			return fmt.Errorf("--set %q: only a.b.c=value is supported", pair)
		}
		parts := strings.Split(key, ".")
		m := vals
		for _, p := range parts[:len(parts)-1] {
			next, ok := m[p].(map[string]interface{})
			if !ok {
				next = map[string]interface{}{}
				m[p] = next
			}
			m = next
		}
		m[parts[len(parts)-1]] = typedScalar(raw)
	}
	return nil
}

func typedScalar(s string) interface{} {
	switch s {
	case "true":
		return true
	case "false":
		return false
	case "null":
		return nil
	}
	if i, err := strconv.ParseInt(s, 10, 64); err == nil && (s == "0" || !strings.HasPrefix(s, "0")) {
		return i
	}
	return s
}
