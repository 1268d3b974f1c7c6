package protocol_test

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/prototest"
)

// TestOpenAllAgreesWithOpen: for honest records, forged signatures,
// damaged bytes and records of a newer version, mixed in batches of every
// size around the chunking, OpenAll gives each record exactly Open's
// answer.
func TestOpenAllAgreesWithOpen(t *testing.T) {
	feed := prototest.NewFeed(prototest.Key("openall"))
	var datas [][]byte
	for i := range 300 {
		rec := feed.MustAdd(&protocol.Org{Name: fmt.Sprintf("Org %d", i), Country: "MY", Roles: []protocol.Role{protocol.RoleMill}})
		b := bytes.Clone(rec.Bytes)
		switch i % 7 {
		case 3: // a forged signature: the record decodes, the signature fails
			b[len(b)-5] ^= 0x40
		case 5: // damaged: cut short
			b = b[:len(b)-9]
		}
		datas = append(datas, b)
	}
	newer, err := protocol.SealVersion(&protocol.Record{Seq: 1, Time: prototest.BaseTime, Body: &protocol.Org{Name: "Later", Country: "MY", Roles: []protocol.Role{protocol.RoleMill}}},
		prototest.Key("openall-newer"), protocol.Version+1)
	if err != nil {
		t.Fatal(err)
	}
	datas = append(datas, newer.Bytes)
	for _, n := range []int{0, 1, 7, 31, 32, 33, 64, 65, 200, len(datas)} {
		some := datas[len(datas)-n:]
		recs, errs := protocol.OpenAll(some)
		if len(recs) != n || len(errs) != n {
			t.Fatalf("OpenAll of %d gave %d records and %d errors", n, len(recs), len(errs))
		}
		bad := 0
		for i, d := range some {
			want, wantErr := protocol.Open(d)
			if (errs[i] == nil) != (wantErr == nil) || (wantErr != nil && errs[i].Error() != wantErr.Error()) {
				t.Fatalf("batch of %d, record %d: OpenAll error %v, Open error %v", n, i, errs[i], wantErr)
			}
			if wantErr != nil {
				bad++
				for _, target := range []error{protocol.ErrSignature, protocol.ErrNewerVersion} {
					if errors.Is(wantErr, target) != errors.Is(errs[i], target) {
						t.Fatalf("batch of %d, record %d: errors.Is(%v) differs", n, i, target)
					}
				}
				continue
			}
			if recs[i].CID != want.CID || !bytes.Equal(recs[i].Bytes, want.Bytes) || recs[i].Seq != want.Seq {
				t.Fatalf("batch of %d, record %d: OpenAll opened %s, Open %s", n, i, recs[i].CID, want.CID)
			}
		}
		if n == len(datas) && bad < 80 {
			t.Fatalf("only %d of %d records were bad: the test is not testing refusals", bad, n)
		}
	}
}

// TestDecodeKnownIsDecode: for every record type's vector, DecodeKnown
// gives exactly the record Decode gives.
func TestDecodeKnownIsDecode(t *testing.T) {
	vs := mustVectors(t)
	if len(vs) < 10 {
		t.Fatalf("only %d vectors", len(vs))
	}
	for _, v := range vs {
		want, err := protocol.Decode(v.signed.Bytes)
		if err != nil {
			t.Fatalf("%s: %v", v.name, err)
		}
		got, err := protocol.DecodeKnown(v.signed.Bytes)
		if err != nil {
			t.Fatalf("%s: DecodeKnown: %v", v.name, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: DecodeKnown gave\n%#v\nDecode gave\n%#v", v.name, got, want)
		}
	}
}
