package epcis_test

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/jejak/jejak/protocol/interop/epcis"
)

// stream is a document of n bytes made on the fly: head, then fill
// repeated, then tail. It counts what was read of it.
type stream struct {
	head, tail []byte
	fill       byte
	n, served  int64
}

func (s *stream) Read(p []byte) (int, error) {
	if s.served >= s.n {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), s.n-s.served)]
	for i := range p {
		switch off := s.served + int64(i); {
		case off < int64(len(s.head)):
			p[i] = s.head[off]
		case off >= s.n-int64(len(s.tail)):
			p[i] = s.tail[off-(s.n-int64(len(s.tail)))]
		default:
			p[i] = s.fill
		}
	}
	s.served += int64(len(p))
	return len(p), nil
}

// TestImportRefusesHostile checks that documents built to exhaust a
// reader are refused, reading no more than the limits allow, and within
// bounded memory: some four times the document, and about 100 bytes a
// value.
func TestImportRefusesHostile(t *testing.T) {
	const mb = 1 << 20
	repeat := func(s string, n int) string { return strings.Repeat(s, n) }
	tests := []struct {
		name     string
		r        *stream
		opts     epcis.ImportOptions
		want     string
		maxRead  int64 // bytes the import may read of it
		maxAlloc uint64
	}{
		{name: "100 MB", r: &stream{head: []byte(`{"type":"EPCISDocument","id":"`), fill: 'a', n: 100 * mb},
			want: "document is larger than 16 MiB", maxRead: epcis.DefaultMaxBytes + 1, maxAlloc: 64 * mb},
		{name: "100 MB of white space", r: &stream{head: []byte(`{"type":"EPCISDocument"`), fill: ' ', n: 100 * mb},
			want: "document is larger than 16 MiB", maxRead: epcis.DefaultMaxBytes + 1, maxAlloc: 64 * mb},
		{name: "nested a million deep", r: &stream{fill: '[', n: mb},
			want: "nest more than 64 deep", maxRead: 64 << 10, maxAlloc: mb},
		{name: "nested objects", r: &stream{head: []byte(repeat(`{"a":`, 100)), fill: ' ', n: mb},
			want: "nest more than 64 deep", maxRead: 64 << 10, maxAlloc: mb},
		{name: "a huge array", r: &stream{head: []byte(`{"type":"EPCISDocument","epcisBody":{"eventList":[` + repeat("0,", 200_000)), fill: ' ', tail: []byte("0]}}"), n: 10 * mb},
			want: "epcisBody.eventList: refused: an array has more than 100000 items", maxRead: epcis.DefaultMaxBytes + 1, maxAlloc: 96 * mb},
		{name: "a huge object", r: &stream{head: []byte(`{"a":{` + keys(200_000)), fill: ' ', tail: []byte(`"z":0}}`), n: 10 * mb},
			want: "an object has more than 100000 members", maxRead: epcis.DefaultMaxBytes + 1, maxAlloc: 96 * mb},
		{name: "too many values", r: &stream{head: []byte(`[` + repeat("["+strings.TrimSuffix(repeat("0,", 90_000), ",")+"],", 12)), fill: ' ', tail: []byte("0]"), n: 15 * mb},
			want: "more than 1000000 values", maxRead: epcis.DefaultMaxBytes + 1, maxAlloc: 200 * mb},
		{name: "a smaller size limit", r: &stream{head: []byte(docWith(event)), fill: ' ', n: 2000},
			opts: epcis.ImportOptions{Limits: epcis.Limits{MaxBytes: 1000}}, want: "larger than 1000 bytes", maxRead: 1001, maxAlloc: mb},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			_, err := epcis.Import(tc.r, tc.opts)
			took := time.Since(start)
			runtime.ReadMemStats(&after)
			if !errors.Is(err, epcis.ErrTooLarge) {
				t.Fatalf("error %v, want one that is ErrTooLarge", err)
			}
			var le *epcis.LimitError
			if !errors.As(err, &le) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q, want a *LimitError saying %q", err, tc.want)
			}
			if tc.r.served > tc.maxRead {
				t.Errorf("read %d bytes of it, want at most %d", tc.r.served, tc.maxRead)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > tc.maxAlloc {
				t.Errorf("allocated %d MiB, want at most %d MiB", alloc>>20, tc.maxAlloc>>20)
			}
			t.Logf("refused after reading %d bytes, allocating %d KiB, in %v: %v", tc.r.served, (after.TotalAlloc-before.TotalAlloc)>>10, took, err)
		})
	}
}

func keys(n int) string {
	var b bytes.Buffer
	for i := range n {
		b.WriteString(`"k`)
		b.WriteString(strings.Repeat("x", i%7))
		b.WriteString(itoa(i))
		b.WriteString(`":0,`)
	}
	return b.String()
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var d []byte
	for ; i > 0; i /= 10 {
		d = append([]byte{byte('0' + i%10)}, d...)
	}
	return string(d)
}

// TestImportBoundsWhatItMakes checks a small document that would make a
// great deal: a shipment of 2,000 classes with 2,000 business
// transactions is 2,000 transfers of 2,000 documents each.
func TestImportBoundsWhatItMakes(t *testing.T) {
	var q, b strings.Builder
	for i := range 2000 {
		if i > 0 {
			q.WriteByte(',')
			b.WriteByte(',')
		}
		q.WriteString(`{"epcClass":"urn:epc:class:lgtin:4012345.012345.` + itoa(i) + `","quantity":1,"uom":"KGM"}`)
		b.WriteString(`{"type":"inv","bizTransaction":"urn:x:inv:` + itoa(i) + `"}`)
	}
	ev := strings.Replace(event, `"quantityList":[{"epcClass":"urn:epc:class:lgtin:4012345.012345.998877","quantity":200,"uom":"KGM"}]`,
		`"quantityList":[`+q.String()+`],"bizTransactionList":[`+b.String()+`]`, 1)
	_, err := epcis.Import(strings.NewReader(docWith(ev)), epcis.ImportOptions{})
	if !errors.Is(err, epcis.ErrTooLarge) || !strings.Contains(err.Error(), "epcisBody.eventList[0]: refused: the shipping events would make more than 1000000 document references") {
		t.Errorf("error %v, want the shipment refused", err)
	}
}
