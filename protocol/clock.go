package protocol

import (
	"fmt"
	"time"
)

// The rule for records dated ahead of a node's clock. Clocks differ: a
// device a few minutes fast is honest, and its records must not be lost or
// held against anyone. But a record dated ahead must not count before its
// time: a node takes it (stores it, announces it, passes it on) once its
// own clock reaches it, less ClockAhead.
const (
	// ClockAhead is how far past the receiver's clock a record's time may
	// be and the record still be taken at once: 10 minutes, twice the
	// difference at which a node tells its user that its clock is off, so
	// a clock nobody has been warned about never delays a record, and
	// little enough that no day's events can be reordered by it.
	ClockAhead = 10 * time.Minute
	// HoldAhead is how far ahead a record may be dated and be held (kept
	// in memory, not stored, not passed on) until its time: a day.
	// Further ahead it is not kept at all; sync brings it again later.
	HoldAhead = 24 * time.Hour
	// FarAhead is how far ahead a record may be dated at all: a year. No
	// clock is that wrong; such a record is refused as invalid.
	FarAhead = 366 * 24 * time.Hour
)

// Timing is what CheckTime makes of a record's time.
type Timing int

const (
	// OnTime: at most ClockAhead past the clock. Take it.
	OnTime Timing = iota
	// Early: more than ClockAhead and at most HoldAhead past the clock.
	// Hold it until the clock reaches its time less ClockAhead.
	Early
	// TooEarly: more than HoldAhead and at most FarAhead past the clock.
	// Neither take nor hold it, and do not blame the sender.
	TooEarly
	// Refused: more than FarAhead past the clock. Invalid.
	Refused
)

// CheckTime judges a record's time t (Unix milliseconds) against the
// clock's reading now. It returns OnTime and nil, or one of the others
// with an error that says how far ahead the record is dated; for Refused
// the error is a *FieldError (ErrInvalid).
func CheckTime(t int64, now time.Time) (Timing, error) {
	ahead := time.Duration(t-now.UnixMilli()) * time.Millisecond
	if t-now.UnixMilli() > int64(FarAhead/time.Millisecond) {
		return Refused, invalid("time", "rule.time_far_ahead", "time", time.UnixMilli(t).UTC().Format(time.RFC3339), "clock", now.UTC().Format(time.RFC3339))
	}
	if ahead <= ClockAhead {
		return OnTime, nil
	}
	what := Early
	if ahead > HoldAhead {
		what = TooEarly
	}
	return what, fmt.Errorf("protocol: record dated %s, %s after this node's clock (more than %s ahead): not taken before %s",
		time.UnixMilli(t).UTC().Format(time.RFC3339), ahead.Round(time.Second), ClockAhead, TakeAt(t).UTC().Format(time.RFC3339))
}

// TakeAt is when a record dated t becomes OnTime: t less ClockAhead.
func TakeAt(t int64) time.Time { return time.UnixMilli(t).Add(-ClockAhead) }
