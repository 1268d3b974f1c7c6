package protocol_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jejak/jejak/protocol"
)

func TestCheckTime(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	at := func(d time.Duration) int64 { return now.Add(d).UnixMilli() }
	cases := []struct {
		name string
		t    int64
		want protocol.Timing
		says string
	}{
		{"a year ago", at(-365 * 24 * time.Hour), protocol.OnTime, ""},
		{"now", at(0), protocol.OnTime, ""},
		{"ten minutes ahead", at(protocol.ClockAhead), protocol.OnTime, ""},
		{"ten minutes and a millisecond", at(protocol.ClockAhead + time.Millisecond), protocol.Early, "not taken before 2026-03-01T12:00:00Z"},
		{"a day ahead", at(protocol.HoldAhead), protocol.Early, "24h0m0s after this node's clock"},
		{"a day and a millisecond", at(protocol.HoldAhead + time.Millisecond), protocol.TooEarly, "not taken before 2026-03-02T11:50:00Z"},
		{"a year ahead", at(protocol.FarAhead), protocol.TooEarly, ""},
		{"beyond a year", at(protocol.FarAhead + time.Millisecond), protocol.Refused, "more than a year after this node's clock"},
		{"the end of time", 1<<63 - 1, protocol.Refused, "more than a year"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := protocol.CheckTime(c.t, now)
			if got != c.want {
				t.Errorf("CheckTime = %v, want %v (%v)", got, c.want, err)
			}
			if (err == nil) != (c.want == protocol.OnTime) || (err != nil && !strings.Contains(err.Error(), c.says)) {
				t.Errorf("CheckTime error %v, want one saying %q", err, c.says)
			}
			if c.want == protocol.Refused && !errors.Is(err, protocol.ErrInvalid) {
				t.Errorf("a refusal is not ErrInvalid: %v", err)
			}
		})
	}
	if got := protocol.TakeAt(at(time.Hour)); !got.Equal(now.Add(50 * time.Minute)) {
		t.Errorf("TakeAt an hour ahead = %v", got)
	}
}
