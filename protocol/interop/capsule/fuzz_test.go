package capsule_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/interop/capsule"
	"github.com/jejak/jejak/protocol/provenance/scenario"
)

// FuzzCheck feeds any bytes to what the phone page and the CLI run on a
// capsule: never a panic, and a result that is either a report or a code
// and a message.
func FuzzCheck(f *testing.F) {
	s := scenario.HonestPalm()
	data, _ := build(f, s)
	f.Add(data, s.Batch.String())
	f.Add(data[:len(data)/2], "")
	f.Add([]byte{}, "")
	sup, d := withSupplier(f)
	f.Add(writeWith(f, sup, []protocol.Disclosure{d}), sup.Batch.String())
	f.Fuzz(func(t *testing.T, data []byte, batch string) {
		r := capsule.Check(context.Background(), data, capsule.CheckOptions{Batch: batch, Now: checkedAt})
		if r.OK == (r.Report == nil) || !r.OK && (r.Code == "" || r.Error == "") {
			t.Fatalf("result %+v", r)
		}
		if _, err := json.Marshal(r); err != nil {
			t.Fatal(err)
		}
	})
}
