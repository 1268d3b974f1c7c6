package places

import (
	"bytes"
	"io"
	"io/fs"
	"strings"

	"github.com/jejak/jejak/protocol"
)

// Limits, so that a hostile or mistaken file is refused quickly and in
// bounded memory.
const (
	// MaxFileSize is the largest file an import reads: 64 MiB, about
	// 100 000 plot polygons. The EU Information System takes far smaller
	// geolocation files.
	MaxFileSize = 64 << 20
	// MaxRecords is the most places, or harvests, one import makes.
	MaxRecords = 100_000
	// MaxFeatureSize is the largest one GeoJSON feature may be, in bytes
	// of JSON. A place record holds at most protocol.MaxRecordSize (64
	// KiB), about 5 000 corners; a feature many times that is refused
	// before it is decoded.
	MaxFeatureSize = 2 << 20
	// MaxParts is the most polygons one MultiPolygon may have (each
	// becomes a place).
	MaxParts = 256
	// MaxColumns is the most columns a CSV file may have.
	MaxColumns = 1000
)

// Options are the choices an import leaves to the person importing. The
// zero value is ready to use.
type Options struct {
	// Country is the ISO 3166-1 alpha-2 code ("ID", "MY") of places that
	// name no country. "" means each place must name its own.
	Country string
	// Kind is the kind of place (protocol.PlaceKinds) of places that name
	// none. "" means protocol.PlacePlot.
	Kind string
	// Product is the product of harvests that name none ("FFB"). ""
	// means each harvest must name its own.
	Product string
	// Unit is the unit of harvest quantities that give none, as a UN/ECE
	// Rec 20 code or a symbol ("TNE", "kg"). "" means each quantity must
	// have one.
	Unit string
	// Columns maps a column (CSV) or property (GeoJSON) name of the file
	// to one of the names this package reads (docs/IMPORT.md): for
	// example {"Nama_Kebun": "name", "boundary": "geometry"}. Names match
	// as the file's own do: case, spaces and punctuation aside. A mapped
	// name is read before any name the package recognises by itself.
	Columns map[string]string
	// Size is the size of the input in bytes, for Progress. 0 means
	// unknown: the reader is asked (a Size method, as *bytes.Reader has,
	// or a Stat method, as *os.File has).
	Size int64
	// Progress, when set, is called now and then as the import goes on,
	// on the goroutine that called the parse function: read is how many
	// bytes of the file have been read and checked, total the file's size
	// or -1 when it is not known. It is called at most about two hundred
	// times, and last when the import ends, with or without problems,
	// with read == total. A GeoJSON file is read whole before it is
	// checked (its total is then known); progress counts the checking.
	Progress func(read, total int64)
}

// kind returns the kind of place to use when the file names none.
func (o Options) kind() string {
	if o.Kind == "" {
		return protocol.PlacePlot
	}
	return o.Kind
}

// check refuses defaults that no place or harvest could use, once for the
// file rather than once a line.
func (o Options) check() error {
	var ps problems
	if o.Country != "" {
		if fe := checkAlone(func(p *protocol.Place) { p.Country = o.Country }); fe != nil {
			ps.add(Problem{Msg: "the country chosen for the import: " + fe.Rule})
		}
	}
	if fe := checkAlone(func(p *protocol.Place) { p.Kind = o.kind() }); fe != nil {
		ps.add(Problem{Msg: "the kind of place chosen for the import: " + fe.Rule})
	}
	if _, ok := unitOf(o.Unit); o.Unit != "" && !ok {
		ps.add(Problem{Msg: "the unit chosen for the import: " + unknownUnit(o.Unit)})
	}
	return ps.err()
}

// sizeOf returns the size of r in bytes, or -1 when it is not known.
func sizeOf(r io.Reader, opt Options) int64 {
	if opt.Size > 0 {
		return opt.Size
	}
	switch r := r.(type) {
	case interface{ Size() int64 }:
		return r.Size()
	case interface{ Stat() (fs.FileInfo, error) }:
		if fi, err := r.Stat(); err == nil && fi.Mode().IsRegular() {
			return fi.Size()
		}
	}
	return -1
}

// tooLarge is the problem of a file over MaxFileSize.
func tooLarge(size int64) error {
	if size > 0 {
		return fileProblem("the file is %s; an import reads at most %s: split it into smaller files", mib(size), mib(MaxFileSize))
	}
	return fileProblem("the file is larger than the %s an import reads: split it into smaller files", mib(MaxFileSize))
}

func mib(n int64) string {
	return protocol.FormatMilli(n*1000/(1<<20)) + " MiB"
}

// readAll reads all of r, refusing a file over MaxFileSize before reading
// it when its size is known, and as soon as it passes the limit otherwise.
func readAll(r io.Reader, size int64) ([]byte, error) {
	if size > MaxFileSize {
		return nil, tooLarge(size)
	}
	var buf bytes.Buffer
	if size > 0 {
		buf.Grow(int(size) + 1)
	}
	n, err := buf.ReadFrom(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, readError(err)
	}
	if n > MaxFileSize {
		return nil, tooLarge(-1)
	}
	return buf.Bytes(), nil
}

// readError wraps an error of the reader (not of the file's content).
func readError(err error) error {
	return &readErr{err}
}

type readErr struct{ err error }

func (e *readErr) Error() string { return "places: read the file: " + e.err.Error() }
func (e *readErr) Unwrap() error { return e.err }

// progress calls Options.Progress, not too often.
type progress struct {
	fn    func(read, total int64)
	total int64
	step  int64
	last  int64
}

// newProgress reports to fn every two hundredth of total, or, when the
// total is not known, every 64 KiB and then every fiftieth of what has
// been read (about two hundred calls for MaxFileSize).
func newProgress(fn func(read, total int64), total int64) *progress {
	p := &progress{fn: fn, total: total, step: 64 << 10, last: -1}
	if total > 0 {
		p.step = max(total/200, 4<<10)
	}
	return p
}

// at reports that read bytes have been read and checked.
func (p *progress) at(read int64) {
	if p.fn == nil || read-p.last < p.step {
		return
	}
	if p.total < 0 {
		p.step = max(p.step, read/50)
	}
	if p.total >= 0 && read > p.total {
		read = p.total
	}
	p.last = read
	p.fn(read, p.total)
}

// done reports the end: read bytes in all, which is then the total.
func (p *progress) done(read int64) {
	if p.fn == nil {
		return
	}
	p.fn(read, read)
}

// cleanText trims a value read from a file: protocol refuses leading and
// trailing space, and there is no reason to refuse a file for it.
func cleanText(s string) string { return strings.TrimSpace(s) }
