package eudr

import (
	"errors"
	"fmt"
	"strings"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
)

// MaxFileBytes is the most a geolocation file may hold: the EU
// Information System takes at most 25 MB of geolocation for one due
// diligence statement.
const MaxFileBytes = 25_000_000

// Errors an export can end in, for callers to tell apart with errors.Is.
var (
	// ErrIncomplete: records of the batch's story are missing, so not every
	// origin is known; verify again once they arrive.
	ErrIncomplete = errors.New("the trace is incomplete")
	// ErrNoPlots: no origin of the batch is a plot or an estate (tin from a
	// smelter, say): there is no land to declare.
	ErrNoPlots = errors.New("no origin is a plot or an estate")
	// ErrGeolocation: an origin's geolocation cannot be written as the EU
	// Information System takes it; the error names each one and why.
	ErrGeolocation = errors.New("geolocation the EU Information System would refuse")
)

// Options tune an export. The zero value writes files of at most
// MaxFileBytes named after the subject.
type Options struct {
	// MaxFileBytes bounds each geolocation file; zero means MaxFileBytes.
	// Past it the features are split over several files, by whole
	// features.
	MaxFileBytes int
	// Name is the geolocation files' base name, without ".geojson"; ""
	// means "eudr-" and the subject's short ID.
	Name string
}

func (o Options) maxBytes() int {
	if o.MaxFileBytes <= 0 {
		return MaxFileBytes
	}
	return o.MaxFileBytes
}

// Subject is what an export declares: the batch verified (the zero
// value), or everything one transfer of it sends.
type Subject struct {
	// Transfer, when set, is a transfer record of the report's batch: the
	// export declares what it sends (its quantity, to its addressee).
	Transfer *protocol.Signed
}

// TransferSubject returns the subject of everything transfer t sends.
func TransferSubject(t protocol.Signed) Subject { return Subject{Transfer: &t} }

// transfer returns the subject's transfer body, checking it sends the
// report's batch; nil for a batch.
func (s Subject) transfer(rep *provenance.Report) (*protocol.Transfer, error) {
	if s.Transfer == nil {
		return nil, nil
	}
	if s.Transfer.Record == nil {
		return nil, fmt.Errorf("eudr: transfer %s: no record", s.Transfer.CID.Short())
	}
	t, ok := s.Transfer.Body.(*protocol.Transfer)
	if !ok {
		return nil, fmt.Errorf("eudr: record %s is a %s record, not a transfer", s.Transfer.CID.Short(), s.Transfer.Type())
	}
	if t.Batch != rep.Batch {
		return nil, fmt.Errorf("eudr: transfer %s sends batch %s, but the report is of batch %s: verify the batch the transfer sends",
			s.Transfer.CID.Short(), t.Batch, rep.Batch)
	}
	return t, nil
}

// baseName is the files' base name for the subject.
func (s Subject) baseName(rep *provenance.Report, o Options) string {
	if o.Name != "" {
		return o.Name
	}
	if s.Transfer != nil {
		return "eudr-transfer-" + tail(s.Transfer.CID)
	}
	return fmt.Sprintf("eudr-%s-%d", tail(rep.Batch.Record), rep.Batch.Index)
}

// tail returns the last eight characters of c: what people read of a CID.
func tail(c protocol.CID) string {
	s := c.String()
	return s[max(0, len(s)-8):]
}

// checkReport refuses a report that cannot stand behind an export.
func checkReport(rep *provenance.Report) error {
	if rep == nil {
		return errors.New("eudr: no report")
	}
	if rep.Verdict == provenance.Incomplete || rep.Stats.Missing > 0 || rep.Stats.Truncated {
		var what []string
		for _, m := range rep.Missing {
			what = append(what, m.Record.Short())
		}
		return fmt.Errorf("eudr: batch %s: %w (missing %s): not every origin is known, so none can be declared; verify again once they arrive",
			rep.Batch, ErrIncomplete, strings.Join(what, ", "))
	}
	return nil
}
