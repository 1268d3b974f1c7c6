package car

import "github.com/jejak/jejak/protocol"

// Defaults for Limits.
const (
	// DefaultMaxHeaderSize is room for about 1,500 roots.
	DefaultMaxHeaderSize = 64 << 10
	// DefaultMaxBlockSize is the largest record and room for its CID. A
	// Jejak CID takes 36 bytes; the rest lets a block of another kind,
	// whose CID may be longer, be reported as not a record rather than as
	// too large.
	DefaultMaxBlockSize = protocol.MaxRecordSize + 128
	// DefaultMaxBlocks and DefaultMaxBytes are sized together: a record
	// takes about 300 bytes, so 100,000 of them fill about 32 MiB. An
	// export of a longer history reads with larger limits.
	DefaultMaxBlocks = 100_000
	DefaultMaxBytes  = 32 << 20
)

// Limits bounds what Read takes in. A field that is zero (or less) takes
// its default.
type Limits struct {
	// MaxHeaderSize is the most bytes the CAR header, which names the
	// roots, may have (its length prefix not counted).
	MaxHeaderSize int64
	// MaxBlockSize is the most bytes one block's section may have: its
	// CID and the record's bytes.
	MaxBlockSize int64
	// MaxBlocks is the most blocks the file may hold, repeats included.
	MaxBlocks int
	// MaxBytes is the most bytes the whole file may have. As Read holds
	// what it read in memory, this is also what bounds its memory.
	MaxBytes int64
}

// DefaultLimits returns the limits Read applies when given none: a 64 KiB
// header, blocks of a record and its CID, 100,000 blocks and 32 MiB.
func DefaultLimits() Limits {
	return Limits{
		MaxHeaderSize: DefaultMaxHeaderSize,
		MaxBlockSize:  DefaultMaxBlockSize,
		MaxBlocks:     DefaultMaxBlocks,
		MaxBytes:      DefaultMaxBytes,
	}
}

// orDefaults returns l with each field that is zero or less set to its
// default.
func (l Limits) orDefaults() Limits {
	d := DefaultLimits()
	if l.MaxHeaderSize <= 0 {
		l.MaxHeaderSize = d.MaxHeaderSize
	}
	if l.MaxBlockSize <= 0 {
		l.MaxBlockSize = d.MaxBlockSize
	}
	if l.MaxBlocks <= 0 {
		l.MaxBlocks = d.MaxBlocks
	}
	if l.MaxBytes <= 0 {
		l.MaxBytes = d.MaxBytes
	}
	return l
}
