package protocol_test

import (
	"bytes"
	"crypto/rand"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/prototest"
)

// supplierOrigin returns a delivery from a smallholder, committed with
// fresh salts, and its disclosure.
func supplierOrigin(t *testing.T) (*protocol.Origin, protocol.Disclosure) {
	t.Helper()
	s, d, err := protocol.SupplierDraft{Kind: protocol.SupplierSmallholder, Scheme: protocol.SchemeMPOB,
		Name: "  Siti  Aminah binti Yusof ", ID: "MPOB-567890-Y"}.Commit(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return &protocol.Origin{Places: []protocol.CID{protocol.ComputeCID([]byte("plot"))},
		From: prototest.BaseTime, Until: prototest.BaseTime,
		Out:      []protocol.Output{{Product: "FFB", Qty: protocol.Quantity{Milli: 2_400_000_000, Unit: "KGM"}}},
		Supplier: s}, d
}

// TestSupplierRoundTrip: an origin with a supplier seals and opens to the
// same body, its disclosure opens it, and its bytes hold neither the name
// nor the ID.
func TestSupplierRoundTrip(t *testing.T) {
	o, d := supplierOrigin(t)
	s, err := prototest.NewFeed(prototest.Key("mill-device")).Add(o)
	if err != nil {
		t.Fatal(err)
	}
	if s.V != protocol.Version3 {
		t.Errorf("sealed in format %d, want %d", s.V, protocol.Version3)
	}
	opened, err := protocol.Open(s.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(opened.Body, o) {
		t.Fatalf("opened %+v, want %+v", opened.Body, o)
	}
	d.Record = s.CID
	if err := d.Opens(opened.Body.(*protocol.Origin).Supplier); err != nil {
		t.Fatalf("the disclosure does not open its record: %v", err)
	}
	if d.Name != "Siti Aminah binti Yusof" {
		t.Errorf("name kept as %q, want it trimmed and its spaces folded", d.Name)
	}
	for _, clear := range []string{"Siti", "Aminah", "567890", d.Name, d.ID} {
		if bytes.Contains(bytes.ToLower(s.Bytes), bytes.ToLower([]byte(clear))) {
			t.Errorf("the record's bytes hold %q in the clear", clear)
		}
	}
	again, d2 := supplierOrigin(t)
	if bytes.Equal(again.Supplier.Name, o.Supplier.Name) || bytes.Equal(again.Supplier.ID, o.Supplier.ID) || bytes.Equal(d2.IDSalt, d.IDSalt) {
		t.Error("two deliveries of one supplier share a commitment or a salt: they could be linked")
	}
}

// TestSupplierOldFormats: an origin without a supplier encodes the same in
// formats 2 and 3 (apart from v); one with a supplier is refused in
// format 2.
func TestSupplierOldFormats(t *testing.T) {
	o, _ := supplierOrigin(t)
	key := prototest.Key("mill-device")
	if _, err := protocol.SealVersion(&protocol.Record{Seq: 1, Time: prototest.BaseTime, Body: o}, key, protocol.Version2); err == nil || !strings.Contains(err.Error(), "body.supplier") {
		t.Errorf("a supplier in a format 2 record: %v, want refused at body.supplier", err)
	}
	o.Supplier = nil
	v2, err := protocol.SealVersion(&protocol.Record{Seq: 1, Time: prototest.BaseTime, Body: o}, key, protocol.Version2)
	if err != nil {
		t.Fatal(err)
	}
	v3, err := protocol.SealVersion(&protocol.Record{Seq: 1, Time: prototest.BaseTime, Body: o}, key, protocol.Version3)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(v3.Bytes, []byte("supplier")) || len(v2.Bytes) != len(v3.Bytes) {
		t.Errorf("an origin without a supplier encodes differently in format 3: %x vs %x", v2.Bytes, v3.Bytes)
	}
}

// TestSupplierRules: each broken rule is named by its field.
func TestSupplierRules(t *testing.T) {
	good, _ := supplierOrigin(t)
	cases := []struct {
		name  string
		edit  func(s *protocol.Supplier)
		field string
	}{
		{"no kind", func(s *protocol.Supplier) { s.Kind = "" }, "body.supplier.kind"},
		{"unknown kind", func(s *protocol.Supplier) { s.Kind = "cooperative" }, "body.supplier.kind"},
		{"no scheme", func(s *protocol.Supplier) { s.Scheme = "" }, "body.supplier.scheme"},
		{"unknown scheme", func(s *protocol.Supplier) { s.Scheme = "mpob" }, "body.supplier.scheme"},
		{"no name commitment", func(s *protocol.Supplier) { s.Name = nil }, "body.supplier.name"},
		{"short name commitment", func(s *protocol.Supplier) { s.Name = s.Name[:31] }, "body.supplier.name"},
		{"no ID commitment", func(s *protocol.Supplier) { s.ID = nil }, "body.supplier.id"},
		{"long ID commitment", func(s *protocol.Supplier) { s.ID = append(bytes.Clone(s.ID), 0) }, "body.supplier.id"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := *good
			s := *good.Supplier
			tc.edit(&s)
			o.Supplier = &s
			err := protocol.CheckDraft(&o)
			var fe *protocol.FieldError
			if !errors.As(err, &fe) || fe.Field != tc.field {
				t.Fatalf("CheckDraft: %v, want a rule of %s", err, tc.field)
			}
		})
	}
	drafts := []struct {
		name  string
		d     protocol.SupplierDraft
		field string
	}{
		{"no name", protocol.SupplierDraft{Kind: "dealer", Scheme: "MSPO", Name: "  ", ID: "MSPO-1"}, "supplier.name"},
		{"no ID", protocol.SupplierDraft{Kind: "dealer", Scheme: "MSPO", Name: "Ah Seng Trading"}, "supplier.id"},
		{"control character", protocol.SupplierDraft{Kind: "dealer", Scheme: "ISPO", Name: "Ah\x07Seng", ID: "1"}, "supplier.name"},
		{"no kind", protocol.SupplierDraft{Scheme: "ISPO", Name: "Ah Seng", ID: "1"}, "supplier.kind"},
	}
	for _, tc := range drafts {
		t.Run("draft "+tc.name, func(t *testing.T) {
			_, _, err := tc.d.Commit(rand.Reader)
			var fe *protocol.FieldError
			if !errors.As(err, &fe) || fe.Field != tc.field {
				t.Fatalf("Commit: %v, want a rule of %s", err, tc.field)
			}
		})
	}
}

// TestDisclosureForged: a disclosure with another name, another ID, another
// salt or a short salt does not open the commitments.
func TestDisclosureForged(t *testing.T) {
	o, d := supplierOrigin(t)
	cases := map[string]func(d *protocol.Disclosure){
		"other name": func(d *protocol.Disclosure) { d.Name = "Ahmad bin Ali" },
		"other ID":   func(d *protocol.Disclosure) { d.ID = "MPOB-000000-Y" },
		"other salt": func(d *protocol.Disclosure) { d.NameSalt = bytes.Repeat([]byte{1}, 32) },
		"short salt": func(d *protocol.Disclosure) { d.IDSalt = d.IDSalt[:8] },
	}
	for name, edit := range cases {
		t.Run(name, func(t *testing.T) {
			f := d
			edit(&f)
			if err := f.Opens(o.Supplier); !errors.Is(err, protocol.ErrDisclosure) {
				t.Fatalf("Opens: %v, want ErrDisclosure", err)
			}
		})
	}
	if err := d.Opens(nil); !errors.Is(err, protocol.ErrDisclosure) {
		t.Errorf("a disclosure of an origin without a supplier: %v, want ErrDisclosure", err)
	}
}
