package provenance

import (
	"runtime"
	"time"

	"github.com/jejak/jejak/protocol"
)

// DefaultMaxRecords is how many records a trace may hold when
// Options.MaxRecords is zero.
const DefaultMaxRecords = 250_000

// EUDRCutoff returns the start of the day after the EUDR cut-off date,
// 2020-12-31 (Regulation (EU) 2023/1115, Article 2(13)): the land a
// commodity was produced on must not have been deforested after it.
func EUDRCutoff() time.Time { return time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC) }

// Options says whom to trust and how far to look. The zero value checks
// with no trust anchors (so at best "unendorsed"), the default table, the
// wall clock and DefaultMaxRecords, and does not fetch.
type Options struct {
	// Anchors are the keys the user believes: certifier or consortium org
	// keys (see Anchors.Keys).
	Anchors []protocol.PublicKey
	// Bounds is the conversion-bounds table; nil means DefaultTable().
	Bounds *Table
	// Forward also walks forward to every product that used the batch
	// (a recall), and checks those records too.
	Forward bool
	// Now returns the time of the check; nil means time.Now.
	Now func() time.Time
	// AsOf, when set, verifies the batch as it stood then (when its due
	// diligence statement was filed, say): records of uses, receipts,
	// corrections, revocations, delegations, endorsements and profiles
	// dated after it are left out, and certificates are judged at that
	// moment (it replaces Now). A batch recorded after AsOf is an error
	// wrapping ErrAfterAsOf.
	AsOf time.Time
	// MaxRecords bounds the records in the trace; past it the walk stops
	// and the integrity check fails. Zero means DefaultMaxRecords.
	MaxRecords int
	// Fetch, when set, is asked for records the source lacks.
	Fetch Fetcher
	// Workers is how many goroutines verify signatures; zero means
	// GOMAXPROCS.
	Workers int
	// SkipSignatures trusts the source to have verified every record when
	// it stored it (a node's own store does: it keeps only records that
	// protocol.Open accepted, and checks their bytes against their CID
	// when it reads them). Verify then takes a record the source returns
	// decoded (Signed.Record set, Signed.CID the CID asked for) as it is;
	// one returned as bytes alone it still checks against the CID and
	// decodes strictly. Records from the Fetcher are always verified in
	// full. Signature checks are most of the cost of a verification.
	SkipSignatures bool
	// Disclosures, when set, opens the commitments of origins recorded on
	// a supplier's behalf (see checkOnBehalf); nil: none are disclosed.
	Disclosures Disclosures
}

func (o Options) withDefaults() Options {
	if o.Bounds == nil {
		o.Bounds = DefaultTable()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.MaxRecords <= 0 {
		o.MaxRecords = DefaultMaxRecords
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	return o
}
