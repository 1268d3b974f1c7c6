package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLabelsCommand sets the label settings with the real binary, first on
// a data folder no node serves, then through the local API of the node
// that serves it: the config file keeps its other keys, a bad GTIN or a
// malformed --gtin changes nothing, and the serving node uses the new
// settings at once.
func TestLabelsCommand(t *testing.T) {
	e := newE2E(t)
	o := e.org("labels")
	path := filepath.Join(o.data, "config.json")
	settings := func() (s struct {
		Resolver string            `json:"resolver"`
		GTINs    map[string]string `json:"gtins"`
	}) {
		t.Helper()
		out := o.run(0, "--json", "labels")
		if err := json.Unmarshal([]byte(out), &s); err != nil {
			t.Fatalf("labels --json: %v\n%s", err, out)
		}
		return s
	}
	mustContain(t, "labels", o.run(0, "labels"), "Resolver: none", "No product has a GTIN")

	out := o.run(0, "labels", "--resolver", "verify.example.org", "--gtin", "CPO=9506000134352")
	mustContain(t, "labels set", out, "Label settings saved.", "Resolver: verify.example.org", "GTIN of CPO: 09506000134352")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil || doc["key_work_factor"] == nil || doc["label_resolver"] != "verify.example.org" {
		t.Fatalf("config file after labels: %v\n%s", err, data)
	}

	for _, bad := range [][]string{
		{"labels", "--gtin", "CPO=9506000134353"},
		{"labels", "--resolver", "https://x.example.org"},
	} {
		code, stdout, stderr := o.try(bad...)
		if code == 0 || !strings.Contains(stderr, "CPO") && !strings.Contains(stderr, "label_resolver") {
			t.Errorf("jejak-node %s = %d\n%s%s; want a failure naming the field", strings.Join(bad, " "), code, stdout, stderr)
		}
	}
	if code, _, stderr := o.try("labels", "--gtin", "CPO"); code != exitUsage || !strings.Contains(stderr, "PRODUCT=GTIN") {
		t.Errorf("labels --gtin CPO = %d, %s; want a usage error", code, stderr)
	}
	if after, _ := os.ReadFile(path); string(after) != string(data) {
		t.Errorf("config file changed by bad input:\n%s\nwas\n%s", after, data)
	}

	o.serves()
	o.run(0, "labels", "--gtin", "PK=96385074", "--gtin", "CPO=")
	s := settings()
	if s.Resolver != "verify.example.org" || len(s.GTINs) != 1 || s.GTINs["PK"] != "00000096385074" {
		t.Fatalf("labels --json through the serving node: %+v", s)
	}
	o.stops()
	if s := settings(); s.GTINs["PK"] != "00000096385074" || s.Resolver != "verify.example.org" {
		t.Fatalf("labels --json after the node stopped: %+v", s)
	}
}
