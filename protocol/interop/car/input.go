package car

import (
	"bufio"
	"encoding/binary"
	"errors"
	"io"
)

// errPastLimit is what limitedReader returns once its input has more bytes
// than it allows. Read reports it as the file's byte limit, whatever go-car
// made of it.
var errPastLimit = errors.New("input longer than the limit")

// maxEmptyReads is how many reads in a row may return nothing and no
// error before limitedReader gives up, as bufio does.
const maxEmptyReads = 100

// limitedReader reads at most left bytes of r. Unlike io.LimitReader, an
// input that goes on past them is an error, not an end: a file cut short
// by a limit must not look complete. A reader that keeps returning nothing
// and no error is given up on (io.ErrNoProgress) rather than asked forever.
type limitedReader struct {
	r     io.Reader
	left  int64
	past  bool
	empty int
	// failed is the first error of r other than io.EOF, which is r's
	// fault, not the file's.
	failed error
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.past {
		return 0, errPastLimit
	}
	var b [1]byte
	if l.left <= 0 {
		p = b[:] // is there more? One byte tells.
	} else if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	switch {
	case n == 0 && err == nil:
		if l.empty++; l.empty >= maxEmptyReads {
			l.failed = io.ErrNoProgress
			return 0, l.failed
		}
		return 0, nil
	case l.left <= 0 && n > 0:
		l.past = true
		return 0, errPastLimit
	}
	l.empty = 0
	l.left -= int64(n)
	if err != nil && err != io.EOF && l.failed == nil {
		l.failed = err
	}
	return n, err
}

// input is what go-car reads from. It counts the bytes taken, so that an
// error can say where in the file it is, and lets Read look at the next
// length prefix before go-car acts on it. It has no Seek: whatever go-car
// skips (the padding of a CARv2) is read, and so counted against the limit.
type input struct {
	br  *bufio.Reader
	pos int64
}

func newInput(r io.Reader) *input { return &input{br: bufio.NewReaderSize(r, 4<<10)} }

func (in *input) Read(p []byte) (int, error) {
	n, err := in.br.Read(p)
	in.pos += int64(n)
	return n, err
}

// ReadByte lets go-car read varints a byte at a time without a reader of
// its own around this one.
func (in *input) ReadByte() (byte, error) {
	b, err := in.br.ReadByte()
	if err == nil {
		in.pos++
	}
	return b, err
}

// nextLength returns the length prefix that comes next, without taking it,
// and whether there is a whole one.
func (in *input) nextLength() (uint64, bool) {
	b, _ := in.br.Peek(binary.MaxVarintLen64)
	n, k := binary.Uvarint(b)
	return n, k > 0
}
