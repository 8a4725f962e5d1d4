package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// Metadata is Chart.yaml as Helm's chart.Metadata exposes it to templates (.Chart.Name, .Chart.AppVersion, ...).
type Metadata struct {
	Name         string            `yaml:"name"`
	Home         string            `yaml:"home"`
	Sources      []string          `yaml:"sources"`
	Version      string            `yaml:"version"`
	Description  string            `yaml:"description"`
	Keywords     []string          `yaml:"keywords"`
	Maintainers  []Maintainer      `yaml:"maintainers"`
	Icon         string            `yaml:"icon"`
	APIVersion   string            `yaml:"apiVersion"`
	Condition    string            `yaml:"condition"`
	Tags         string            `yaml:"tags"`
	AppVersion   string            `yaml:"appVersion"`
	Deprecated   bool              `yaml:"deprecated"`
	Annotations  map[string]string `yaml:"annotations"`
	KubeVersion  string            `yaml:"kubeVersion"`
	Dependencies []interface{}     `yaml:"dependencies"`
	Type         string            `yaml:"type"`
}

type Maintainer struct {
	Name  string `yaml:"name"`
	Email string `yaml:"email"`
	URL   string `yaml:"url"`
}

// Chart is a chart folder loaded the way Helm's loader splits it: metadata, default values, templates, and every
// other file (crds/ included) as .Files.
type Chart struct {
	Metadata  Metadata
	Values    map[string]interface{}
	Templates map[string]string // "templates/x.yaml" -> text
	Files     map[string][]byte // every other file, by slash path
}

func loadChart(dir string) (*Chart, error) {
	c := &Chart{Templates: map[string]string{}, Files: map[string][]byte{}, Values: map[string]interface{}{}}
	raw, err := os.ReadFile(filepath.Join(dir, "Chart.yaml"))
	if err != nil {
		return nil, fmt.Errorf("%s: not a chart folder: %w", dir, err)
	}
	if err := yaml.Unmarshal(raw, &c.Metadata); err != nil {
		return nil, fmt.Errorf("Chart.yaml: %w", err)
	}
	if err := validateMetadata(&c.Metadata); err != nil {
		return nil, fmt.Errorf("validation: chart.metadata %w", err)
	}
	if raw, err := os.ReadFile(filepath.Join(dir, "values.yaml")); err == nil {
		if c.Values, err = readValues(raw); err != nil {
			return nil, fmt.Errorf("values.yaml: %w", err)
		}
	}
	err = filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		switch {
		case rel == "Chart.yaml", rel == "values.yaml", rel == "Chart.lock", rel == "values.schema.json":
		case strings.HasPrefix(rel, "charts/"):
			return fmt.Errorf("%s: subcharts are not supported by helm-render", rel)
		case strings.HasPrefix(rel, "templates/"):
			c.Templates[rel] = string(data)
		default:
			c.Files[rel] = data
		}
		return nil
	})
	return c, err
}

func validateMetadata(m *Metadata) error {
	switch {
	case m.APIVersion != "v2":
		return fmt.Errorf("apiVersion %q is not v2", m.APIVersion)
	case m.Name == "":
		return fmt.Errorf("name is required")
	case m.Version == "":
		return fmt.Errorf("version is required")
	}
	if _, err := parseSemver(m.Version); err != nil {
		return fmt.Errorf("version %q is invalid", m.Version)
	}
	return nil
}

// crdFiles lists crds/*.yaml|yml|json in name order, as `helm template --include-crds` prints them (raw, unrendered).
func (c *Chart) crdFiles() []string {
	var names []string
	for name := range c.Files {
		ext := filepath.Ext(name)
		if strings.HasPrefix(name, "crds/") && (ext == ".yaml" || ext == ".yml" || ext == ".json") {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}
